package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// certificateInspect records an inspection of a certified product (Điều 9).
func (s *Server) certificateInspect(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.certificateShowData(r, p, id)
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.Evaluation.AddInspection(r.Context(), p, id, evaluation.InspectionInput{
		OnDate: f.Get("on_date"), Kind: f.Get("kind"), Findings: f.Get("findings"), Conclusion: f.Get("outcome"),
	})
	if err != nil {
		return s.formError(w, r, "certificate_show", "cert.page_show", d, err)
	}
	return s.redirect(w, r, "/admin/certificates/"+itoa64(id), "cert.flash_inspected")
}
