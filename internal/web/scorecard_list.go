package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// scorecards returns the scorecard service: the evaluation service's own
// (whose InUse hook knows which versions were used for scoring), or, when
// the server was built without one, a plain one over the database.
func (s *Server) scorecards() *evaluation.Scorecards {
	if s.Evaluation != nil {
		if c := s.Evaluation.Scorecards(); c != nil {
			return c
		}
	}
	return evaluation.NewScorecards(s.DB, s.Now)
}

// officeOnly are the roles that correct, activate and import scorecards.
var officeOnly = []account.Role{account.RoleAdmin, account.RoleOffice}

type scorecardListPage struct {
	Sets      []evaluation.SetSummary
	Status    string
	SetNo     int
	CanManage bool
	// Active and Drafts count the versions in force and waiting.
	Active, Drafts int
}

// scorecardList lists the versions of the 26 official scorecards with
// their status and validation summary. Every signed-in role may browse.
func (s *Server) scorecardList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	setNo, _ := strconv.Atoi(q.Get("set"))
	list, err := s.scorecards().ListSets(r.Context(), p, evaluation.SetFilter{Status: q.Get("status"), SetNo: max(setNo, 0)})
	if err != nil {
		return err
	}
	d := scorecardListPage{Sets: list, Status: q.Get("status"), SetNo: setNo, CanManage: evaluation.CanManage(p)}
	for _, x := range list {
		switch x.Status {
		case evaluation.SetActive:
			d.Active++
		case evaluation.SetDraft:
			d.Drafts++
		}
	}
	return s.page(w, r, "scorecard_list", "scorecard.page_list", d)
}
