package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/api"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// scorePage is one member's scoring workspace for one dossier.
type scorePage struct {
	councilFmt
	W *evaluation.Workspace
}

// Action is the URL the sheet posts to.
func (d *scorePage) Action() string {
	return "/admin/councils/" + itoa64(d.W.Council.ID) + "/dossiers/" + itoa64(d.W.Dossier.ID)
}

// scoreIDs reads the council and dossier ids of a scoring URL.
func scoreIDs(r *http.Request) (int64, int64, error) {
	cid, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return 0, 0, err
	}
	return cid, did, nil
}

func (s *Server) scorePageData(r *http.Request, p *account.Principal, cid, did int64) (*scorePage, error) {
	ws, err := s.Evaluation.ScoringWorkspace(r.Context(), p, cid, did)
	if err != nil {
		return nil, err
	}
	return &scorePage{councilFmt: councilFmt{langOf(r)}, W: ws}, nil
}

// scoreShow is the scoring workspace: every criterion of the dossier's
// scorecard with its options, the member's own answers, running totals
// and what is unscored; the others' sheets only once the member submitted.
func (s *Server) scoreShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, councilRoles...)
	if err != nil {
		return err
	}
	cid, did, err := scoreIDs(r)
	if err != nil {
		return err
	}
	d, err := s.scorePageData(r, p, cid, did)
	if err != nil {
		return err
	}
	return s.page(w, r, "score_workspace", "council.page_score", d)
}

// wantsJSON: score.js saves with fetch and asks for JSON; a plain form
// post gets pages.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// scoreInputs reads the sheet form: c<criterion>=<option id> (or "no" for
// a yes/no criterion not met), v<criterion>=<version shown>, g<criterion>=1
// when the gate's condition is met. With only=<criterion>, just that one.
func scoreInputs(r *http.Request) ([]evaluation.ScoreInput, error) {
	f := r.PostForm
	only := f.Get("only")
	var out []evaluation.ScoreInput
	for key, vals := range f {
		if len(key) < 2 || key[0] != 'c' || len(vals) == 0 {
			continue
		}
		id, err := strconv.ParseInt(key[1:], 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		if only != "" && key[1:] != only {
			continue
		}
		in := evaluation.ScoreInput{CriterionID: id, GateHit: f.Get("g"+key[1:]) == "1"}
		switch v := strings.TrimSpace(vals[0]); v {
		case "no":
			in.NotMet = true
		default:
			o, err := strconv.ParseInt(v, 10, 64)
			if err != nil || o <= 0 {
				return nil, apperr.New(apperr.Invalid, "council.err_option_bad", key[1:])
			}
			in.OptionID = o
		}
		if v := f.Get("v" + key[1:]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, apperr.New(apperr.Invalid, "council.err_version_bad")
			}
			in.Version = n
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b evaluation.ScoreInput) int { return int(a.CriterionID - b.CriterionID) })
	return out, nil
}

// scoreSave saves one criterion (only=…) or the whole page. score.js gets
// the saved versions and running totals as JSON, or a problem document;
// a plain form post returns to the page.
func (s *Server) scoreSave(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, councilRoles...)
	if err != nil {
		return s.scoreFail(w, r, err)
	}
	cid, did, err := scoreIDs(r)
	if err != nil {
		return s.scoreFail(w, r, err)
	}
	if err := r.ParseForm(); err != nil {
		return s.scoreFail(w, r, apperr.Wrap(apperr.Invalid, err, "err.invalid_input"))
	}
	in, err := scoreInputs(r)
	var res evaluation.SaveResult
	if err == nil {
		res, err = s.Evaluation.SaveScores(r.Context(), p, cid, did, in)
	}
	if err != nil {
		return s.scoreFormError(w, r, p, cid, did, err)
	}
	if wantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		return api.JSON(w, http.StatusOK, res)
	}
	to := "/admin/councils/" + itoa64(cid) + "/dossiers/" + itoa64(did) + "/score"
	if only := r.PostForm.Get("only"); only != "" {
		to += "#c" + only
	}
	return s.redirect(w, r, to, "council.flash_scored")
}

// scoreSubmit submits the member's sheet.
func (s *Server) scoreSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, councilRoles...)
	if err != nil {
		return s.scoreFail(w, r, err)
	}
	cid, did, err := scoreIDs(r)
	if err != nil {
		return s.scoreFail(w, r, err)
	}
	if err := s.Evaluation.SubmitSheet(r.Context(), p, cid, did); err != nil {
		return s.scoreFormError(w, r, p, cid, did, err)
	}
	if wantsJSON(r) {
		return api.JSON(w, http.StatusOK, map[string]bool{"submitted": true})
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(cid)+"/dossiers/"+itoa64(did)+"/score", "council.flash_submitted")
}

// scoreFail answers a failed request: a problem document for score.js,
// the error page otherwise.
func (s *Server) scoreFail(w http.ResponseWriter, r *http.Request, err error) error {
	if wantsJSON(r) {
		s.api.Problem(w, r, err)
		return nil
	}
	return err
}

// scoreFormError re-renders the workspace with the message of an Invalid
// or Conflict error (a stale save, a closed council, an incomplete
// sheet), so the member sees it where they work.
func (s *Server) scoreFormError(w http.ResponseWriter, r *http.Request, p *account.Principal, cid, did int64, err error) error {
	if wantsJSON(r) {
		return s.scoreFail(w, r, err)
	}
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		return err
	}
	d, derr := s.scorePageData(r, p, cid, did)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "score_workspace", "council.page_score", d, err)
}
