package web_test

import (
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/market"
)

func init() {
	authzHooks = append(authzHooks, marketAuthzObjects)
	for k, v := range marketAuthz {
		authzTable[k] = v
	}
}

// marketAuthzObjects adds two sale points (A in Bát Tràng, operated by the
// table's salepoint account; B elsewhere). Deletions address ids that do
// not exist, so the table's run changes nothing: allowed roles get 404,
// others 403 before any lookup.
func marketAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	a := mustSalePoint(t, e, "Điểm OCOP A", "00577", 21.0, 105.93)
	b := mustSalePoint(t, e, "Điểm OCOP B", "00008", 21.03, 105.85)
	u, err := e.App.Accounts.UserByName(e.Ctx(), f.users["salepoint"])
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Market.LinkOperator(e.Ctx(), e.Admin(), a.ID, u.Username); err != nil {
		t.Fatal(err)
	}
	f.own["sale-points/{id}"], f.other["sale-points/{id}"] = itoa(a.ID), itoa(b.ID)
	admin := e.Admin()
	lat, lng := 21.0, 105.9
	chain, err := e.App.Market.CreateChain(e.Ctx(), admin, market.ChainInput{Name: "AEON", Stores: []market.ChainStoreInput{{Name: "AEON Long Biên",
		CommuneCode: "00577", Latitude: &lat, Longitude: &lng}}})
	if err != nil {
		t.Fatal(err)
	}
	centre, err := e.App.Market.CreateDesignCentre(e.Ctx(), admin, market.DesignCentreInput{Name: "Trung tâm Bát Tràng", CommuneCode: "00577",
		Latitude: &lat, Longitude: &lng, AreaM2: 600})
	if err != nil {
		t.Fatal(err)
	}
	route, err := e.App.Market.CreateRoute(e.Ctx(), admin, market.RouteInput{Name: "Một ngày ở Bát Tràng", Publish: true,
		Stops: []market.RouteStopInput{{Kind: "salepoint", RefID: a.ID}, {Kind: "salepoint", RefID: b.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []map[string]string{f.own, f.other} {
		m["certifications/{id}"] = "999999"
		m["retail-chains/{id}"], m["design-centres/{id}"] = itoa(chain.ID), itoa(centre.ID)
		m["tourism-routes/{id}"], m["routes/{id}"] = itoa(route.ID), itoa(route.ID)
		m["{sid}"], m["{pid}"] = "999999", "999999"
	}
}

// mustSalePoint registers an operating sale point as the office.
func mustSalePoint(t testing.TB, e *apptest.Env, name, commune string, lat, lng float64) market.SalePoint {
	t.Helper()
	x, err := e.App.Market.CreateSalePoint(e.Ctx(), e.Admin(), market.SalePointInput{Name: name, Kind: "supermarket", Operator: "Sở Công Thương",
		CommuneCode: commune, AddressLine: "1 Phố Chợ", Latitude: &lat, Longitude: &lng, Hours: "8:00–21:00"})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// marketAuthz: the office registers sale points and links their
// operators; an operator (salepoint) keeps the shelf of its own points
// only; storefronts and certifications are kept by whoever manages the
// product (office, commune officer of its commune, its producer); the
// expiry list is for the office and commune officers; feeds, open data,
// sale-point pages and reads are public.
var marketAuthz = map[string]string{
	"GET /admin/certifications":                                  "login ok ok ok deny deny deny deny",
	"POST /admin/certifications/{id}/delete":                     "login absent absent absent absent absent deny deny",
	"POST /admin/certifications/{id}/delete (other)":             "login absent absent absent absent absent deny deny",
	"GET /admin/products/{id}/market":                            "login ok ok ok deny ok deny deny",
	"GET /admin/products/{id}/market (other)":                    "login ok ok deny deny deny deny deny",
	"POST /admin/products/{id}/certifications":                   "login ok ok ok deny ok deny deny",
	"POST /admin/products/{id}/certifications (other)":           "login ok ok deny deny deny deny deny",
	"POST /admin/products/{id}/storefronts":                      "login ok ok ok deny ok deny deny",
	"POST /admin/products/{id}/storefronts (other)":              "login ok ok deny deny deny deny deny",
	"POST /admin/products/{id}/storefronts/{sid}/delete":         "login absent absent absent deny absent deny deny",
	"POST /admin/products/{id}/storefronts/{sid}/delete (other)": "login absent absent deny deny deny deny deny",
	"GET /admin/sale-points":                                     "login ok ok deny deny deny deny ok",
	"POST /admin/sale-points":                                    "login ok ok deny deny deny deny deny",
	"GET /admin/sale-points/new":                                 "login ok ok deny deny deny deny deny",
	"GET /admin/sale-points/{id}":                                "login ok ok deny deny deny deny ok",
	"GET /admin/sale-points/{id} (other)":                        "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}":                               "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}/operators":                     "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}/operators (other)":             "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}/products":                      "login ok ok deny deny deny deny ok",
	"POST /admin/sale-points/{id}/products (other)":              "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}/products/{pid}/delete":         "login absent absent deny deny deny deny absent",
	"POST /admin/sale-points/{id}/products/{pid}/delete (other)": "login absent absent deny deny deny deny deny",
	"GET /api/v1/certifications/expiring":                        "login ok ok ok deny deny deny deny",
	"POST /api/v1/certifications":                                "login ok ok ok deny ok deny deny",
	"GET /api/v1/producers/{id}/certifications":                  "ok ok ok ok ok ok ok ok",
	"GET /api/v1/producers/{id}/certifications (other)":          "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id}/sale-points":                      "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id}/sale-points (other)":              "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id}/storefronts":                      "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id}/storefronts (other)":              "ok ok ok ok ok ok ok ok",
	"POST /api/v1/products/{id}/storefronts":                     "login ok ok ok deny ok deny deny",
	"POST /api/v1/products/{id}/storefronts (other)":             "login ok ok deny deny deny deny deny",
	"GET /api/v1/sale-points":                                    "ok ok ok ok ok ok ok ok",
	"POST /api/v1/sale-points":                                   "login ok ok deny deny deny deny deny",
	"GET /api/v1/sale-points/{id}":                               "ok ok ok ok ok ok ok ok",
	"GET /api/v1/sale-points/{id} (other)":                       "ok ok ok ok ok ok ok ok",
	"PUT /api/v1/sale-points/{id}":                               "login ok ok deny deny deny deny deny",
	"PUT /api/v1/sale-points/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"POST /api/v1/sale-points/{id}/products":                     "login ok ok deny deny deny deny ok",
	"POST /api/v1/sale-points/{id}/products (other)":             "login ok ok deny deny deny deny deny",
	"GET /feeds/marketplace.csv":                                 "ok ok ok ok ok ok ok ok",
	"GET /feeds/merchant.tsv":                                    "ok ok ok ok ok ok ok ok",
	"GET /feeds/merchant.xml":                                    "ok ok ok ok ok ok ok ok",
	"GET /open-data/products.csv":                                "ok ok ok ok ok ok ok ok",
	"GET /open-data/products.json":                               "ok ok ok ok ok ok ok ok",
	"GET /sale-points":                                           "ok ok ok ok ok ok ok ok",
	"GET /sale-points.geojson":                                   "ok ok ok ok ok ok ok ok",
	"GET /sale-points/{id}":                                      "ok ok ok ok ok ok ok ok",
	"GET /sale-points/{id} (other)":                              "ok ok ok ok ok ok ok ok",
	"GET /api/v1/design-centres":                                 "ok ok ok ok ok ok ok ok",
	"POST /api/v1/design-centres":                                "login ok ok deny deny deny deny deny",
	"GET /api/v1/design-centres/{id}":                            "ok ok ok ok ok ok ok ok",
	"GET /api/v1/design-centres/{id} (other)":                    "ok ok ok ok ok ok ok ok",
	"GET /api/v1/retail-chains":                                  "ok ok ok ok ok ok ok ok",
	"POST /api/v1/retail-chains":                                 "login ok ok deny deny deny deny deny",
	"GET /api/v1/retail-chains/{id}":                             "ok ok ok ok ok ok ok ok",
	"GET /api/v1/retail-chains/{id} (other)":                     "ok ok ok ok ok ok ok ok",
	"POST /api/v1/retail-chains/{id}/listings":                   "login ok ok deny deny ok deny deny",
	"POST /api/v1/retail-chains/{id}/listings (other)":           "login ok ok deny deny ok deny deny",
	"GET /api/v1/tourism-routes":                                 "ok ok ok ok ok ok ok ok",
	"POST /api/v1/tourism-routes":                                "login ok ok deny deny deny deny deny",
	"GET /api/v1/tourism-routes/{id}":                            "ok ok ok ok ok ok ok ok",
	"GET /api/v1/tourism-routes/{id} (other)":                    "ok ok ok ok ok ok ok ok",
	"GET /design-centres":                                        "ok ok ok ok ok ok ok ok",
	"GET /retail-chains":                                         "ok ok ok ok ok ok ok ok",
	"GET /routes":                                                "ok ok ok ok ok ok ok ok",
	"GET /routes/{id}":                                           "ok ok ok ok ok ok ok ok",
	"GET /routes/{id} (other)":                                   "ok ok ok ok ok ok ok ok",
	"POST /admin/design-centres":                                 "login ok ok deny deny deny deny deny",
	"GET /admin/design-centres/new":                              "login ok ok deny deny deny deny deny",
}
