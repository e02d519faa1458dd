package web

// marketOfficeRoutes registers the office pages and API endpoints that
// create, edit and delete retail chains, tourism routes and design centres.
// The design-centre form's new and create routes are in market_routes.go.
func (s *Server) marketOfficeRoutes(mux *routeMux) {
	h, a := s.h, s.api.H
	mux.Handle("GET /admin/design-centres", h(s.marketOfficeCentreList))
	mux.Handle("GET /admin/design-centres/{id}", h(s.marketOfficeCentreShow))
	mux.Handle("POST /admin/design-centres/{id}", h(s.marketOfficeCentreUpdate))
	mux.Handle("GET /admin/design-centres/{id}/delete", h(s.marketOfficeCentreDeleteAsk))
	mux.Handle("POST /admin/design-centres/{id}/delete", h(s.marketOfficeCentreDelete))
	mux.Handle("GET /admin/retail-chains", h(s.marketOfficeChainList))
	mux.Handle("POST /admin/retail-chains", h(s.marketOfficeChainCreate))
	mux.Handle("GET /admin/retail-chains/new", h(s.marketOfficeChainNew))
	mux.Handle("GET /admin/retail-chains/{id}", h(s.marketOfficeChainShow))
	mux.Handle("POST /admin/retail-chains/{id}", h(s.marketOfficeChainUpdate))
	mux.Handle("GET /admin/retail-chains/{id}/delete", h(s.marketOfficeChainDeleteAsk))
	mux.Handle("POST /admin/retail-chains/{id}/delete", h(s.marketOfficeChainDelete))
	mux.Handle("POST /admin/retail-chains/{id}/listings", h(s.marketOfficeListingAdd))
	mux.Handle("POST /admin/retail-chains/{id}/listings/{pid}/delete", h(s.marketOfficeListingRemove))
	mux.Handle("GET /admin/tourism-routes", h(s.marketOfficeRouteList))
	mux.Handle("POST /admin/tourism-routes", h(s.marketOfficeRouteCreate))
	mux.Handle("GET /admin/tourism-routes/new", h(s.marketOfficeRouteNew))
	mux.Handle("GET /admin/tourism-routes/{id}", h(s.marketOfficeRouteShow))
	mux.Handle("POST /admin/tourism-routes/{id}", h(s.marketOfficeRouteUpdate))
	mux.Handle("GET /admin/tourism-routes/{id}/delete", h(s.marketOfficeRouteDeleteAsk))
	mux.Handle("POST /admin/tourism-routes/{id}/delete", h(s.marketOfficeRouteDelete))
	mux.Handle("POST /admin/tourism-routes/{id}/publish", h(s.marketOfficeRoutePublish))
	mux.Handle("PUT /api/v1/design-centres/{id}", a(s.api.UpdateDesignCentre))
	mux.Handle("DELETE /api/v1/design-centres/{id}", a(s.api.DeleteDesignCentre))
	mux.Handle("PUT /api/v1/retail-chains/{id}", a(s.api.UpdateChain))
	mux.Handle("DELETE /api/v1/retail-chains/{id}", a(s.api.DeleteChain))
	mux.Handle("DELETE /api/v1/retail-chains/{id}/listings/{pid}", a(s.api.RemoveChainListing))
	mux.Handle("PUT /api/v1/tourism-routes/{id}", a(s.api.UpdateRoute))
	mux.Handle("DELETE /api/v1/tourism-routes/{id}", a(s.api.DeleteRoute))
}
