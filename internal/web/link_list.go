package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// linkViewers may open the link requests page: those who decide requests
// (in their scope) and producer accounts (their own requests).
var linkViewers = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// linkDeciders may verify or reject link requests in their scope.
var linkDeciders = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune}

// linkRow is one request with whether the viewer may decide it.
type linkRow struct {
	registry.Link
	CanDecide bool
}

// linkListPage is the link requests page.
type linkListPage struct {
	Status string // pending | verified | rejected | all
	Rows   []linkRow
	// Failed is the request whose rejection was refused (to show the
	// message beside its form).
	Failed int64
}

// linkData loads the requests of a status that p may see.
func (s *Server) linkData(r *http.Request, p *account.Principal, status string) (linkListPage, error) {
	switch status {
	case "pending", "verified", "rejected", "all":
	default:
		status = "pending"
	}
	q := status
	if q == "all" {
		q = ""
	}
	links, err := s.Registry.ListLinks(r.Context(), p, q)
	if err != nil {
		return linkListPage{}, err
	}
	d := linkListPage{Status: status}
	for _, l := range links {
		d.Rows = append(d.Rows, linkRow{Link: l, CanDecide: l.Status == "pending" && (p.Province() || p.InCommune(l.CommuneCode))})
	}
	return d, nil
}

// linkList lists requests of producer accounts to act for a producer:
// commune officers see their communes' requests, the province all, and a
// producer account its own.
func (s *Server) linkList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, linkViewers...)
	if err != nil {
		return err
	}
	d, err := s.linkData(r, p, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	return s.page(w, r, "link_list", "link.page", d)
}

// linkRequest lets a signed-in producer account ask to act for another
// producer already in the registry, by its registration number.
func (s *Server) linkRequest(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleProducer)
	if err != nil {
		return err
	}
	if _, err := s.Registry.RequestLink(r.Context(), p, r.PostFormValue("registration_no")); err != nil {
		d, derr := s.linkData(r, p, "all")
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "link_list", "link.page", d, err)
	}
	return s.redirect(w, r, "/admin/links?status=pending", "link.flash_requested")
}

// linkVerify verifies a request: the account may now act for the producer
// (and a producer created at sign-up becomes active).
func (s *Server) linkVerify(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, linkDeciders...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Registry.DecideLink(r.Context(), p, id, true, r.PostFormValue("note")); err != nil {
		return s.linkDecideError(w, r, p, id, err)
	}
	return s.redirect(w, r, "/admin/links?status=pending", "link.flash_verified")
}

// linkReject rejects a request; the reason is required and shown to the
// account.
func (s *Server) linkReject(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, linkDeciders...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Registry.DecideLink(r.Context(), p, id, false, r.PostFormValue("note")); err != nil {
		return s.linkDecideError(w, r, p, id, err)
	}
	return s.redirect(w, r, "/admin/links?status=pending", "link.flash_rejected")
}

// linkDecideError re-renders the pending list with the message of a
// refused decision; errors other than bad input go to the adapter.
func (s *Server) linkDecideError(w http.ResponseWriter, r *http.Request, p *account.Principal, id int64, err error) error {
	d, derr := s.linkData(r, p, "pending")
	if derr != nil {
		return derr
	}
	d.Failed = id
	return s.formError(w, r, "link_list", "link.page", d, err)
}
