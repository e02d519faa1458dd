package web

import (
	"net/http"

	"ocop/internal/registry"
)

type homePage struct {
	Products  int
	Producers int
	Villages  int
	Newest    []registry.Product
}

// homeShow is the public front page: the search box first, then the
// programme in numbers and the newest products.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	prods, err := s.Registry.ListProducts(ctx, nil, registry.ProductFilter{Public: true, Newest: true, PerPage: 8})
	if err != nil {
		return err
	}
	producers, err := s.Registry.ListProducers(ctx, nil, registry.ProducerFilter{Public: true, PerPage: 1})
	if err != nil {
		return err
	}
	villages, err := s.Registry.ListCraftVillages(ctx, registry.VillageFilter{PerPage: 1})
	if err != nil {
		return err
	}
	return s.page(w, r, "home", "page.home", homePage{Products: prods.Total, Producers: producers.Total, Villages: villages.Total, Newest: prods.Items})
}
