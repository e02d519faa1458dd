package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// decisionShowPage is one decision.
type decisionShowPage struct {
	certDays
	D evaluation.Decision
}

// decisionShow shows a decision with the dossiers it ruled on.
func (s *Server) decisionShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Evaluation.Decision(r.Context(), p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "decision_show", "cert.page_decision", decisionShowPage{D: d})
}
