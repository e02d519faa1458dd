package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// dossierListRoles work on dossiers from the list: producers their own,
// officers their communes', the province all. Council members work from
// their councils.
var dossierListRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// dossierListPage is the list of dossiers, which is also the commune's
// queue (state=submitted) and the office's (state=proposed).
type dossierListPage struct {
	civil
	// Items, Total, Page and PerPage are the page of the list (the pager
	// partial reads them).
	Items   []evaluation.Dossier
	Total   int
	Page    int
	PerPage int
	Today   evaluation.Date
	Rounds  []evaluation.RoundRecord
	States  []evaluation.State
	Kinds   []evaluation.DossierKind
	// Placements holds each listed dossier's round label.
	Placements map[int64]evaluation.Placement
	// WorkingDaysLeft holds each listed dossier's working days to its
	// current deadline.
	WorkingDaysLeft map[int64]int
}

// Pages is the number of pages.
func (l *dossierListPage) Pages() int {
	return registry.Page[evaluation.Dossier]{Total: l.Total, PerPage: l.PerPage}.Pages()
}

// Overdue reports whether a listed dossier's current step is late.
func (l *dossierListPage) Overdue(d evaluation.Dossier) bool { return d.OverdueOn(l.Today) }

// dossierList lists the dossiers in the user's scope, with filters by
// state, kind, commune, round and overdue.
func (s *Server) dossierList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierListRoles...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ctx := r.Context()
	roundID, _ := strconv.ParseInt(q.Get("round"), 10, 64)
	res, err := s.Evaluation.ListDossiers(ctx, p, evaluation.DossierFilter{State: q.Get("state"), Kind: q.Get("kind"),
		Commune: q.Get("commune"), RoundID: roundID, Overdue: q.Get("overdue") == "1", Page: queryInt(q.Get("page"))})
	if err != nil {
		return err
	}
	rounds, err := s.Evaluation.ListRounds(ctx, p, 0)
	if err != nil {
		return err
	}
	pg := &dossierListPage{Items: res.Items, Total: res.Total, Page: res.Page, PerPage: res.PerPage, Today: s.Evaluation.Today(), Rounds: rounds, States: evaluation.States,
		Kinds: evaluation.DossierKinds, Placements: map[int64]evaluation.Placement{}, WorkingDaysLeft: map[int64]int{}}
	for _, d := range res.Items {
		if pg.Placements[d.ID], err = s.Evaluation.Placement(ctx, &d); err != nil {
			return err
		}
		if due := d.Due(); !due.IsZero() {
			pg.WorkingDaysLeft[d.ID] = s.Evaluation.WorkingDaysLeft(due)
		}
	}
	return s.page(w, r, "dossier_list", "dossier.page_list", pg)
}

// dossierNewPage starts a dossier for a product.
type dossierNewPage struct {
	civil
	Start *evaluation.DossierStart
	// Products are the products the user may file for, when none is chosen.
	Products []registry.Product
	Kinds    []evaluation.DossierKind
}

func (s *Server) dossierNewData(r *http.Request, p *account.Principal, productID int64) (*dossierNewPage, error) {
	pg := &dossierNewPage{Kinds: evaluation.DossierKinds}
	if productID > 0 {
		st, err := s.Evaluation.StartDossier(r.Context(), p, productID)
		if err != nil {
			return nil, err
		}
		pg.Start = &st
		return pg, nil
	}
	res, err := s.Registry.ListProducts(r.Context(), p, registry.ProductFilter{PerPage: registry.MaxPerPage})
	if err != nil {
		return nil, err
	}
	for _, x := range res.Items {
		if registry.CanManageProduct(p, x) && x.Status != registry.StatusInactive {
			pg.Products = append(pg.Products, x)
		}
	}
	return pg, nil
}

// dossierNew shows the new-dossier form for ?product=ID (or a list of the
// user's products to choose from).
func (s *Server) dossierNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierListRoles...)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.URL.Query().Get("product"), 10, 64)
	pg, err := s.dossierNewData(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_new", "dossier.page_new", pg)
}

// dossierCreate starts a draft dossier and opens its Mẫu 01.
func (s *Server) dossierCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierListRoles...)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("product"), 10, 64)
	d, err := s.Evaluation.CreateDossier(r.Context(), p, evaluation.DossierInput{ProductID: id, Kind: evaluation.DossierKind(r.PostFormValue("kind"))})
	if err != nil {
		e := apperr.As(err)
		if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
			return err
		}
		pg, derr := s.dossierNewData(r, p, id)
		if derr != nil {
			// The product itself is out of reach: show the choice of products.
			if pg, derr = s.dossierNewData(r, p, 0); derr != nil {
				return derr
			}
		}
		return s.formError(w, r, "dossier_new", "dossier.page_new", pg, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(d.ID)+"/form01", "dossier.flash_created")
}
