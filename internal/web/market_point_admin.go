package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
)

// pointInput reads the sale point form.
func pointInput(r *http.Request) (market.SalePointInput, apperr.Errs) {
	var errs apperr.Errs
	f := r.PostForm
	in := market.SalePointInput{Name: f.Get("name"), Kind: f.Get("kind"), Operator: f.Get("operator"), CommuneCode: f.Get("commune_code"),
		LegacyDistrictCode: f.Get("legacy_district_code"), LegacyCommuneCode: f.Get("legacy_commune_code"), AddressLine: f.Get("address_line"),
		Hours: f.Get("hours"), Phone: f.Get("phone"), Email: f.Get("email"), Status: f.Get("status")}
	in.Latitude = formFloat(&errs, "latitude", f.Get("latitude"))
	in.Longitude = formFloat(&errs, "longitude", f.Get("longitude"))
	in.CraftVillageID = formID(&errs, "craft_village_id", f.Get("craft_village_id"))
	if strings.TrimSpace(f.Get("version")) != "" {
		in.Version = formInt(&errs, "version", f.Get("version"))
	}
	return in, errs
}

// pointPage is the back-office page of a sale point: the office's form,
// the stocked products and the operators.
type pointPage struct {
	Point     *market.SalePoint // nil when creating
	Kinds     []string
	Stock     []market.Stocked
	Operators []string
	CanEdit   bool // the office: the point's details and operators
	CanStock  bool // the office and the point's operators
	Cats      []string
	// Photos of the point with their shown size; MaxUploadMB for the
	// upload form (market_photo.go).
	Photos      []thumb
	MaxUploadMB int64
}

// marketPointList lists the sale points: every point for the office
// (closed ones too), the operator's own points for a salepoint account.
func (s *Server) marketPointList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleSalePoint)
	if err != nil {
		return err
	}
	items, err := s.Market.ListSalePoints(r.Context(), p, market.PointFilter{All: true, Commune: r.URL.Query().Get("commune"), Kind: r.URL.Query().Get("kind")})
	if err != nil {
		return err
	}
	if p.Is(account.RoleSalePoint) {
		mine, err := s.Market.MyPoints(r.Context(), p)
		if err != nil {
			return err
		}
		own := map[int64]bool{}
		for _, id := range mine {
			own[id] = true
		}
		var kept []market.SalePoint
		for _, x := range items {
			if own[x.ID] {
				kept = append(kept, x)
			}
		}
		items = kept
	}
	return s.page(w, r, "market_points", "market.page_points", struct {
		Items []market.SalePoint
		Kinds []string
	}{items, market.SalePointKinds})
}

// marketPointNew shows the empty sale point form (the office).
func (s *Server) marketPointNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, account.RoleAdmin, account.RoleOffice); err != nil {
		return err
	}
	return s.page(w, r, "market_point_form", "market.page_point_new", pointPage{Kinds: market.SalePointKinds, CanEdit: true})
}

// marketPointCreate registers a sale point (the office).
func (s *Server) marketPointCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	pg := pointPage{Kinds: market.SalePointKinds, CanEdit: true}
	in, errs := pointInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point_new", pg, err)
	}
	x, err := s.Market.CreateSalePoint(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point_new", pg, err)
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(x.ID), "flash.saved")
}

// pointPageFor loads the back-office page of the {id} point for p: the
// office, or an operator of the point; anyone else is refused.
func (s *Server) pointPageFor(r *http.Request) (pointPage, *account.Principal, error) {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleSalePoint)
	if err != nil {
		return pointPage{}, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return pointPage{}, nil, err
	}
	ok, err := s.Market.CanStock(r.Context(), p, id)
	if err != nil {
		return pointPage{}, nil, err
	}
	x, err := s.Market.SalePoint(r.Context(), p, id)
	if err != nil {
		return pointPage{}, nil, err
	}
	if !ok {
		return pointPage{}, nil, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	pg := pointPage{Point: &x, Kinds: market.SalePointKinds, CanEdit: market.CanManagePoints(p), CanStock: true, Cats: market.StockCategories,
		Photos: thumbs(x.Photos), MaxUploadMB: s.MaxUpload >> 20}
	if pg.Stock, err = s.Market.Stock(r.Context(), id, false); err != nil {
		return pg, p, err
	}
	if pg.Operators, err = s.Market.Operators(r.Context(), id); err != nil {
		return pg, p, err
	}
	return pg, p, nil
}

// marketPointShow is the back-office page of a sale point.
func (s *Server) marketPointShow(w http.ResponseWriter, r *http.Request) error {
	pg, _, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_point_form", "market.page_point", pg)
}

// marketPointUpdate saves the office's form (optimistic locking).
func (s *Server) marketPointUpdate(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	if !pg.CanEdit {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in, errs := pointInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
	}
	if _, err := s.Market.UpdateSalePoint(r.Context(), p, pg.Point.ID, in); err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID), "flash.saved")
}

// marketPointOperator links a salepoint account to the point (the office).
func (s *Server) marketPointOperator(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	if !pg.CanEdit {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	if err := s.Market.LinkOperator(r.Context(), p, pg.Point.ID, r.PostForm.Get("username")); err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID), "flash.saved")
}

// marketStockAdd puts a product on the point's shelf (office or operator).
func (s *Server) marketStockAdd(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in := market.StockInput{ProductCode: r.PostForm.Get("product_code"), Category: r.PostForm.Get("category")}
	if _, err := s.Market.AddStock(r.Context(), p, pg.Point.ID, in); err != nil {
		return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID)+"#stock", "market.flash_stocked")
}

// marketStockRemove takes a product off the point's shelf.
func (s *Server) marketStockRemove(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "err.not_found")
	}
	if err := s.Market.RemoveStock(r.Context(), p, pg.Point.ID, pid); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID)+"#stock", "flash.saved")
}
