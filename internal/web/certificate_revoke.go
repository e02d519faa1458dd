package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// certificateRevoke records the revocation of a certificate (Điều 8).
func (s *Server) certificateRevoke(w http.ResponseWriter, r *http.Request) error {
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
	in := evaluation.RevokeInput{
		Ground: f.Get("ground"), Conclusion: f.Get("conclusion"), ConcludedOn: f.Get("concluded_on"),
		DecisionNo: f.Get("decision_no"), MinistryDecisionNo: f.Get("ministry_decision_no"),
		DecidedOn: f.Get("decided_on"), Signer: f.Get("signer"), Reason: f.Get("reason"),
		Version: queryInt(f.Get("version")),
	}
	res, err := s.Evaluation.Revoke(r.Context(), p, id, in)
	if err != nil {
		return s.formError(w, r, "certificate_show", "cert.page_show", d, err)
	}
	flash := "cert.flash_revoked"
	if res.Late {
		flash = "cert.flash_revoked_late"
	}
	return s.redirect(w, r, "/admin/certificates/"+itoa64(id), flash)
}
