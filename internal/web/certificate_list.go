package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// certificateRoles may open certificates in the back office, each within
// their scope (the service checks it): the province, commune officers for
// their communes, producers for their own products.
var certificateRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// certificateListPage is the back-office list of certificates.
type certificateListPage struct {
	certDays
	Items    []evaluation.Certificate
	Total    int
	Page     int
	PerPage  int
	Statuses []evaluation.CertStatus
	Today    evaluation.Date
}

// Pages is the number of pages (for the pager partial).
func (p certificateListPage) Pages() int {
	return registry.Page[evaluation.Certificate]{Total: p.Total, PerPage: p.PerPage}.Pages()
}

// certificateList lists certificates with their computed status, filtered
// by star, status, commune and approaching expiry.
func (s *Server) certificateList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, certificateRoles...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	res, err := s.Evaluation.ListCertificates(r.Context(), p, evaluation.CertificateFilter{
		Star: queryInt(q.Get("star")), Status: q.Get("status"), Commune: q.Get("commune"),
		ExpiringWithin: queryInt(q.Get("expiring")), Query: q.Get("q"),
		Page: queryInt(q.Get("page")), PerPage: queryInt(q.Get("per_page")),
	})
	if err != nil {
		return err
	}
	return s.page(w, r, "certificate_list", "cert.page_list", certificateListPage{Items: res.Items, Total: res.Total, Page: res.Page, PerPage: res.PerPage, Statuses: evaluation.CertStatuses, Today: s.Evaluation.Today()})
}
