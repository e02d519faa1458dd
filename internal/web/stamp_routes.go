package web

// stampRoutes registers the stamps pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) stampRoutes(mux *routeMux) {
	_ = mux
}
