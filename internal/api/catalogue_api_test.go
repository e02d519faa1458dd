package api_test

import (
	"fmt"
	"testing"

	"ocop/internal/apptest"
)

// The catalogue's answers conform to the documented schemas (no
// undocumented property), for a search with facets and corrections, an
// empty search, a refused filter and the nearest villages.
func TestCatalogueAPIConforms(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		doc := fetchDoc(t, e)
		r := e.API("POST", "/api/v1/craft-villages", w.officer, map[string]any{"name": "Làng gốm Bát Tràng", "commune_code": "00577", "recognised": true, "latitude": 20.97, "longitude": 105.91})
		if r.Status != 201 {
			t.Fatalf("create village: %d %s", r.Status, r.Body)
		}
		for _, tt := range []struct {
			template, url string
			status        int
		}{
			{"/api/v1/catalogue/products", "/api/v1/catalogue/products", 200},
			{"/api/v1/catalogue/products", "/api/v1/catalogue/products?q=gomm&lang=en", 200},
			{"/api/v1/catalogue/products", "/api/v1/catalogue/products?q=zzzzzz", 200},
			{"/api/v1/catalogue/products", "/api/v1/catalogue/products?stars=8", 422},
			{"/api/v1/catalogue/nearest-villages", "/api/v1/catalogue/nearest-villages?lat=21&lon=105.8", 200},
			{"/api/v1/catalogue/nearest-villages", "/api/v1/catalogue/nearest-villages?lat=200&lon=105.8", 422},
		} {
			r := e.API("GET", tt.url, "", nil)
			if r.Status != tt.status {
				t.Errorf("%s: %d, want %d: %s", tt.url, r.Status, tt.status, r.Body)
				continue
			}
			op := doc["paths"].(map[string]any)[tt.template].(map[string]any)["get"].(map[string]any)
			resp, ok := op["responses"].(map[string]any)[fmt.Sprint(tt.status)].(map[string]any)
			if !ok {
				t.Errorf("%s: status %d not documented", tt.url, tt.status)
				continue
			}
			resp = resolve(t, doc, resp)
			var schema map[string]any
			for _, media := range resp["content"].(map[string]any) {
				schema = media.(map[string]any)["schema"].(map[string]any)
			}
			var body any
			r.JSON(t, &body)
			for _, p := range conform(doc, "$", schema, body) {
				t.Errorf("%s: %s", tt.url, p)
			}
		}
	})
}
