package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// decisionProposalPage is the printable 5★ proposal.
type decisionProposalPage struct {
	certDays
	P evaluation.FiveStarProposal
}

// decisionProposal shows the file the province sends the Ministry for a
// potential 5★ product (Điều 6.3.a), printable from the browser.
func (s *Server) decisionProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.Evaluation.Proposal(r.Context(), p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "decision_proposal", "cert.page_proposal", decisionProposalPage{P: f})
}
