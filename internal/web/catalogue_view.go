package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"ocop/internal/catalogue"
	"ocop/internal/evaluation"
	"strings"
)

// AbsURL is path on the public root of the site (BaseURL, or the
// request's own scheme and host).
func (v *view) AbsURL(path string) string { return certBaseURL(v.s, v.r) + path }

// AbsLangURL is the absolute URL of the current page in another language
// (for hreflang links, which must be absolute).
func (v *view) AbsLangURL(lang string) string { return certBaseURL(v.s, v.r) + v.LangURL(lang) }

// Canonical is the absolute URL of the current page without the language
// switch and with its query in canonical order: the URL search engines
// should index.
func (v *view) Canonical() string {
	q := v.r.URL.Query()
	q.Del("lang")
	u := certBaseURL(v.s, v.r) + v.r.URL.Path
	if e := q.Encode(); e != "" {
		u += "?" + e
	}
	return u
}

// jsonLD marshals v for a <script type="application/ld+json"> element.
// encoding/json escapes <, > and & so the data cannot close the element.
func jsonLD(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}

// writeJSONCached writes a public JSON answer that browsers and proxies may
// keep for a minute.
func writeJSONCached(w http.ResponseWriter, contentType string, v any) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=60")
	enc := json.NewEncoder(w)
	return enc.Encode(v)
}

// langName picks the English text when the page is in English and one was
// given, the Vietnamese otherwise.
func langName(lang, vi, en string) string {
	if lang == "en" && strings.TrimSpace(en) != "" {
		return en
	}
	return vi
}

// queryWithout returns the current query string without the named keys.
func queryWithout(r *http.Request, keys ...string) url.Values {
	q := r.URL.Query()
	for _, k := range keys {
		q.Del(k)
	}
	return q
}

// cardsArg is what the catalogue_cards partial receives.
type cardsArg struct {
	V     *view
	Items []catalogue.Item
}

// Cards prepares a list of products for the catalogue_cards partial.
func (v *view) Cards(items []catalogue.Item) cardsArg { return cardsArg{v, items} }

// starArg is what the catalogue_stars partial receives.
type starArg struct {
	V    *view
	Star int
	P5   bool
}

// StarBadge prepares a star rating (an int or an evaluation.Star) for the
// catalogue_stars partial.
func (v *view) StarBadge(star any, p5 bool) starArg {
	n := 0
	switch x := star.(type) {
	case int:
		n = x
	case evaluation.Star:
		n = int(x)
	}
	return starArg{v, n, p5}
}

// Trunc cuts s to at most n characters at a word boundary, with an
// ellipsis (for meta descriptions).
func (v *view) Trunc(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// CatDay formats a civil date as dd/mm/yyyy.
func (v *view) CatDay(d evaluation.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.D, int(d.M), d.Y)
}

// mapArg is what the catalogue_map partial receives.
type mapArg struct {
	V     *view
	ID    string
	Point *catalogue.Point
	Label string
	Tiles string
}

// MiniMap prepares a small map of one place for the catalogue_map partial.
func (v *view) MiniMap(id string, p *catalogue.Point, label string) mapArg {
	return mapArg{v, id, p, label, v.s.TileURL}
}

// Ward names a current commune or ward in the page's language.
func (v *view) Ward(code string) string {
	w, ok := v.s.Registry.Units().Ward(code)
	switch {
	case !ok:
		return code
	case v.Lang == "en" && w.FullNameEn != "":
		return w.FullNameEn
	}
	return w.FullName
}

// OldDistrict names a pre-2025 district in the page's language.
func (v *view) OldDistrict(code string) string {
	d, ok := v.s.Registry.Units().OldDistrict(code)
	switch {
	case !ok:
		return code
	case v.Lang == "en" && d.NameEn != "":
		return d.NameEn
	}
	return d.FullName
}
