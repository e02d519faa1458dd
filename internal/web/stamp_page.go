package web

import (
	"html"
	"net/url"
	"strings"
)

// writeStampPage writes the verification page. It is the platform's hot
// path (every scan of every stamp), so it is written out directly rather
// than through html/template, whose reflective calls cost four times the
// database read; every dynamic value goes through html.EscapeString, and
// URLs are built from normalised serials, hex hashes and escaped segments.
func (s *Server) writeStampPage(b *strings.Builder, v *view, d stampVerifyPage) {
	m := s.Catalog[v.Lang]
	if m == nil {
		m = s.Catalog["vi"]
	}
	t := func(key string) string { return html.EscapeString(m[key]) }
	e := html.EscapeString
	w := b.WriteString
	w(`<!doctype html><html lang="`)
	w(e(v.Lang))
	w(`"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>`)
	w(t("stamp.page_verify"))
	w(" · ")
	w(t("app.name"))
	w(`</title><style>`)
	w(stampCSS)
	w(`</style></head><body><main><nav>`)
	if v.Lang == "vi" {
		w(`<a href="` + e(v.LangURL("en")) + `" hreflang="en" lang="en">English</a>`)
	} else {
		w(`<a href="` + e(v.LangURL("vi")) + `" hreflang="vi" lang="vi">Tiếng Việt</a>`)
	}
	w(`</nav>`)
	vr := d.V
	switch {
	case d.Sent:
		w(`<p class="v genuine" role="status">` + t("stamp.report_sent") + `</p>`)
	case vr.Verdict != "":
		w(`<p class="v ` + string(vr.Verdict) + `" role="status" id="verdict">` + t("stamp.verdict_"+string(vr.Verdict)) +
			`<small>` + t("stamp.explain_"+string(vr.Verdict)) + `</small></p>`)
	default:
		w(`<h1>` + t("stamp.page_verify") + `</h1>`)
	}
	if p := vr.Product; p != nil {
		if p.Photo != "" {
			w(`<img src="/media/` + e(p.Photo) + `" alt="` + e(p.ProductName) + `" width="480" height="360" loading="lazy">`)
		}
		name := p.ProductName
		if v.Lang == "en" && p.ProductNameEn != "" {
			name = p.ProductNameEn
		}
		w(`<h1>` + e(name) + `</h1>`)
		if p.Star > 0 {
			w(`<p><span class="st" aria-hidden="true">` + d.Stars(p.Star) + `</span> ` + e(s.Catalog.T(v.Lang, "stamp.star_rank", p.Star)) + `</p>`)
		}
		w(`<dl>`)
		dd := func(key, val string) { w(`<dt>` + t(key) + `</dt><dd>` + val + `</dd>`) }
		if p.CertificateNumber != "" {
			dd("stamp.certificate", e(p.CertificateNumber))
			dd("stamp.valid", e(d.Day(p.IssuedOn))+" – "+e(d.Day(p.ValidUntil)))
		}
		if p.Brand != "" {
			dd("trace.brand", e(p.Brand))
		}
		dd("stamp.producer", e(p.ProducerName))
		commune := e(p.CommuneName)
		if p.LegacyDistrictName != "" {
			commune += " (" + t("stamp.formerly") + " " + e(p.LegacyDistrictName) + ")"
		}
		dd("stamp.commune", commune)
		if p.CraftVillage != "" {
			dd("stamp.village", e(p.CraftVillage))
		}
		w(`<dt>` + t("stamp.serial") + `</dt><dd class="serial">` + e(vr.Formatted) + `</dd>`)
		if vr.Lot != "" {
			dd("stamp.lot", e(vr.Lot))
		}
		dd("stamp.scans", e(s.Catalog.T(v.Lang, "stamp.scans_value", vr.Scans, d.When(vr.FirstScan))))
		w(`</dl>`)
		if p.CertificateNumber != "" {
			w(`<p><a href="/certificates/` + e(url.PathEscape(d.Slug(p.CertificateNumber))) + `">` + t("stamp.certificate_link") + `</a></p>`)
		}
		s.writeStampTrace(b, v, d)
		s.writeStampWhereToBuy(b, v, d)
	}
	w(`<form method="get" action="/q"><label for="serial">` + t("stamp.type_serial") + `</label>` +
		`<input id="serial" name="serial" value="` + e(d.Input) + `" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" placeholder="XXXX-XXXX-XXXX-XXXX-X">` +
		`<button type="submit">` + t("stamp.check") + `</button></form>`)
	if d.Asked && !d.Sent {
		fieldErr := func(f string) {
			if msg := v.Err(f); msg != "" {
				w(`<span class="err" role="alert">` + e(msg) + `</span>`)
			}
		}
		w(`<form method="post" action="` + e(d.Action) + `" enctype="multipart/form-data"><h2>` + t("stamp.report_title") + `</h2>` +
			`<p class="muted">` + t("stamp.report_help") + `</p><input type="hidden" name="csrf" value="` + e(v.CSRF) + `">` +
			`<label for="place">` + t("stamp.report_place") + `</label><input id="place" name="place" value="` + e(v.F("place")) + `" required maxlength="200">`)
		fieldErr("place")
		w(`<label for="note">` + t("stamp.report_note") + `</label><textarea id="note" name="note" rows="3" maxlength="2000">` + e(v.F("note")) + `</textarea>`)
		fieldErr("note")
		w(`<label for="photo">` + t("stamp.report_photo") + `</label><input id="photo" name="photo" type="file" accept="image/jpeg,image/png">`)
		fieldErr("photo")
		w(`<button type="submit">` + t("stamp.report_send") + `</button></form>`)
	}
	w(`<p class="muted">` + t("stamp.footer") + ` · <a href="/">` + t("app.name") + `</a></p></main></body></html>`)
}
