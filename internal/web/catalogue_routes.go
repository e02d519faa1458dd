package web

// catalogueRoutes registers the catalogue pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all. The home page
// (GET /) and the search page (GET /search) are registered in routes.go and
// served by homeShow and searchShow.
func (s *Server) catalogueRoutes(mux *routeMux) {
	h, a := s.h, s.api.H
	mux.Handle("GET /api/v1/catalogue/nearest-villages", a(s.api.CatalogueNearest))
	mux.Handle("GET /api/v1/catalogue/products", a(s.limited(s.limiter.search, s.api.CatalogueSearch)))
	mux.Handle("GET /map", h(s.catalogueMap))
	mux.Handle("GET /map/markers.geojson", h(s.catalogueMarkers))
	mux.Handle("GET /media/{hash}/w/{width}", h(s.catalogueImage))
	mux.Handle("GET /producers/{id}", h(s.catalogueProducer))
	mux.Handle("GET /products/{id}", h(s.catalogueProduct))
	mux.Handle("GET /robots.txt", h(s.catalogueRobots))
	mux.Handle("GET /search/suggest", h(s.limited(s.limiter.search, s.catalogueSuggest)))
	mux.Handle("GET /sitemap.xml", h(s.catalogueSitemapIndex))
	mux.Handle("GET /sitemaps/{file}", h(s.catalogueSitemap))
	mux.Handle("GET /villages/{id}", h(s.catalogueVillage))
}
