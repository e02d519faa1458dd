package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// parseTarget reads "option:123" (or set, section, criterion) of the
// correction forms.
func parseTarget(v string) (string, int64, bool) {
	kind, id, ok := strings.Cut(v, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return "", 0, false
	}
	switch kind {
	case evaluation.TargetSet, evaluation.TargetSection, evaluation.TargetCriterion, evaluation.TargetOption:
		return kind, n, true
	}
	return "", 0, false
}

// scorecardFormError re-renders the scorecard page with the errors of a
// refused correction or activation; other errors go to the adapter.
func (s *Server) scorecardFormError(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if e := apperr.As(err); e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	d, perr := s.scorecardPage(r, id)
	if perr != nil {
		return perr
	}
	return s.formError(w, r, "scorecard_show", "scorecard.page_show", d, err)
}

// scorecardCorrect records a correction (programme office and
// administrators): in place on a draft or on a version in force never used
// for scoring, else in a new draft version.
func (s *Server) scorecardCorrect(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, officeOnly...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := evaluation.CorrectionInput{Field: f.Get("field"), Value: f.Get("value"), Reason: f.Get("reason")}
	var ok bool
	if in.Target, in.TargetID, ok = parseTarget(f.Get("target")); !ok {
		return s.scorecardFormError(w, r, id, apperr.Fields(apperr.Field("target", "scorecard.err_target")))
	}
	if f.Has("expect") {
		e := f.Get("expect")
		in.Expect = &e
	}
	set, err := s.scorecards().Correct(r.Context(), p, id, in)
	if err != nil {
		return s.scorecardFormError(w, r, id, err)
	}
	flash := "scorecard.flash_corrected"
	if set.ID != id {
		flash = "scorecard.flash_new_version"
	}
	return s.redirect(w, r, "/admin/scorecards/"+itoa64(set.ID), flash)
}

// scorecardActivate puts a version in force (programme office and
// administrators); a version that does not validate is refused.
func (s *Server) scorecardActivate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, officeOnly...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.scorecards().Activate(r.Context(), p, id); err != nil {
		return s.scorecardFormError(w, r, id, err)
	}
	return s.redirect(w, r, "/admin/scorecards/"+itoa64(id), "scorecard.flash_activated")
}
