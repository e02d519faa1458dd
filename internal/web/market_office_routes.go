package web

// marketOfficeRoutes registers the office pages and API endpoints that
// create, edit and delete retail chains, tourism routes and design centres.
func (s *Server) marketOfficeRoutes(mux *routeMux) {}
