package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// userAdmins are the roles that manage accounts: administrators only.
var userAdmins = []account.Role{account.RoleAdmin}

// userList lists accounts for administrators, filtered by role and status
// and searched by username, name, organisation or e-mail.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, userAdmins...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := account.UserFilter{Query: q.Get("q"), Page: max(queryInt(q.Get("page")), 1), PerPage: 50}
	if role := account.Role(q.Get("role")); role.Valid() {
		f.Role = role
	}
	if st := q.Get("status"); st == "active" || st == "disabled" {
		f.Status = st
	}
	users, total, err := s.Accounts.ListUsers(r.Context(), p, f)
	if err != nil {
		return err
	}
	return s.page(w, r, "user_list", "user.page_list", registry.Page[account.User]{Items: users, Total: total, Page: f.Page, PerPage: f.PerPage})
}
