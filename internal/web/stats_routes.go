package web

// statsRoutes registers the stats pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) statsRoutes(mux *routeMux) {
	_ = mux
}
