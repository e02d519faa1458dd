package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
)

// TestCompression: text answers are gzipped for clients that accept it,
// decompress to exactly the plain answer, and are left alone otherwise.
func TestCompression(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	get := func(method, path, accept string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		e.App.Web.ServeHTTP(w, r)
		return w
	}
	for _, path := range []string{"/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css", "/api/v1/openapi.json"} {
		plain := get("GET", path, "")
		if plain.Code != http.StatusOK || plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d %q", path, plain.Code, plain.Header().Get("Content-Encoding"))
		}
		z := get("GET", path, "br, gzip;q=0.8")
		if z.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(z.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s: encoding %q, vary %q", path, z.Header().Get("Content-Encoding"), z.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(z.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != plain.Body.String() {
			t.Errorf("%s: gzipped body differs from the plain one", path)
		}
		if z.Body.Len() >= len(body) {
			t.Errorf("%s: %d bytes gzipped for %d plain", path, z.Body.Len(), len(body))
		}
	}
	// A page that fits in the first round trip is sent as it is.
	if w := get("GET", "/static/app.css", "gzip"); w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "" || w.Body.Len() < 1000 {
		t.Errorf("small file: %d %q, %d bytes", w.Code, w.Header().Get("Content-Encoding"), w.Body.Len())
	}
	if w := get("GET", "/api/v1/openapi.json", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was compressed")
	}
	if w := get("HEAD", "/static/app.css", "gzip"); w.Header().Get("Content-Encoding") != "" {
		t.Error("HEAD was compressed")
	}
}
