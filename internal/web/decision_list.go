package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// decisionListPage is the decisions page: the scored dossiers waiting for
// a decision (with the form that decides them) and the decisions made.
type decisionListPage struct {
	certDays
	Decidable []evaluation.Decidable
	Decisions []evaluation.Decision
	Today     evaluation.Date
}

func (s *Server) decisionListData(r *http.Request, p *account.Principal) (*decisionListPage, error) {
	ctx := r.Context()
	dec, err := s.Evaluation.Decidable(ctx, p)
	if err != nil {
		return nil, err
	}
	list, err := s.Evaluation.Decisions(ctx, p, evaluation.DecisionFilter{Kind: r.URL.Query().Get("kind"), Year: queryInt(r.URL.Query().Get("year"))})
	if err != nil {
		return nil, err
	}
	return &decisionListPage{Decidable: dec, Decisions: list, Today: s.Evaluation.Today()}, nil
}

// decisionList shows the decisions and the scored dossiers to decide.
func (s *Server) decisionList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	d, err := s.decisionListData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "decision_list", "cert.page_decisions", d)
}

// decisionCreate records a decision on the dossiers ticked in the form:
// certificates for 3★/4★ (and 5★ on the Ministry's result), the chair's
// approval of potential 5★ results, and the closing of the others.
func (s *Server) decisionCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	d, err := s.decisionListData(r, p)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := evaluation.DecisionInput{Number: f.Get("number"), DecidedOn: f.Get("decided_on"), Signer: f.Get("signer")}
	for _, v := range f["dossier"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		in.Dossiers = append(in.Dossiers, id)
	}
	dec, err := s.Evaluation.IssueDecision(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "decision_list", "cert.page_decisions", d, err)
	}
	return s.redirect(w, r, "/admin/decisions/"+itoa64(dec.ID), "cert.flash_decided")
}
