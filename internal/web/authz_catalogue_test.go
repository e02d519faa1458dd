package web_test

import (
	"testing"

	"ocop/internal/apptest"
)

func init() {
	authzHooks = append(authzHooks, catalogueAuthzObjects)
	for k, v := range catalogueAuthz {
		authzTable[k] = v
	}
}

// catalogueAuthzObjects fills the catalogue's own path wildcards: the
// numbered sitemap and the width of a resized photo. Products, producers
// and villages reuse the fixture's A and B objects (all active: public).
func catalogueAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	for _, m := range []map[string]string{f.own, f.other} {
		m["sitemaps/{file}"] = "1.xml"
		m["{width}"] = "320"
	}
}

// catalogueAuthz: every catalogue page and endpoint is public and the same
// for everyone, signed in or not; the photo variant of an unknown (or
// non-public) image is absent for everyone.
var catalogueAuthz = map[string]string{
	"GET /api/v1/catalogue/nearest-villages": "ok ok ok ok ok ok ok ok",
	"GET /api/v1/catalogue/products":         "ok ok ok ok ok ok ok ok",
	"GET /map":                               "ok ok ok ok ok ok ok ok",
	"GET /map/markers.geojson":               "ok ok ok ok ok ok ok ok",
	"GET /media/{hash}/w/{width}":            "absent absent absent absent absent absent absent absent",
	"GET /producers/{id}":                    "ok ok ok ok ok ok ok ok",
	"GET /producers/{id} (other)":            "ok ok ok ok ok ok ok ok",
	"GET /products/{id}":                     "ok ok ok ok ok ok ok ok",
	"GET /products/{id} (other)":             "ok ok ok ok ok ok ok ok",
	"GET /robots.txt":                        "ok ok ok ok ok ok ok ok",
	"GET /search/suggest":                    "ok ok ok ok ok ok ok ok",
	"GET /sitemap.xml":                       "ok ok ok ok ok ok ok ok",
	"GET /sitemaps/{file}":                   "ok ok ok ok ok ok ok ok",
	"GET /villages/{id}":                     "ok ok ok ok ok ok ok ok",
	"GET /villages/{id} (other)":             "ok ok ok ok ok ok ok ok",
}
