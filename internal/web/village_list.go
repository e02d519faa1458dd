package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// villageList lists craft villages. Villages are public records, so every
// signed-in user may read them.
func (s *Server) villageList(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f := registry.VillageFilter{
		Query: q.Get("q"), CommuneCode: q.Get("commune"), LegacyDistrict: q.Get("district"),
		Page: queryInt(q.Get("page")), PerPage: queryInt(q.Get("per_page")),
	}
	switch q.Get("recognised") {
	case "yes":
		f.Recognised = new(true)
	case "no":
		f.Recognised = new(false)
	}
	res, err := s.Registry.ListCraftVillages(r.Context(), f)
	if err != nil {
		return err
	}
	return s.page(w, r, "village_list", "village.page_list", res)
}

type villageShowPage struct {
	Village   registry.CraftVillage
	Products  registry.Page[registry.Product]
	CanManage bool
	History   []account.AuditEntry
}

// villageShow shows a craft village with the products (in the user's
// scope) made there and, for those who may change it, its history.
func (s *Server) villageShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	v, err := s.Registry.CraftVillage(ctx, id)
	if err != nil {
		return err
	}
	d := villageShowPage{Village: v, CanManage: registry.CanManageVillage(p, v)}
	if d.Products, err = s.Registry.ListProducts(ctx, p, registry.ProductFilter{CraftVillageID: id, PerPage: 100}); err != nil {
		return err
	}
	if d.CanManage {
		d.History, _, err = s.Accounts.ListAudit(ctx, account.AuditFilter{Entity: "craft_village", EntityID: itoa64(id), PerPage: 20})
		if err != nil {
			return err
		}
	}
	return s.page(w, r, "village_show", "village.page_show", d)
}
