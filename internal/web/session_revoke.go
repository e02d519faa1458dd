package web

import (
	"net/http"
)

// sessionsRevokeOthers signs the user out of every other browser.
func (s *Server) sessionsRevokeOthers(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if _, err := s.Accounts.RevokeOtherSessions(r.Context(), p); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "session.flash_revoked_others")
}

// userSessionsRevoke lets an administrator sign a user out everywhere.
func (s *Server) userSessionsRevoke(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, userAdmins...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Accounts.RevokeUserSessions(r.Context(), p, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users/"+itoa64(id)+"/edit", "session.flash_revoked_user")
}
