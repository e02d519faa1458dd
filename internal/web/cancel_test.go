package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ocop/internal/apptest"
)

// TestClientGoneIsNotAServerFault: a request whose client went away while
// the database was being read is logged as 499, never as a 500 error.
func TestClientGoneIsNotAServerFault(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var logs bytes.Buffer
		e.App.Web.Log = slog.New(slog.NewTextHandler(&logs, nil))
		for _, path := range []string{"/api/v1/producers?q=gom", "/api/v1/products?q=gom"} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
			w := httptest.NewRecorder()
			e.App.Web.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Errorf("GET %s with the client gone: %d", path, w.Code)
			}
		}
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("client gone logged as an error:\n%s", logs.String())
		}
	})
}
