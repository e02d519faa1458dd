package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// tokenOwner is the signed-in user managing their API tokens. Tokens are
// managed from a browser session only: a token that could mint or revoke
// tokens would let a leaked token outlive its own revocation.
func tokenOwner(r *http.Request) (*account.Principal, error) {
	p, err := need(r)
	if err != nil {
		return nil, err
	}
	if p.ViaToken {
		return nil, apperr.New(apperr.Forbidden, "token.session_only")
	}
	return p, nil
}

// tokenCreate issues an API token and shows its secret once, on the page
// itself: it is never put in a URL, a cookie or the log.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := tokenOwner(r)
	if err != nil {
		return err
	}
	secret, _, err := s.Accounts.CreateToken(r.Context(), p, r.PostFormValue("name"))
	if err != nil {
		d, derr := s.accountData(r, p)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "account", "page.account", d, err)
	}
	d, err := s.accountData(r, p)
	if err != nil {
		return err
	}
	d.NewToken = secret
	v := s.newView(r, "page.account", d)
	v.Flash = "token.flash_created"
	return s.render(w, http.StatusOK, "account", v)
}

// tokenRevoke revokes one of the user's own tokens; another user's token
// is not found.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	p, err := tokenOwner(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeToken(r.Context(), p, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account#tokens", "token.flash_revoked")
}
