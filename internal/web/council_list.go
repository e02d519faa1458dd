package web

import (
	"fmt"
	"net/http"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// councilRoles may open the councils pages: the office forms councils,
// council members (whatever their account role) see their own.
var councilRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCouncil}

// councilFmt formats figures of the council, scoring and result pages in
// the page's language; page data embeds it so templates write
// {{$.Data.Score .Mean}}.
type councilFmt struct{ lang string }

// Day formats a civil date as dd/mm/yyyy ("" for no date).
func (councilFmt) Day(d evaluation.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

// Score formats a mean with two decimals, truncated so that it never shows
// a figure across a band boundary the mean did not cross
// (evaluation.ScoreHundredths); Vietnamese writes a decimal comma.
func (f councilFmt) Score(v float64) string {
	h := evaluation.ScoreHundredths(v)
	sep := ","
	if f.lang == "en" {
		sep = "."
	}
	return fmt.Sprintf("%d%s%02d", h/100, sep, h%100)
}

// Stars draws a star rank.
func (councilFmt) Stars(n any) string {
	var k int
	switch x := n.(type) {
	case int:
		k = x
	case evaluation.Star:
		k = int(x)
	}
	if k <= 0 {
		return "—"
	}
	return strings.Repeat("★", k)
}

// Departments lists the departments council members come from.
func (councilFmt) Departments() []string { return evaluation.Departments }

// CouncilRoles lists the roles on a council.
func (councilFmt) CouncilRoles() []string { return evaluation.CouncilRoles }

// NoteKinds lists the kinds of advisory notes.
func (councilFmt) NoteKinds() []string { return evaluation.NoteKinds }

type councilListPage struct {
	councilFmt
	Councils   []evaluation.CouncilSummary
	CanManage  bool
	Rounds     []evaluation.CouncilRound
	Candidates []evaluation.CouncilCandidate
	Today      evaluation.Date
}

func (s *Server) councilListData(r *http.Request, p *account.Principal) (*councilListPage, error) {
	ctx := r.Context()
	d := &councilListPage{councilFmt: councilFmt{langOf(r)}, CanManage: p.Province(), Today: s.Evaluation.Today()}
	var err error
	if d.Councils, err = s.Evaluation.ListCouncils(ctx, p); err != nil {
		return nil, err
	}
	if d.CanManage {
		if d.Rounds, err = s.Evaluation.CouncilRounds(ctx, p); err != nil {
			return nil, err
		}
		if d.Candidates, err = s.Evaluation.CouncilCandidates(ctx, p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// councilList lists the councils (all of them for the office, one's own
// for a member) with the form that forms a new one.
func (s *Server) councilList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, councilRoles...)
	if err != nil {
		return err
	}
	d, err := s.councilListData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "council_list", "council.page_list", d)
}

// councilCreate forms a council for a round with its chair.
func (s *Server) councilCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	var errs apperr.Errs
	f := r.PostForm
	in := evaluation.CouncilInput{Name: f.Get("name"), DecisionNo: f.Get("decision_no"), FormedOn: f.Get("formed_on"),
		Written: f.Get("written") == "on" || f.Get("written") == "1", ChairDepartment: f.Get("chair_department")}
	if id := formID(&errs, "round_id", f.Get("round_id")); id != nil {
		in.RoundID = *id
	}
	if id := formID(&errs, "chair_id", f.Get("chair_id")); id != nil {
		in.ChairID = *id
	}
	c, err := evaluation.Council{}, errs.Err()
	if err == nil {
		c, err = s.Evaluation.CreateCouncil(r.Context(), p, in)
	}
	if err != nil {
		d, derr := s.councilListData(r, p)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "council_list", "council.page_list", d, err)
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(c.ID), "council.flash_created")
}
