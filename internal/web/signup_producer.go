package web

import (
	"math"
	"net/http"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// signupDonePage tells a new account who will verify it.
type signupDonePage struct {
	Role         account.Role
	Username     string
	ProducerName string
	CommuneCode  string
}

// signupAllowed takes a token from the per-address sign-up limit; when none
// is left the request ends with 429 and Retry-After.
func (s *Server) signupAllowed(r *http.Request) error {
	if ok, wait := s.limiter.signup.allow(clientIP(r)); !ok {
		return apperr.New(apperr.TooMany, "err.too_many_requests", int(math.Ceil(wait.Seconds())))
	}
	return nil
}

// signupProducerShow shows the producer sign-up form. Signed-in users
// already have an account and go to it.
func (s *Server) signupProducerShow(w http.ResponseWriter, r *http.Request) error {
	if account.FromContext(r.Context()) != nil {
		return s.redirect(w, r, "/account", "")
	}
	return s.page(w, r, "signup_producer", "signup.producer", nil)
}

// signupProducerSubmit creates a producer account with a pending link to
// an existing producer (by registration number) or to a new draft
// producer; a commune officer of the producer's commune verifies it.
func (s *Server) signupProducerSubmit(w http.ResponseWriter, r *http.Request) error {
	if account.FromContext(r.Context()) != nil {
		return s.redirect(w, r, "/account", "")
	}
	if err := s.signupAllowed(r); err != nil {
		return err
	}
	f := r.PostForm
	in := registry.ProducerSignup{
		Account: account.NewUser{
			Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"), Phone: f.Get("phone"),
			Password: f.Get("password"), Locale: langOf(r),
		},
		Existing: f.Get("mode") == "existing",
	}
	if in.Existing {
		in.RegistrationNo = f.Get("registration_no")
	} else {
		in.Producer = registry.ProducerInput{
			Name: f.Get("name"), Kind: f.Get("kind"), RegistrationNo: f.Get("registration_no"),
			Representative: f.Get("display_name"), CommuneCode: f.Get("commune_code"),
			LegacyDistrictCode: f.Get("legacy_district_code"), LegacyCommuneCode: f.Get("legacy_commune_code"),
			AddressLine: f.Get("address_line"),
		}
	}
	u, l, err := s.Registry.SignupProducer(r.Context(), clientIP(r), in)
	if err != nil {
		return s.formError(w, r, "signup_producer", "signup.producer", nil, err)
	}
	return s.page(w, r, "signup_done", "signup.done_title", signupDonePage{
		Role: account.RoleProducer, Username: u.Username, ProducerName: l.ProducerName, CommuneCode: l.CommuneCode})
}
