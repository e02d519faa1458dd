package web

import (
	"html"
	"strconv"
	"strings"
)

// stampWhereToBuyShown is how many sale points the verification page lists.
const stampWhereToBuyShown = 3

// writeStampWhereToBuy writes the "where to buy" part of the verification
// page: the sale points that stock the product (issue 7). Written like
// writeStampPage: every value escaped. It reads the market's in-memory
// index only (no query while the index is current), because this is the
// hot path; the product page lists the nearest points to the shopper.
func (s *Server) writeStampWhereToBuy(b *strings.Builder, v *view, d stampVerifyPage) {
	m := s.Catalog[v.Lang]
	if m == nil {
		m = s.Catalog["vi"]
	}
	t := func(key string) string { return html.EscapeString(m[key]) }
	b.WriteString(`<section id="where-to-buy" aria-labelledby="wtb"><h2 id="wtb">` + t("stamp.where_to_buy") + `</h2>`)
	p := d.V.Product
	if p == nil || s.Market == nil {
		b.WriteString(`<p class="muted">` + t("stamp.where_to_buy_none") + `</p></section>`)
		return
	}
	near, total, err := s.Market.NearestStocking(v.r.Context(), p.ProductID, nil, stampWhereToBuyShown)
	if err != nil || total == 0 {
		if err != nil {
			s.Log.WarnContext(v.r.Context(), "stamp page: where to buy", "err", err)
		}
		b.WriteString(`<p class="muted">` + t("stamp.where_to_buy_none") + `</p></section>`)
		return
	}
	b.WriteString(`<ul>`)
	for _, n := range near {
		b.WriteString(`<li><a href="` + html.EscapeString(n.URL) + `">` + html.EscapeString(n.Name) + `</a> · ` + html.EscapeString(n.AddressLine) + `</li>`)
	}
	b.WriteString(`</ul><p><a href="/products/` + strconv.FormatInt(p.ProductID, 10) + `#where-to-buy">` +
		html.EscapeString(s.Catalog.T(v.Lang, "market.stamp_all_points", total)) + `</a></p></section>`)
}
