package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/registry"
)

var provinceOrCommune = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// producerList lists the producers in the user's scope, with filters,
// search (ignoring diacritics) and pages.
func (s *Server) producerList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	res, err := s.Registry.ListProducers(r.Context(), p, registry.ProducerFilter{
		Query: q.Get("q"), Kind: q.Get("kind"), CommuneCode: q.Get("commune"), LegacyDistrict: q.Get("district"),
		Status: q.Get("status"), WomenLed: q.Get("women_led") == "1", EthnicMinority: q.Get("ethnic") == "1",
		Page: queryInt(q.Get("page")), PerPage: queryInt(q.Get("per_page")),
	})
	if err != nil {
		return err
	}
	return s.page(w, r, "producer_list", "page.producers", res)
}

type producerShowPage struct {
	Producer  registry.Producer
	Products  registry.Page[registry.Product]
	CanManage bool
	History   []account.AuditEntry
}

// producerShow shows one producer with its products and change history.
func (s *Server) producerShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.Registry.Producer(ctx, p, id)
	if err != nil {
		return err
	}
	prods, err := s.Registry.ListProducts(ctx, p, registry.ProductFilter{ProducerID: id, PerPage: 100})
	if err != nil {
		return err
	}
	d := producerShowPage{Producer: x, Products: prods, CanManage: registry.CanManageProducer(p, x)}
	if d.CanManage {
		d.History, _, err = s.Accounts.ListAudit(ctx, account.AuditFilter{Entity: "producer", EntityID: itoa64(id), PerPage: 20})
		if err != nil {
			return err
		}
	}
	return s.page(w, r, "producer_show", "page.producer", d)
}
