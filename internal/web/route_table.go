package web

import (
	"net/http"
	"slices"
)

// routeMux is the server's ServeMux that also remembers every pattern it
// is given: ServeMux cannot list its patterns, and the route table is what
// the OpenAPI document (and any role × route test) is checked against.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// Handle registers and records a pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers and records a pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// Routes returns every pattern registered in routes.go, in order, e.g.
// "GET /api/v1/products/{id}".
func (s *Server) Routes() []string { return slices.Clone(s.api.Routes()) }
