package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/market"
)

// salePointPage is the list of sale points.
type salePointPage struct {
	Items []market.SalePoint `json:"items"`
}

// nearbyPage answers the nearest sale points stocking a product.
type nearbyPage struct {
	// Total is the number of points stocking the product.
	Total int             `json:"total"`
	Items []market.Nearby `json:"items"`
}

// storefrontPage lists a product's storefronts.
type storefrontPage struct {
	Items []market.Storefront `json:"items"`
}

// certificationPage lists certification records.
type certificationPage struct {
	Items []market.Certification `json:"items"`
}

// ListSalePoints answers GET /api/v1/sale-points: the operating points,
// filtered by commune and kind.
func (a *API) ListSalePoints(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	f := market.PointFilter{Commune: q.str("commune"), Kind: q.oneOf("kind", market.SalePointKinds...)}
	if err := q.err(); err != nil {
		return err
	}
	items, err := a.Market.ListSalePoints(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	return read(w, r, salePointPage{Items: list(items)})
}

// GetSalePoint answers GET /api/v1/sale-points/{id}.
func (a *API) GetSalePoint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := a.Market.SalePoint(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return read(w, r, x)
}

// CreateSalePoint answers POST /api/v1/sale-points (the programme office).
func (a *API) CreateSalePoint(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	if !market.CanManagePoints(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var in market.SalePointInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Market.CreateSalePoint(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/sale-points/"+strconv.FormatInt(x.ID, 10), x)
}

// UpdateSalePoint answers PUT /api/v1/sale-points/{id} (the office).
func (a *API) UpdateSalePoint(w http.ResponseWriter, r *http.Request) error {
	return officeUpdate(w, r, a.Market.UpdateSalePoint)
}

// AddSalePointStock answers POST /api/v1/sale-points/{id}/products: the
// office or the point's operator puts a product on its shelf.
func (a *API) AddSalePointStock(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ok, err := a.Market.CanStock(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	var in market.StockInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Market.AddStock(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "", x)
}

// ProductSalePoints answers GET /api/v1/products/{id}/sale-points?lat=&lon=:
// the operating points that stock the product, nearest first when a
// position in Vietnam is given; n (1–20, default 3) of them.
func (a *API) ProductSalePoints(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	var errs apperr.Errs
	var at *[2]float64
	la, lo := strings.TrimSpace(v.Get("lat")), strings.TrimSpace(v.Get("lon"))
	if la != "" || lo != "" {
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		if err1 != nil || err2 != nil || !market.InVietnam(lat, lon) {
			errs.Add("lat", "market.err_position")
		} else {
			at = &[2]float64{lat, lon}
		}
	}
	n := 3
	if s := strings.TrimSpace(v.Get("n")); s != "" {
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 || k > 20 {
			errs.Add("n", "api.param_range", 1, 20)
		} else {
			n = k
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if _, err := a.Registry.PublicProduct(r.Context(), id); err != nil {
		return err
	}
	near, total, err := a.Market.NearestStocking(r.Context(), id, at, n)
	if err != nil {
		return err
	}
	return read(w, r, nearbyPage{Total: total, Items: near})
}

// ListStorefronts answers GET /api/v1/products/{id}/storefronts.
func (a *API) ListStorefronts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := a.Registry.PublicProduct(r.Context(), id); err != nil {
		return err
	}
	items, err := a.Market.Storefronts(r.Context(), id)
	if err != nil {
		return err
	}
	return read(w, r, storefrontPage{Items: list(items)})
}

// CreateStorefront answers POST /api/v1/products/{id}/storefronts.
func (a *API) CreateStorefront(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in market.StorefrontInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Market.AddStorefront(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "", x)
}

// ProducerCertifications answers GET /api/v1/producers/{id}/certifications:
// the producer's certifications and standards (public facts).
func (a *API) ProducerCertifications(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := a.Registry.PublicProducer(r.Context(), id); err != nil {
		return err
	}
	m, err := a.Market.Certifications(r.Context(), []int64{id})
	if err != nil {
		return err
	}
	items := m[id]
	return read(w, r, certificationPage{Items: list(items)})
}

// CreateCertification answers POST /api/v1/certifications.
func (a *API) CreateCertification(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in market.CertificationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Market.CreateCertification(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "", x)
}

// ExpiringCertifications answers GET /api/v1/certifications/expiring?days=:
// the reminder list for the office and commune officers.
func (a *API) ExpiringCertifications(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	q := newParams(r)
	days := q.intRange("days", 90, 1, 730)
	if err := q.err(); err != nil {
		return err
	}
	items, err := a.Market.ExpiringCertifications(r.Context(), p, days)
	if err != nil {
		return err
	}
	return read(w, r, certificationPage{Items: list(items)})
}

// marketOperations lists the market endpoints for the OpenAPI document.
func marketOperations() []operation {
	write := []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}
	return append(slices.Concat(placesOperations(), officeOperations(), photoOperations()), []operation{
		{method: "GET", path: "/api/v1/certifications/expiring", id: "listExpiringCertifications", tag: "market",
			summary: "Certifications ending soon", desc: "Records whose validity ends within days from today or ended within the last days: the office sees all, commune officers their communes.",
			params: []string{"days"}, status: 200, result: "CertificationPage", auth: true, errs: []string{"Invalid", "Unauthenticated", "Forbidden"}},
		{method: "POST", path: "/api/v1/certifications", id: "createCertification", tag: "market",
			summary: "Record a certification or standard", desc: "VietGAP, GlobalGAP, HACCP, ISO 22000, organic, GI, trademarks…, for a producer (product_id left out) or one of its products. The office, the commune officer of the producer's commune, or the producer.",
			params: []string{"csrf"}, body: "CertificationInput", status: 201, result: "Certification", auth: true, errs: write},
		{method: "GET", path: "/api/v1/producers/{id}/certifications", id: "listProducerCertifications", tag: "market",
			summary: "A producer's certifications and standards", params: []string{"id"}, status: 200, result: "CertificationPage", errs: []string{"NotFound"}},
		{method: "GET", path: "/api/v1/products/{id}/sale-points", id: "listProductSalePoints", tag: "market",
			summary: "Sale points that stock a product, nearest first",
			desc:    "Operating sale points whose shelf has the product (OCOP stock only while its certificate is valid). With lat and lon (a point in Vietnam) the nearest first, with distance_km; otherwise by name.",
			params:  []string{"id", "near_lat", "near_lon", "near_n"}, status: 200, result: "NearbySalePointPage", errs: []string{"Invalid", "NotFound"}},
		{method: "GET", path: "/api/v1/products/{id}/storefronts", id: "listStorefronts", tag: "market",
			summary: "A product's marketplace storefronts", params: []string{"id"}, status: 200, result: "StorefrontPage", errs: []string{"NotFound"}},
		{method: "POST", path: "/api/v1/products/{id}/storefronts", id: "createStorefront", tag: "market",
			summary: "Link a product to a storefront", desc: "The URL must be https and its host must belong to the marketplace named (shopee.vn, lazada.vn, tiki.vn, postmart.vn, voso.vn, tiktok.com, or for own any other host).",
			params: []string{"id", "csrf"}, body: "StorefrontInput", status: 201, result: "Storefront", auth: true, errs: append(write, "NotFound")},
		{method: "GET", path: "/api/v1/sale-points", id: "listSalePoints", tag: "market",
			summary: "List operating sale points (điểm giới thiệu và bán sản phẩm OCOP)", params: []string{"commune", "point_kind"},
			status: 200, result: "SalePointPage", errs: []string{"Invalid"}},
		{method: "POST", path: "/api/v1/sale-points", id: "createSalePoint", tag: "market",
			summary: "Register a sale point", desc: "The programme office. kind is a QĐ 950/QĐ-BCT location type; coordinates must lie in Vietnam.",
			params: []string{"csrf"}, body: "SalePointInput", status: 201, result: "SalePoint", auth: true, errs: write},
		{method: "GET", path: "/api/v1/sale-points/{id}", id: "getSalePoint", tag: "market",
			summary: "Get a sale point", params: []string{"id"}, status: 200, result: "SalePoint", errs: []string{"NotFound"}},
		{method: "PUT", path: "/api/v1/sale-points/{id}", id: "updateSalePoint", tag: "market",
			summary: "Change a sale point", desc: "The programme office; version must be the one read.",
			params: []string{"id", "csrf"}, body: "SalePointInput", status: 200, result: "SalePoint", auth: true, errs: append(write, "NotFound", "Conflict")},
		{method: "POST", path: "/api/v1/sale-points/{id}/products", id: "addSalePointStock", tag: "market",
			summary: "Put a product on a sale point's shelf", desc: "The office or the point's operator. Category ocop needs a certificate valid today; the other QĐ 950 categories are flagged as such.",
			params: []string{"id", "csrf"}, body: "StockInput", status: 201, result: "Stocked", auth: true, errs: append(write, "NotFound")},
	}...)
}

// marketNotes describes the market schemas' fields.
func marketNotes() map[string]note {
	out := map[string]note{
		"SalePoint":                      {desc: "An OCOP sale point (QĐ 950/QĐ-BCT)."},
		"SalePoint.kind":                 {enum: market.SalePointKinds},
		"SalePoint.status":               {enum: []string{market.PointActive, market.PointClosed}},
		"SalePoint.product_count":        {desc: "Products on the shelf (all categories)."},
		"SalePointInput.kind":            {enum: market.SalePointKinds},
		"SalePointInput.latitude":        {desc: "Required; the point must lie in Vietnam."},
		"SalePointInput.version":         {desc: "For a change: the version read."},
		"StockInput.category":            {enum: market.StockCategories, desc: "ocop (default) or another kind of goods QĐ 950 admits."},
		"Stocked.category":               {enum: market.StockCategories},
		"Stocked.star":                   {desc: "Current OCOP star; 0 when no certificate is valid today."},
		"Nearby.distance_km":             {desc: "Great-circle distance from the position asked; absent without one."},
		"Storefront.marketplace":         {enum: market.Marketplaces},
		"StorefrontInput.marketplace":    {enum: market.Marketplaces},
		"StorefrontInput.url":            {desc: "https; the host must belong to the marketplace.", format: "uri"},
		"StorefrontInput.price_vnd":      {desc: "Price in đồng, used by the Merchant Center feed."},
		"Certification.kind":             {enum: market.CertificationKinds},
		"Certification.valid":            {desc: "In force today (valid_from ≤ today ≤ valid_until)."},
		"Certification.valid_from":       {format: "date"},
		"CertificationInput.kind":        {enum: market.CertificationKinds},
		"CertificationInput.valid_from":  {desc: "YYYY-MM-DD.", format: "date"},
		"CertificationInput.valid_until": {desc: "YYYY-MM-DD; empty when the record never expires (e.g. a GI).", format: "date"},
		"NearbySalePointPage.total":      {desc: "Points stocking the product."},
	}
	maps.Copy(out, officeNotes())
	maps.Copy(out, photoNotes())
	return out
}

// marketSchemas defines the market schemas.
func marketSchemas(s *schemaSet) {
	s.define("SalePoint", market.SalePoint{}, false)
	s.define("SalePointInput", market.SalePointInput{}, true, "name", "kind", "operator", "commune_code", "address_line", "latitude", "longitude")
	s.define("StockInput", market.StockInput{}, true, "product_code")
	s.define("Stocked", market.Stocked{}, false)
	s.define("Nearby", market.Nearby{}, false)
	s.define("Storefront", market.Storefront{}, false)
	s.define("StorefrontInput", market.StorefrontInput{}, true, "marketplace", "url")
	s.define("Certification", market.Certification{}, false)
	s.define("CertificationInput", market.CertificationInput{}, true, "producer_id", "kind", "number", "issuer", "valid_from")
	s.define("SalePointPage", salePointPage{}, false)
	s.define("NearbySalePointPage", nearbyPage{}, false)
	s.define("StorefrontPage", storefrontPage{}, false)
	s.define("CertificationPage", certificationPage{}, false)
	placesSchemas(s)
	officeSchemas(s)
	photoSchemas(s)
}

// marketParameters lists the market endpoints' shared parameters.
func marketParameters() map[string]any {
	out := officeParameters()
	maps.Copy(out, map[string]any{
		"point_kind":         queryParam("kind", "QĐ 950 location type.", enumOf(market.SalePointKinds...)),
		"near_lat":           queryParam("lat", "Latitude of the shopper (in Vietnam).", map[string]any{"type": "number", "minimum": 8, "maximum": 24}),
		"near_lon":           queryParam("lon", "Longitude of the shopper (in Vietnam).", map[string]any{"type": "number", "minimum": 102, "maximum": 118}),
		"near_n":             queryParam("n", "How many points.", map[string]any{"type": "integer", "minimum": 1, "maximum": 20, "default": 3}),
		"catalogue_soldat":   queryParam("soldat", "Only products on the shelf of this sale point (market).", posInt),
		"catalogue_online":   queryParam("online", "1: only products with a marketplace storefront (market).", enumOf("1")),
		"catalogue_standard": queryParam("standard", "Only products with a certification of this kind valid today (their own or their producer's).", enumOf(market.CertificationKinds...)),
		"days":               queryParam("days", "Window in days around today.", map[string]any{"type": "integer", "minimum": 1, "maximum": 730, "default": 90}),
	})
	return out
}
