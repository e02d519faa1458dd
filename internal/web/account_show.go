package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
)

type accountPage struct {
	User   account.User
	Tokens []account.Token
	// Sessions are the user's signed-in browsers.
	Sessions []account.SessionInfo
	// NewToken is shown once after creation.
	NewToken string
}

func (s *Server) accountData(r *http.Request, p *account.Principal) (*accountPage, error) {
	u, err := s.Accounts.User(r.Context(), nil, p.UserID)
	if err != nil {
		return nil, err
	}
	toks, err := s.Accounts.Tokens(r.Context(), p)
	if err != nil {
		return nil, err
	}
	sessions, err := s.Accounts.Sessions(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return &accountPage{User: u, Tokens: toks, Sessions: sessions}, nil
}

// accountShow shows the user's own account: password change and API tokens.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.accountData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "account", "page.account", d)
}

// passwordSubmit changes the user's own password.
func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := s.Accounts.ChangePassword(r.Context(), p, r.PostFormValue("current"), r.PostFormValue("password")); err != nil {
		d, derr := s.accountData(r, p)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "account", "page.account", d, err)
	}
	return s.redirect(w, r, "/account", "flash.password_changed")
}

func itoa(n int) string { return strconv.Itoa(n) }
