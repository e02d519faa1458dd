package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/catalogue"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// homeView is the front page.
type homeView struct {
	catalogue.Home
	Stars []string
}

// productView is the public product page with what its head needs.
type productView struct {
	catalogue.ProductPage
	Lang        string
	Name        string
	Description string
	Image       string // first photo's hash
	LD          any    // schema.org JSON-LD (template.JS)
	TileURL     string
	Market      productMarket // where to buy, storefronts, certifications (market_public.go)
}

// catalogueProduct is the public page of a product: GET /products/{id}.
func (s *Server) catalogueProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.Catalogue.ProductPage(r.Context(), id)
	if err != nil {
		return err
	}
	lang := langOf(r)
	v := productView{ProductPage: pg, Lang: lang, TileURL: s.TileURL,
		Name:        langName(lang, pg.Product.Name, pg.Product.NameEn),
		Description: langName(lang, pg.Product.Description, pg.Product.DescriptionEn)}
	if len(pg.Product.Images) > 0 {
		v.Image = pg.Product.Images[0].Hash
	}
	if v.Market, err = s.productMarketFor(r.Context(), r.URL.Query(), pg.Producer.ID, pg.Product.ID); err != nil {
		return err
	}
	base := certBaseURL(s, r)
	ld := productLD(base, lang, v)
	certificationsLD(ld, v.Market.Certs)
	if v.LD, err = jsonLD(ld); err != nil {
		return err
	}
	return s.page(w, r, "catalogue_product", "catalogue.title_product", v)
}

// productLD is the schema.org description of a product: a Product made by
// an Organization, with its OCOP certificate when one is in force.
func productLD(base, lang string, v productView) map[string]any {
	p := v.Product
	org := map[string]any{"@type": "Organization", "name": v.Producer.Name, "url": base + catalogue.ProducerURL(v.Producer.ID)}
	if v.Producer.AddressLine != "" {
		org["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": v.Producer.AddressLine, "addressCountry": "VN"}
	}
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "Product",
		"name": v.Name, "sku": p.Code, "url": base + catalogue.ProductURL(p.ID),
		"inLanguage": lang, "manufacturer": org,
	}
	if v.Description != "" {
		ld["description"] = v.Description
	}
	if p.Brand != "" {
		ld["brand"] = map[string]any{"@type": "Brand", "name": p.Brand}
	}
	if p.GTIN != "" {
		ld["gtin13"] = p.GTIN
	}
	if v.Image != "" {
		ld["image"] = base + "/media/" + v.Image
	}
	if c := v.Cert; c != nil && v.CertValid {
		ld["hasCertification"] = map[string]any{
			"@type": "Certification", "name": fmt.Sprintf("OCOP %d★", c.Star),
			"certificationIdentification": c.Number,
			"url":                         base + "/certificates/" + c.Slug(),
			"validFrom":                   c.IssuedOn.String(), "expires": c.ValidUntil.String(),
			"certificationRating": map[string]any{"@type": "Rating", "ratingValue": int(c.Star), "bestRating": 5, "worstRating": 3},
			"issuedBy":            map[string]any{"@type": "Organization", "name": issuer(c.Authority)},
		}
	}
	return ld
}

// issuer names the authority of a certificate for JSON-LD.
func issuer(a evaluation.Authority) string {
	if a == evaluation.AuthorityMinistry {
		return "Bộ Nông nghiệp và Môi trường"
	}
	return "Ủy ban nhân dân thành phố Hà Nội"
}

// catalogueProducer is the public page of a producer: GET /producers/{id}.
func (s *Server) catalogueProducer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.Catalogue.ProducerPage(r.Context(), id)
	if err != nil {
		return err
	}
	return s.page(w, r, "catalogue_producer", "catalogue.title_producer", struct {
		catalogue.ProducerPage
		TileURL string
		Contact bool
	}{pg, s.TileURL, !publicContactHidden(pg.Producer.Kind)})
}

// publicContactHidden reports whether a producer's phone and e-mail stay
// off its public page: households and farms are people, whose personal
// numbers the catalogue does not publish (buyers reach them through the
// commune); organisations publish their business contacts.
func publicContactHidden(kind string) bool {
	return kind == registry.KindHousehold || kind == registry.KindFarm
}

// catalogueVillage is the public page of a craft village: GET /villages/{id}.
func (s *Server) catalogueVillage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.Catalogue.VillagePage(r.Context(), id)
	if err != nil {
		return err
	}
	return s.page(w, r, "catalogue_village", "catalogue.title_village", struct {
		catalogue.VillagePage
		TileURL string
	}{pg, s.TileURL})
}

// mapView is the map page.
type mapView struct {
	Query   catalogue.Query
	Notes   []string
	TileURL string
	Markers string // URL of the GeoJSON markers for the filters
	// Near is set when the page was asked for the villages nearest to a
	// point (lat and lon in the query, e.g. from "near me" without script).
	Near    []catalogue.Nearby
	NearErr bool
}

// catalogueMap is the map of producers and craft villages: GET /map with
// the catalogue filters; lat and lon list the nearest craft villages.
func (s *Server) catalogueMap(w http.ResponseWriter, r *http.Request) error {
	q, notes := catalogue.ParseQuery(r.URL.Query(), s.Catalogue.Known())
	q.Page = 1
	v := mapView{Query: q, Notes: notes, TileURL: s.TileURL, Markers: q.URL("/map/markers.geojson")}
	if lat, lon := r.URL.Query().Get("lat"), r.URL.Query().Get("lon"); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		near, err := s.Catalogue.NearestVillages(r.Context(), catalogue.Point{Lat: la, Lng: lo}, 3)
		if err1 != nil || err2 != nil || err != nil {
			v.NearErr = true
		} else {
			v.Near = near
		}
	}
	return s.page(w, r, "catalogue_map", "catalogue.title_map", v)
}

// catalogueMarkers answers GET /map/markers.geojson: the map's points as a
// GeoJSON FeatureCollection, filtered like the catalogue.
func (s *Server) catalogueMarkers(w http.ResponseWriter, r *http.Request) error {
	q, _ := catalogue.ParseQuery(r.URL.Query(), s.Catalogue.Known())
	ms, err := s.Catalogue.Markers(r.Context(), q)
	if err != nil {
		return err
	}
	lang := langOf(r)
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(ms))}
	for _, m := range ms {
		// Five decimals (about 1 m) and short properties keep thousands of
		// markers light on a phone; the page builds links from kind and id.
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": []float64{round5(m.Point.Lng), round5(m.Point.Lat)}},
			Properties: map[string]any{"kind": m.Kind, "id": m.ID, "name": langName(lang, m.Name, m.NameEn), "products": m.Products, "star": m.Star}})
	}
	return writeJSONCached(w, "application/geo+json", fc)
}

func round5(f float64) float64 { return math.Round(f*1e5) / 1e5 }

// catalogueSuggest answers GET /search/suggest?q=: up to 8 products and
// craft villages for the search box as the user types (JSON).
func (s *Server) catalogueSuggest(w http.ResponseWriter, r *http.Request) error {
	q, _ := catalogue.ParseQuery(url1(r, "q"), s.Catalogue.Known())
	type suggestion struct {
		Label string `json:"label"`
		URL   string `json:"url"`
		Kind  string `json:"kind"`
	}
	out := []suggestion{}
	if len([]rune(q.Text)) >= 2 {
		res, err := s.Catalogue.Search(r.Context(), catalogue.Query{Text: q.Text, Page: 1}, langOf(r))
		if err != nil {
			return err
		}
		for i, it := range res.Items {
			if i == 8 {
				break
			}
			out = append(out, suggestion{Label: it.DisplayName(langOf(r)), URL: it.URL(), Kind: "product"})
		}
	}
	return writeJSONCached(w, "application/json", out)
}

// url1 returns the request's query reduced to the one named parameter.
func url1(r *http.Request, name string) map[string][]string {
	return map[string][]string{name: {r.URL.Query().Get(name)}}
}

// catalogueRobots answers GET /robots.txt: the public pages may be
// crawled, the back office, the API and search result pages not (they are
// endless combinations of the same products; the sitemap lists the pages).
func (s *Server) catalogueRobots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\nDisallow: /account\nDisallow: /login\nDisallow: /search/suggest\nDisallow: /map/markers.geojson\n\nSitemap: %s/sitemap.xml\n", certBaseURL(s, r))
	return err
}

// catalogueSitemapIndex answers GET /sitemap.xml: a sitemap index of the
// numbered sitemaps (SitemapSize pages each, both languages).
func (s *Server) catalogueSitemapIndex(w http.ResponseWriter, r *http.Request) error {
	_, total, err := s.Catalogue.Sitemap(r.Context(), 0)
	if err != nil {
		return err
	}
	base := certBaseURL(s, r)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for n := 1; n == 1 || (n-1)*catalogue.SitemapSize < total; n++ {
		fmt.Fprintf(&b, "<sitemap><loc>%s/sitemaps/%d.xml</loc></sitemap>\n", xmlText(base), n)
	}
	b.WriteString("</sitemapindex>\n")
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write([]byte(b.String()))
	return err
}

// catalogueSitemap answers GET /sitemaps/{n}.xml: products, producers and
// craft villages, each with its Vietnamese and English alternates.
func (s *Server) catalogueSitemap(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	n, err := strconv.Atoi(strings.TrimSuffix(file, ".xml"))
	if err != nil || !strings.HasSuffix(file, ".xml") || n < 1 || n > 10000 {
		return s.notFound(w, r)
	}
	entries, _, err := s.Catalogue.Sitemap(r.Context(), n)
	if err != nil {
		return err
	}
	if len(entries) == 0 && n > 1 {
		return s.notFound(w, r)
	}
	base := xmlText(certBaseURL(s, r))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	if n == 1 {
		for _, p := range []string{"/", "/search", "/map"} {
			writeSitemapURL(&b, base, p, "")
		}
	}
	for _, e := range entries {
		writeSitemapURL(&b, base, e.Path, e.Updated)
	}
	b.WriteString("</urlset>\n")
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write([]byte(b.String()))
	return err
}

// writeSitemapURL lists a page in Vietnamese (the default) and English,
// each naming the other as its alternate.
func writeSitemapURL(b *strings.Builder, base, path, updated string) {
	vi, en := base+path, base+path+"?lang=en"
	for _, loc := range []string{vi, en} {
		fmt.Fprintf(b, "<url><loc>%s</loc>", loc)
		if updated != "" {
			fmt.Fprintf(b, "<lastmod>%s</lastmod>", updated)
		}
		fmt.Fprintf(b, `<xhtml:link rel="alternate" hreflang="vi" href="%s"/><xhtml:link rel="alternate" hreflang="en" href="%s"/></url>`+"\n", vi, en)
	}
}

// xmlText escapes s for XML character data and attributes.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
