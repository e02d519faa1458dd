package web

import (
	"net/http"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// userFormPage is what the user form shows.
type userFormPage struct {
	User *account.User // nil when creating
	// Selected are the communes ticked in the multi-select.
	Selected []string
	// Posted is true when the main form is re-rendered with what was
	// submitted (and false after a failed password reset, whose form
	// holds only the password).
	Posted bool
}

// userFormCommunes reads the communes multi-select, dropping empty values.
func userFormCommunes(r *http.Request) []string {
	var out []string
	for _, c := range r.PostForm["communes"] {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// userNew shows the empty user form.
func (s *Server) userNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, userAdmins...); err != nil {
		return err
	}
	return s.page(w, r, "user_form", "user.page_new", userFormPage{})
}

// userCreate creates an account with an initial password.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, userAdmins...)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := account.NewUser{
		Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"), Phone: f.Get("phone"),
		Role: account.Role(f.Get("role")), Password: f.Get("password"), Communes: userFormCommunes(r),
		Organisation: f.Get("organisation"), BuyerKind: f.Get("buyer_kind"), Locale: f.Get("locale"),
		MustChangePassword: f.Get("must_change_password") == "on",
	}
	if _, err := s.Accounts.CreateUser(r.Context(), p, in); err != nil {
		return s.formError(w, r, "user_form", "user.page_new", userFormPage{Selected: in.Communes, Posted: true}, err)
	}
	return s.redirect(w, r, "/admin/users", "user.flash_created")
}

// userEdit shows an account's form: role, status, communes, contact
// details, and the password reset.
func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, userAdmins...); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Accounts.User(r.Context(), nil, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "user_form", "user.page_edit", userFormPage{User: &u, Selected: u.Communes})
}

// userUpdate saves an account's form. Disabling an account or changing its
// role ends its sessions (the service does it in the same transaction).
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, userAdmins...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Accounts.User(r.Context(), nil, id)
	if err != nil {
		return err
	}
	f := r.PostForm
	var errs apperr.Errs
	in := account.UserUpdate{
		DisplayName: f.Get("display_name"), Email: f.Get("email"), Phone: f.Get("phone"),
		Role: account.Role(f.Get("role")), Status: f.Get("status"), Communes: userFormCommunes(r),
		Organisation: f.Get("organisation"), BuyerKind: f.Get("buyer_kind"),
		Version: formInt(&errs, "version", f.Get("version")),
	}
	d := userFormPage{User: &u, Selected: in.Communes, Posted: true}
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "user_form", "user.page_edit", d, err)
	}
	if _, err := s.Accounts.UpdateUser(r.Context(), p, id, in); err != nil {
		return s.formError(w, r, "user_form", "user.page_edit", d, err)
	}
	return s.redirect(w, r, "/admin/users", "flash.saved")
}

// userPassword sets a new password chosen by the administrator; the user
// must change it at the next sign-in, and every session of theirs ends.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, userAdmins...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Accounts.User(r.Context(), nil, id)
	if err != nil {
		return err
	}
	if err := s.Accounts.ResetPassword(r.Context(), p, id, r.PostFormValue("password")); err != nil {
		return s.formError(w, r, "user_form", "user.page_edit", userFormPage{User: &u, Selected: u.Communes}, err)
	}
	return s.redirect(w, r, "/admin/users/"+itoa64(id)+"/edit", "user.flash_password_reset")
}
