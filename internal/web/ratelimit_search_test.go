package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/config"
)

// TestSearchRateLimit: searches, suggestions and the catalogue API are
// limited per client with 429 and Retry-After (a page in the user's
// language, a problem document on the API); behind a trusted proxy the
// client is the one X-Forwarded-For names, and a forged leftmost entry
// does not get a client a fresh allowance.
func TestSearchRateLimit(t *testing.T) {
	apptest.EachWith(t, func(c *config.Config) { c.SearchRate = 20; c.TrustedProxies = "192.0.2.0/24" }, func(t *testing.T, e *apptest.Env) {
		get := func(path, xff string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, path, nil) // from 192.0.2.1: the trusted proxy
			r.Header.Set("X-Forwarded-For", xff)
			w := httptest.NewRecorder()
			e.App.Web.ServeHTTP(w, r)
			return w
		}
		paths := []string{"/search?q=gom", "/search/suggest?q=go", "/api/v1/catalogue/products?q=gom"}
		limited := 0
		for i := range 40 {
			w := get(paths[i%len(paths)], "198.51.100.7, 203.0.113.5")
			switch w.Code {
			case http.StatusOK:
			case http.StatusTooManyRequests:
				limited++
				if w.Header().Get("Retry-After") == "" {
					t.Fatalf("429 without Retry-After")
				}
				if strings.HasPrefix(paths[i%len(paths)], "/api/") && !strings.Contains(w.Header().Get("Content-Type"), "problem+json") {
					t.Errorf("API 429 is %q", w.Header().Get("Content-Type"))
				}
				if paths[i%len(paths)] == "/search?q=gom" && !strings.Contains(w.Body.String(), "thử lại sau") {
					t.Errorf("page 429 without the Vietnamese message:\n%s", w.Body.String())
				}
			default:
				t.Fatalf("GET %s: %d", paths[i%len(paths)], w.Code)
			}
		}
		if limited < 10 {
			t.Fatalf("%d of 40 searches limited, want the ones over the burst of 10", limited)
		}
		// Another client behind the same proxy is not affected; a forged
		// leftmost address does not help the limited one.
		if w := get("/search?q=gom", "203.0.113.6"); w.Code != http.StatusOK {
			t.Errorf("another client behind the proxy: %d", w.Code)
		}
		if w := get("/search?q=gom", "10.9.9.9, 203.0.113.5"); w.Code != http.StatusTooManyRequests {
			t.Errorf("forged X-Forwarded-For: %d", w.Code)
		}
		// The allowance comes back with time.
		e.Clock.Advance(time.Minute)
		if w := get("/search?q=gom", "203.0.113.5"); w.Code != http.StatusOK {
			t.Errorf("after a minute: %d", w.Code)
		}
	})
}

// TestForwardedForIgnoredWithoutTrustedProxy: anyone can send
// X-Forwarded-For; without trusted proxies it changes nothing.
func TestForwardedForIgnoredWithoutTrustedProxy(t *testing.T) {
	apptest.EachWith(t, func(c *config.Config) { c.SearchRate = 10 }, func(t *testing.T, e *apptest.Env) {
		limited := false
		for i := range 30 {
			r := httptest.NewRequest(http.MethodGet, "/search?q="+url.QueryEscape("gốm"), nil)
			r.Header.Set("X-Forwarded-For", "203.0.113."+itoa(int64(i)))
			w := httptest.NewRecorder()
			e.App.Web.ServeHTTP(w, r)
			limited = limited || w.Code == http.StatusTooManyRequests
		}
		if !limited {
			t.Error("a new X-Forwarded-For per request escaped the limit")
		}
	})
}

// TestReportRateLimit: the public "report a suspected fake" form takes a
// handful of reports per client, then answers 429 with Retry-After, and
// stores nothing more.
func TestReportRateLimit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Anon()
		c.Get("/q/KHONG-PHAI-MA")
		ok, limited := 0, 0
		for range 14 {
			r := c.PostForm("/q/-/report", url.Values{"place": {"Chợ Long Biên"}, "note": {"tem lạ"}})
			switch r.Status {
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
				limited++
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("429 without Retry-After")
				}
			default:
				t.Fatalf("report: %d", r.Status)
			}
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM stamp_reports").Scan(&n); err != nil || n != ok {
			t.Errorf("stored reports: %d, %v; accepted %d", n, err, ok)
		}
		if ok != 10 || limited != 4 {
			t.Errorf("accepted %d, limited %d; want 10 and 4", ok, limited)
		}
	})
}
