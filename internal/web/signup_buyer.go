package web

import (
	"net/http"

	"ocop/internal/account"
)

// signupBuyerShow shows the buyer sign-up form.
func (s *Server) signupBuyerShow(w http.ResponseWriter, r *http.Request) error {
	if account.FromContext(r.Context()) != nil {
		return s.redirect(w, r, "/account", "")
	}
	return s.page(w, r, "signup_buyer", "signup.buyer", nil)
}

// signupBuyerSubmit creates a buyer account that acts as a buyer once the
// programme office has verified its organisation.
func (s *Server) signupBuyerSubmit(w http.ResponseWriter, r *http.Request) error {
	if account.FromContext(r.Context()) != nil {
		return s.redirect(w, r, "/account", "")
	}
	if err := s.signupAllowed(r); err != nil {
		return err
	}
	f := r.PostForm
	u, err := s.Accounts.SignupBuyer(r.Context(), clientIP(r), account.NewUser{
		Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"), Phone: f.Get("phone"),
		Password: f.Get("password"), Organisation: f.Get("organisation"), BuyerKind: f.Get("buyer_kind"), Locale: langOf(r),
	})
	if err != nil {
		return s.formError(w, r, "signup_buyer", "signup.buyer", nil, err)
	}
	return s.page(w, r, "signup_done", "signup.done_title", signupDonePage{Role: account.RoleBuyer, Username: u.Username})
}
