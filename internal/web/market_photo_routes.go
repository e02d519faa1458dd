package web

// marketPhotoRoutes registers the sale-point photo pages and endpoints.
func (s *Server) marketPhotoRoutes(mux *routeMux) {
	h, a := s.h, s.api.H
	mux.Handle("POST /admin/sale-points/{id}/photos", h(s.marketPhotoAdd))
	mux.Handle("POST /admin/sale-points/{id}/photos/{hash}", h(s.marketPhotoUpdate))
	mux.Handle("POST /admin/sale-points/{id}/photos/{hash}/delete", h(s.marketPhotoDelete))
	mux.Handle("POST /api/v1/sale-points/{id}/photos", a(s.api.AddSalePointPhoto))
	mux.Handle("DELETE /api/v1/sale-points/{id}/photos/{hash}", a(s.api.RemoveSalePointPhoto))
	mux.Handle("PUT /api/v1/sale-points/{id}/photos/{hash}", a(s.api.UpdateSalePointPhoto))
}
