package web

import (
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/trace"
)

// writeStampTrace writes the traceability part of the verification page:
// the lot's journey as a timeline and the consumer fields of Circular
// 02/2024 (issue 6). Written like writeStampPage: every value escaped. The
// journey comes from the trace service's cache, warmed by the same
// verification (stamp.Service.Verify calls the trace LotFunc), so the page
// costs no extra read in the common case.
func (s *Server) writeStampTrace(b *strings.Builder, v *view, d stampVerifyPage) {
	if d.V.LotID == 0 || s.Trace == nil {
		return
	}
	if j := s.Trace.CachedJourney(d.V.LotID); j != nil {
		s.writeJourney(b, v, j)
	}
}

// writeJourney writes a lot's journey section.
func (s *Server) writeJourney(b *strings.Builder, v *view, j *trace.Journey) {
	m := s.Catalog[v.Lang]
	if m == nil {
		m = s.Catalog["vi"]
	}
	t := func(key string) string { return html.EscapeString(m[key]) }
	e := html.EscapeString
	w := b.WriteString
	w(`<section id="journey" aria-labelledby="jh"><h2 id="jh">` + t("trace.journey") + `</h2>`)
	if j.RecalledAt != nil {
		w(`<p class="err" role="alert" id="recall"><strong>` + e(s.Catalog.T(v.Lang, "trace.recalled_on", j.RecalledAt.In(vietnam).Format("02/01/2006"))) +
			`</strong> ` + e(j.RecallReason) + `</p>`)
	}
	w(`<dl>`)
	dd := func(key, val string) { w(`<dt>` + t(key) + `</dt><dd>` + val + `</dd>`) }
	dd("trace.lot", e(j.Code))
	dd("trace.produced_on", e(stampVerifyPage{}.Day(j.ProducedOn)))
	if j.ExpiresOn != "" {
		dd("trace.expires_on", `<span id="expiry">`+e(stampVerifyPage{}.Day(j.ExpiresOn))+`</span>`)
	}
	if j.Standards != "" {
		dd("trace.standards", e(j.Standards))
	}
	for _, a := range j.Areas {
		val := e(a.Name)
		if a.Materials != "" {
			val += " · " + e(a.Materials)
		}
		for _, c := range a.Certifications {
			val += " · " + e(c.Name)
			if c.ValidUntil != "" {
				val += " (" + e(s.Catalog.T(v.Lang, "trace.valid_until", stampVerifyPage{}.Day(c.ValidUntil))) + ")"
			}
		}
		dd("trace.area", val)
	}
	w(`</dl>`)
	if len(j.Steps) > 0 {
		w(`<ol class="journey">`)
		for _, st := range j.Steps {
			w(`<li><strong>` + t("trace.step_"+st.Kind) + `</strong> <time datetime="` + e(st.Time.Format("2006-01-02T15:04:05Z")) + `">` +
				e(st.Time.In(vietnam).Format("02/01/2006 15:04")) + `</time>`)
			if st.Place != "" {
				w(` · ` + e(st.Place))
			}
			w(`</li>`)
		}
		w(`</ol>`)
	}
	w(`</section>`)
}

// traceJourneyPage is the public page of a lot's journey (the target of
// the resolver's gs1:traceability link for /01/{gtin}/10/{lot}).
func (s *Server) traceJourneyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.Trace.Journey(r.Context(), id)
	if err != nil {
		return err
	}
	if !j.Public {
		// A draft or inactive product, or an inactive producer: answered
		// exactly like an unknown lot.
		return apperr.New(apperr.NotFound, "trace.err_lot_not_found")
	}
	v := s.newView(r, "trace.journey", nil)
	m := s.Catalog[v.Lang]
	if m == nil {
		m = s.Catalog["vi"]
	}
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="` + html.EscapeString(v.Lang) + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>` +
		html.EscapeString(j.ProductName) + `</title><style>` + stampCSS + `</style></head><body><main>`)
	if j.RecalledAt != nil {
		b.WriteString(`<p class="v recalled" role="status" id="verdict">` + html.EscapeString(m["stamp.verdict_recalled"]) + `</p>`)
	}
	b.WriteString(`<h1>` + html.EscapeString(j.ProductName) + `</h1><p>` + html.EscapeString(j.ProducerName) + ` · <a href="/products/` +
		strconv.FormatInt(j.ProductID, 10) + `">` + html.EscapeString(m["trace.product_page"]) + `</a></p>`)
	s.writeJourney(&b, v, j)
	b.WriteString(`</main></body></html>`)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Content-Security-Policy", stampCSP)
	_, err = io.WriteString(w, b.String())
	return err
}
