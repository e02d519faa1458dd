package web

// statsRoutes registers the stats pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) statsRoutes(mux *routeMux) {
	h, a := s.h, s.api.H
	mux.Handle("GET /admin/stats", h(s.statsDashboard))
	mux.Handle("GET /admin/stats/products", h(s.statsDrill))
	mux.Handle("GET /admin/stats/report", h(s.statsReport))
	mux.Handle("GET /admin/stats/tables/{file}", h(s.statsTable))
	mux.Handle("GET /admin/stats/targets", h(s.statsTargets))
	mux.Handle("POST /admin/stats/targets", h(s.statsTargetsSave))
	mux.Handle("GET /api/v1/stats/summary", a(s.api.StatsSummary))
	mux.Handle("GET /stats", h(s.statsPublic))
	mux.Handle("GET /stats/open-data.csv", h(s.statsOpenData))
}
