package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/registry"
)

type adminHomePage struct {
	Producers, Products, Villages int
	PendingLinks                  int
}

// adminHome is the back office's start page: what the user's scope holds
// and what waits for them.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := adminHomePage{}
	if p.Is(staff...) {
		prods, err := s.Registry.ListProducts(ctx, p, registry.ProductFilter{PerPage: 1})
		if err != nil {
			return err
		}
		producers, err := s.Registry.ListProducers(ctx, p, registry.ProducerFilter{PerPage: 1})
		if err != nil {
			return err
		}
		d.Products, d.Producers = prods.Total, producers.Total
	}
	villages, err := s.Registry.ListCraftVillages(ctx, registry.VillageFilter{PerPage: 1})
	if err != nil {
		return err
	}
	d.Villages = villages.Total
	if p.Is(account.RoleAdmin, account.RoleOffice, account.RoleCommune) {
		links, err := s.Registry.ListLinks(ctx, p, "pending")
		if err != nil {
			return err
		}
		d.PendingLinks = len(links)
	}
	return s.page(w, r, "admin_home", "page.admin", d)
}
