package web

// marketPhotoRoutes registers the sale-point photo pages and endpoints.
func (s *Server) marketPhotoRoutes(mux *routeMux) {}
