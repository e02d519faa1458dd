package web

// tradeRoutes registers the trade pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) tradeRoutes(mux *routeMux) {
}
