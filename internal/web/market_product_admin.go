package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
	"ocop/internal/registry"
)

// productMarketPage is the back-office market page of a product: its
// storefront links and its (and its producer's) certifications.
type productMarketPage struct {
	Product      registry.Product
	Storefronts  []market.Storefront
	Certs        []market.Certification
	Marketplaces []string
	CertKinds    []string
}

// marketProduct returns the {id} product when p may manage its market
// data (office, the commune officer of its commune, its producer).
func (s *Server) marketProduct(r *http.Request) (registry.Product, *account.Principal, error) {
	p, err := need(r, staff...)
	if err != nil {
		return registry.Product{}, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return registry.Product{}, nil, err
	}
	x, err := s.Registry.Product(r.Context(), p, id)
	if err != nil {
		return x, p, err
	}
	if !registry.CanManageProduct(p, x) {
		return x, p, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return x, p, nil
}

func (s *Server) productMarketPage(r *http.Request, x registry.Product) (productMarketPage, error) {
	pg := productMarketPage{Product: x, Marketplaces: market.Marketplaces, CertKinds: market.CertificationKinds}
	var err error
	if pg.Storefronts, err = s.Market.Storefronts(r.Context(), x.ID); err != nil {
		return pg, err
	}
	pg.Certs, err = s.Market.ProductCertifications(r.Context(), x.ProducerID, x.ID)
	return pg, err
}

// marketProductAdmin shows a product's storefronts and certifications.
func (s *Server) marketProductAdmin(w http.ResponseWriter, r *http.Request) error {
	x, _, err := s.marketProduct(r)
	if err != nil {
		return err
	}
	pg, err := s.productMarketPage(r, x)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_product", "market.page_product", pg)
}

// marketStorefrontCreate adds a storefront link after checking that its
// host belongs to the marketplace it claims.
func (s *Server) marketStorefrontCreate(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.marketProduct(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	var errs apperr.Errs
	in := market.StorefrontInput{Marketplace: r.PostForm.Get("marketplace"), URL: r.PostForm.Get("url")}
	if v := strings.TrimSpace(r.PostForm.Get("price_vnd")); v != "" {
		n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(v), 10, 64)
		if err != nil {
			errs.Add("price_vnd", "market.err_price")
		}
		in.PriceVND = &n
	}
	err = errs.Err()
	if err == nil {
		_, err = s.Market.AddStorefront(r.Context(), p, x.ID, in)
	}
	if err != nil {
		pg, perr := s.productMarketPage(r, x)
		if perr != nil {
			return perr
		}
		return s.formError(w, r, "market_product", "market.page_product", pg, err)
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID)+"/market", "flash.saved")
}

// marketStorefrontDelete removes a storefront link.
func (s *Server) marketStorefrontDelete(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.marketProduct(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.Market.RemoveStorefront(r.Context(), p, x.ID, sid); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID)+"/market", "flash.saved")
}

// marketCertCreate records a certification for the product (scope
// "product") or for its producer (scope "producer").
func (s *Server) marketCertCreate(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.marketProduct(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	f := r.PostForm
	in := market.CertificationInput{ProducerID: x.ProducerID, Kind: f.Get("kind"), Number: f.Get("number"), Issuer: f.Get("issuer"),
		Scope: f.Get("scope"), ValidFrom: f.Get("valid_from"), ValidUntil: f.Get("valid_until"), DocumentURL: f.Get("document_url")}
	if f.Get("applies") != "producer" {
		in.ProductID = &x.ID
	}
	if _, err := s.Market.CreateCertification(r.Context(), p, in); err != nil {
		pg, perr := s.productMarketPage(r, x)
		if perr != nil {
			return perr
		}
		return s.formError(w, r, "market_product", "market.page_product", pg, err)
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID)+"/market", "flash.saved")
}

// marketCertDelete removes a certification record.
func (s *Server) marketCertDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Market.DeleteCertification(r.Context(), p, id); err != nil {
		return err
	}
	to := r.FormValue("back")
	if !strings.HasPrefix(to, "/admin/") {
		to = "/admin/certifications"
	}
	return s.redirect(w, r, to, "flash.saved")
}

// marketCertList is the expiry reminder list: certifications ending within
// the next 90 days (or expired within the last 90), for the office and
// commune officers (their communes).
func (s *Server) marketCertList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleCommune)
	if err != nil {
		return err
	}
	days := 90
	if n, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && n >= 1 && n <= 730 {
		days = n
	}
	items, err := s.Market.ExpiringCertifications(r.Context(), p, days)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_certs", "market.page_certs", struct {
		Items []market.Certification
		Days  int
		Today string
	}{items, days, s.Evaluation.Today().String()})
}
