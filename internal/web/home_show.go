package web

import (
	"net/http"

	"ocop/internal/catalogue"
)

// homeShow is the public front page: the search box first, then the
// programme in numbers by star, the newest certified products and the 5★
// products.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) error {
	h, err := s.Catalogue.Home(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, "home", "page.home", homeView{Home: h, Stars: []string{catalogue.Star5, catalogue.StarPotential5, catalogue.Star4, catalogue.Star3}})
}
