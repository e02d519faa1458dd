package web

// traceRoutes registers the trace pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) traceRoutes(mux *routeMux) {
}
