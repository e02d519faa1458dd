package api

import (
	"net/http"
	"slices"
	"strings"

	"ocop/internal/apperr"
)

// SetRoutes gives the API the server's route table (every pattern
// registered in web/routes.go, in order). The API needs it to answer
// unknown API paths with 404 and known paths with the wrong method with 405
// (both as problem documents), and tests use it to check the OpenAPI
// document against what the server really serves. It is called once,
// before the server takes requests.
func (a *API) SetRoutes(patterns []string) {
	a.routes = slices.Clone(patterns)
	a.probe = http.NewServeMux()
	for _, p := range APIPatterns(patterns) {
		a.probe.Handle(p, http.NotFoundHandler())
	}
}

// Routes returns the patterns given to SetRoutes.
func (a *API) Routes() []string { return slices.Clone(a.routes) }

// APIPatterns returns the "METHOD /api/…" patterns among patterns.
func APIPatterns(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if _, path, ok := strings.Cut(p, " "); ok && strings.HasPrefix(path, "/api/") {
			out = append(out, p)
		}
	}
	return out
}

// methods a client may try; HEAD follows GET.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// NotFound answers every /api/ request no API route matched: 405 with
// Allow when the path exists under other methods, else 404.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	if a.probe != nil {
		for _, m := range methods {
			rr := r.Clone(r.Context())
			rr.Method = m
			if _, pattern := a.probe.Handler(rr); pattern != "" {
				allow = append(allow, m)
			}
		}
	}
	if len(allow) == 0 {
		return apperr.New(apperr.NotFound, "api.no_route")
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	l := lang(r)
	writeProblem(w, l, problem{Type: problemType(codeMethodNotAllowed), Title: a.Catalog.T(l, "api.title."+codeMethodNotAllowed),
		Status: http.StatusMethodNotAllowed, Detail: a.Catalog.T(l, "api.method_not_allowed", r.Method, strings.Join(allow, ", ")),
		Instance: r.URL.Path, Code: codeMethodNotAllowed})
	return nil
}
