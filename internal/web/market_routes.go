package web

// marketRoutes registers the market pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) marketRoutes(mux *routeMux) {
}
