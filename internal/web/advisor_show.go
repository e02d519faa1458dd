package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// advisorShowPage is the upgrade advice of a dossier.
type advisorShowPage struct {
	certDays
	A evaluation.DossierAdvice
	// Top are the first improvements shown; the rest fold away.
	Top  []evaluation.Step
	Rest []evaluation.Step
}

// advisorShow shows what would lift a product to the next star on its own
// scorecard: to the producer, the officer of its commune and the province.
func (s *Server) advisorShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Evaluation.DossierAdvice(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := advisorShowPage{A: a, Top: a.Improvements}
	if len(d.Top) > 10 {
		d.Top, d.Rest = a.Improvements[:10], a.Improvements[10:]
	}
	return s.page(w, r, "advisor_show", "cert.page_advice", d)
}
