package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// buyerVerifiers are the roles that verify buyer accounts: the programme
// office (and the administrator).
var buyerVerifiers = []account.Role{account.RoleAdmin, account.RoleOffice}

// buyerList lists buyer accounts for the programme office to verify:
// those awaiting verification by default, or the verified ones, or all.
func (s *Server) buyerList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, buyerVerifiers...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := account.UserFilter{Role: account.RoleBuyer, Query: q.Get("q"), Page: max(queryInt(q.Get("page")), 1), PerPage: 50}
	// The template reads the same parameter: "" means pending.
	switch q.Get("status") {
	case "verified":
		f.Verified = true
	case "all":
	default:
		f.Pending = true
	}
	users, total, err := s.Accounts.ListUsers(r.Context(), p, f)
	if err != nil {
		return err
	}
	return s.page(w, r, "buyer_list", "user.page_buyers", registry.Page[account.User]{Items: users, Total: total, Page: f.Page, PerPage: f.PerPage})
}

// buyerVerify records that the office has checked a buyer's organisation.
func (s *Server) buyerVerify(w http.ResponseWriter, r *http.Request) error {
	return s.buyerDecide(w, r, true)
}

// buyerUnverify withdraws a buyer's verification.
func (s *Server) buyerUnverify(w http.ResponseWriter, r *http.Request) error {
	return s.buyerDecide(w, r, false)
}

func (s *Server) buyerDecide(w http.ResponseWriter, r *http.Request, verify bool) error {
	p, err := need(r, buyerVerifiers...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.VerifyBuyer(r.Context(), p, id, verify); err != nil {
		return err
	}
	if verify {
		return s.redirect(w, r, "/admin/buyers", "user.flash_buyer_verified")
	}
	return s.redirect(w, r, "/admin/buyers?status=verified", "user.flash_buyer_unverified")
}
