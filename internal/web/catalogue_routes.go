package web

// catalogueRoutes registers the catalogue pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) catalogueRoutes(mux *routeMux) {
	_ = mux
}
