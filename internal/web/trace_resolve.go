package web

import (
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/trace"
)

// gs1Voc is the GS1 Web vocabulary namespace of link types.
const gs1Voc = "https://gs1.org/voc/"

// traceLink is one link of a Digital Link's linkset.
type traceLink struct {
	Rel   string // short link type: pip, certificationInfo, traceability, verificationService
	Href  string
	Title string
	Lang  string
}

// traceLinkTypes are the link types the resolver offers.
var traceLinkTypes = []string{"pip", "certificationInfo", "traceability", "verificationService"}

// traceResolve is the GS1 Digital Link resolver for /01/{gtin},
// /01/{gtin}/10/{lot}, /01/{gtin}/10/{lot}/21/{serial} and
// /01/{gtin}/21/{serial}. Without linkType a browser is sent (307) to the
// default link — the product page, or for a serialised item the stamp's
// verification page, served in place as before; linkType=gs1:… picks a
// link (307; 300 when several remain after the language; 404 when there is
// none); linkType=all or Accept: application/linkset+json returns the
// linkset (RFC 9264). A malformed link or a wrong check digit is 400, an
// unknown GTIN or lot 404.
func (s *Server) traceResolve(w http.ResponseWriter, r *http.Request) error {
	path := "/01/" + r.PathValue("gtin")
	if lot := r.PathValue("lot"); lot != "" {
		path += "/10/" + url.PathEscape(lot)
	}
	if serial := r.PathValue("serial"); serial != "" {
		path += "/21/" + url.PathEscape(serial)
	}
	q := r.URL.Query()
	lt := strings.TrimPrefix(strings.TrimPrefix(q.Get("linkType"), "gs1:"), gs1Voc)
	wantSet := lt == "all" || lt == "linkset" || strings.Contains(r.Header.Get("Accept"), "application/linkset+json")
	dl, err := trace.ParseDigitalLink(path)
	if err != nil {
		if r.PathValue("serial") != "" && r.PathValue("lot") == "" && !wantSet && lt == "" {
			// A scan of a printed stamp keeps the verification page's
			// answer ("unknown") exactly as before.
			return s.stampVerifyLink(w, r)
		}
		key := "trace.dl_invalid"
		if errors.Is(err, trace.ErrCheckDigit) {
			key = "trace.dl_check_digit"
		}
		return s.traceResolverError(w, r, http.StatusBadRequest, key)
	}
	if dl.Serial != "" && dl.Lot == "" && !wantSet && (lt == "" || lt == "verificationService") {
		return s.stampVerifyLink(w, r)
	}
	res, err := s.Trace.Resolve(r.Context(), dl)
	if apperr.Is(err, apperr.NotFound) {
		return s.traceResolverError(w, r, http.StatusNotFound, apperr.As(err).Key)
	}
	if err != nil {
		return err
	}
	links := s.traceLinksOf(dl, res)
	w.Header().Set("Link", `<`+dl.Path()+`?linkType=all>; rel="linkset"; type="application/linkset+json"`)
	w.Header().Set("Vary", "Accept, Accept-Language")
	if wantSet {
		return s.traceWriteLinkset(w, r, http.StatusOK, dl, res, links)
	}
	if lt == "" {
		lt = "pip"
	}
	var cands []traceLink
	for _, l := range links {
		if l.Rel == lt {
			cands = append(cands, l)
		}
	}
	if len(cands) > 1 {
		cands = traceByLanguage(cands, r.Header.Get("Accept-Language"))
	}
	switch len(cands) {
	case 0:
		return s.traceResolverError(w, r, http.StatusNotFound, "trace.dl_no_link")
	case 1:
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, cands[0].Href, http.StatusTemporaryRedirect)
		return nil
	}
	return s.traceWriteLinkset(w, r, http.StatusMultipleChoices, dl, res, cands)
}

// traceLinksOf lists the links of a resolved Digital Link.
func (s *Server) traceLinksOf(dl trace.DigitalLink, res trace.Resolution) []traceLink {
	pid := itoa64(res.ProductID)
	links := []traceLink{
		{Rel: "pip", Href: "/products/" + pid, Title: res.ProductName, Lang: "vi"},
		{Rel: "pip", Href: "/products/" + pid + "?lang=en", Title: res.ProductName, Lang: "en"},
	}
	if res.Certificate != "" {
		links = append(links, traceLink{Rel: "certificationInfo", Href: "/certificates/" + url.PathEscape(evaluation.CertificateSlug(res.Certificate)),
			Title: res.Certificate, Lang: "vi"})
	}
	switch {
	case dl.Serial != "":
		links = append(links, traceLink{Rel: "verificationService", Href: "/q/" + url.PathEscape(dl.Serial), Title: dl.Serial, Lang: "vi"},
			traceLink{Rel: "traceability", Href: "/q/" + url.PathEscape(dl.Serial), Title: dl.Serial, Lang: "vi"})
	case res.LotID != 0:
		links = append(links, traceLink{Rel: "traceability", Href: "/trace/journey/" + itoa64(res.LotID), Title: res.LotCode, Lang: "vi"})
	}
	return links
}

// traceByLanguage keeps the links in the first language of Accept-Language
// that has any, else those in Vietnamese (the default language).
func traceByLanguage(links []traceLink, accept string) []traceLink {
	pick := func(lang string) []traceLink {
		var out []traceLink
		for _, l := range links {
			if l.Lang == lang {
				out = append(out, l)
			}
		}
		return out
	}
	for _, part := range strings.Split(accept, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag, _, _ = strings.Cut(strings.ToLower(tag), "-")
		if got := pick(tag); len(got) > 0 {
			return got
		}
	}
	if got := pick("vi"); len(got) > 0 {
		return got
	}
	return links
}

// traceWriteLinkset writes a linkset (RFC 9264) in GS1's shape: the
// anchor and one array of targets per link type.
func (s *Server) traceWriteLinkset(w http.ResponseWriter, r *http.Request, status int, dl trace.DigitalLink, res trace.Resolution, links []traceLink) error {
	base := certBaseURL(s, r)
	set := map[string]any{"anchor": base + dl.Path(), "itemDescription": res.ProductName}
	for _, l := range links {
		key := gs1Voc + l.Rel
		t := map[string]any{"href": base + l.Href, "title": l.Title, "type": "text/html", "hreflang": []string{l.Lang}}
		list, _ := set[key].([]any)
		set[key] = append(list, t)
		if l.Rel == "pip" && set[gs1Voc+"defaultLink"] == nil {
			set[gs1Voc+"defaultLink"] = []any{t}
		}
	}
	b, err := json.Marshal(map[string]any{"linkset": []any{set}})
	if err != nil {
		return err
	}
	if status == http.StatusMultipleChoices && !strings.Contains(r.Header.Get("Accept"), "json") {
		// People get the choices as a page.
		var sb strings.Builder
		sb.WriteString(`<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>` +
			html.EscapeString(res.ProductName) + `</title><ul>`)
		for _, l := range links {
			sb.WriteString(`<li><a href="` + html.EscapeString(l.Href) + `" hreflang="` + html.EscapeString(l.Lang) + `">` + html.EscapeString(l.Title) + `</a></li>`)
		}
		sb.WriteString(`</ul></html>`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, err := io.WriteString(w, sb.String())
		return err
	}
	w.Header().Set("Content-Type", "application/linkset+json")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// traceResolverError answers a resolver failure: problem+json for
// machines, a short page for people.
func (s *Server) traceResolverError(w http.ResponseWriter, r *http.Request, status int, key string) error {
	lang := langOf(r)
	msg := s.Catalog.T(lang, key)
	w.Header().Set("Cache-Control", "no-store")
	if a := r.Header.Get("Accept"); strings.Contains(a, "json") && !strings.Contains(a, "text/html") {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		return json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": msg})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := io.WriteString(w, `<!doctype html><html lang="`+html.EscapeString(lang)+`"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>`+
		html.EscapeString(http.StatusText(status))+`</title><p>`+html.EscapeString(msg)+`</p><p><a href="/">`+html.EscapeString(s.Catalog.T(lang, "app.name"))+`</a></p></html>`)
	return err
}

// traceResolverDescription answers /.well-known/gs1resolver: what this
// resolver supports (GS1-Conformant resolver standard).
func (s *Server) traceResolverDescription(w http.ResponseWriter, r *http.Request) error {
	base := certBaseURL(s, r)
	types := make([]map[string]string, len(traceLinkTypes))
	for i, t := range traceLinkTypes {
		types[i] = map[string]string{"namespace": gs1Voc, "prefix": "gs1:", "profile": "gs1:" + t}
	}
	doc := map[string]any{
		"name":                             s.Catalog.T("vi", "app.name"),
		"resolverRoot":                     base,
		"supportedPrimaryKeys":             []string{"01"},
		"supportedLinkType":                types,
		"linkTypeDefaultCanBeLinkset":      false,
		"validatesAIcombination":           true,
		"supportedContextValuesEnumerated": []string{},
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return json.NewEncoder(w).Encode(doc)
}
