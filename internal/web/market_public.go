package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ocop/internal/catalogue"
	"ocop/internal/market"
)

// productMarket is the "where to buy" part of a product page: the sale
// points that stock it (the nearest three when the page was given a
// position), its storefronts and its certifications and standards.
type productMarket struct {
	Near        []market.Nearby
	Total       int  // points stocking the product
	Located     bool // Near is ordered by distance from lat/lon
	PointErr    bool // lat/lon were given but are not a point in Vietnam
	Storefronts []market.Storefront
	Certs       []market.Certification
}

// nearestShown is how many sale points a product page lists.
const nearestShown = 3

// parsePosition reads lat and lon from a query; ok is false when they are
// absent, err true when they are present but not a point in Vietnam.
func parsePosition(q url.Values) (at *[2]float64, bad bool) {
	la, lo := strings.TrimSpace(q.Get("lat")), strings.TrimSpace(q.Get("lon"))
	if la == "" && lo == "" {
		return nil, false
	}
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	if err1 != nil || err2 != nil || !market.InVietnam(lat, lon) {
		return nil, true
	}
	return &[2]float64{lat, lon}, false
}

// productMarketFor loads the market part of the product page.
func (s *Server) productMarketFor(ctx context.Context, q url.Values, producerID, productID int64) (productMarket, error) {
	var m productMarket
	at, bad := parsePosition(q)
	m.PointErr, m.Located = bad, at != nil
	var err error
	if m.Near, m.Total, err = s.Market.NearestStocking(ctx, productID, at, nearestShown); err != nil {
		return m, err
	}
	if m.Storefronts, err = s.Market.Storefronts(ctx, productID); err != nil {
		return m, err
	}
	if m.Certs, err = s.Market.ProductCertifications(ctx, producerID, productID); err != nil {
		return m, err
	}
	return m, nil
}

// certificationsLD adds the valid certifications and standards to a
// product's JSON-LD hasCertification (after the OCOP certificate).
func certificationsLD(ld map[string]any, certs []market.Certification) {
	var list []any
	if c, ok := ld["hasCertification"]; ok {
		list = append(list, c)
	}
	for _, c := range certs {
		if !c.Valid {
			continue
		}
		x := map[string]any{"@type": "Certification", "name": market.CertificationName(c.Kind), "certificationIdentification": c.Number,
			"validFrom": c.ValidFrom, "issuedBy": map[string]any{"@type": "Organization", "name": c.Issuer}}
		if c.ValidUntil != "" {
			x["expires"] = c.ValidUntil
		}
		if c.DocumentURL != "" {
			x["url"] = c.DocumentURL
		}
		list = append(list, x)
	}
	switch len(list) {
	case 0:
	case 1:
		ld["hasCertification"] = list[0]
	default:
		ld["hasCertification"] = list
	}
}

// marketPublicList is the public list of sale points: GET /sale-points,
// optionally near a position (lat, lon).
func (s *Server) marketPublicList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Market.ListSalePoints(r.Context(), nil, market.PointFilter{Commune: r.URL.Query().Get("commune"), Kind: r.URL.Query().Get("kind")})
	if err != nil {
		return err
	}
	return s.page(w, r, "market_points_public", "market.page_points_public", struct {
		Items   []market.SalePoint
		Kinds   []string
		TileURL string
	}{items, market.SalePointKinds, s.TileURL})
}

// marketPublicPoint is the public page of a sale point: GET /sale-points/{id}.
func (s *Server) marketPublicPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Market.SalePoint(r.Context(), nil, id)
	if err != nil {
		return err
	}
	stock, err := s.Market.Stock(r.Context(), id, true)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_point", "market.page_point", struct {
		Point   market.SalePoint
		Stock   []market.Stocked
		Where   *catalogue.Point
		TileURL string
	}{x, stock, &catalogue.Point{Lat: x.Latitude, Lng: x.Longitude}, s.TileURL})
}

// marketPointsGeoJSON is the sale-point layer of the public map: GET
// /sale-points.geojson (kind "salepoint", id, name, stocked products).
func (s *Server) marketPointsGeoJSON(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Market.MapPoints(r.Context())
	if err != nil {
		return err
	}
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(ps))}
	for _, p := range ps {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": []float64{round5(p.Lng), round5(p.Lat)}},
			Properties: map[string]any{"kind": "salepoint", "id": p.ID, "name": p.Name, "products": p.Products}})
	}
	return writeJSONCached(w, "application/geo+json", fc)
}

// KM formats a distance for a page.
func (productMarket) KM(d *float64) string {
	if d == nil {
		return ""
	}
	return strconv.FormatFloat(math.Round(*d*10)/10, 'f', 1, 64)
}
