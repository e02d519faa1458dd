package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"ocop/internal/evaluation"
)

// dossierSelfPage is the self-assessment page (Mẫu 02 part III).
type dossierSelfPage struct {
	civil
	D       evaluation.Dossier
	Sheet   *evaluation.SelfSheet
	CanEdit bool
}

// dossierSelf shows every criterion of the dossier's scorecard by part
// and section with its options, points and star marks, the answers given
// so far and the running totals. It works without JavaScript: one form of
// radio buttons, totals computed by the server on save.
func (s *Server) dossierSelf(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	sheet, err := s.Evaluation.SelfAssessment(r.Context(), p, pg.D.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_self", "dossier.page_self", &dossierSelfPage{D: pg.D, Sheet: sheet, CanEdit: pg.CanEdit})
}

// selfAnswers reads the self-assessment form: "c<criterion id>" is the
// chosen option's id ("no:<option id>" for "not met" on a criterion
// printed without options) and "n<criterion id>" the note. Values that do
// not parse become option 0, which no criterion has: the service refuses
// them with the criterion named.
func selfAnswers(r *http.Request) []evaluation.SelfAnswer {
	var out []evaluation.SelfAnswer
	for key, vals := range r.PostForm {
		if !strings.HasPrefix(key, "c") || len(vals) == 0 {
			continue
		}
		cid, err := strconv.ParseInt(key[1:], 10, 64)
		if err != nil {
			continue
		}
		v := vals[0]
		a := evaluation.SelfAnswer{CriterionID: cid, Note: r.PostFormValue("n" + key[1:])}
		if rest, ok := strings.CutPrefix(v, "no:"); ok {
			a.NotMet, v = true, rest
		}
		a.OptionID, _ = strconv.ParseInt(v, 10, 64)
		out = append(out, a)
	}
	// Map order is random; answer in document order of the ids so that
	// errors and audit rows come out the same every time.
	sort.Slice(out, func(i, j int) bool { return out[i].CriterionID < out[j].CriterionID })
	return out
}

// dossierSelfSave saves the self-assessment and shows the sheet again
// with its new totals.
func (s *Server) dossierSelfSave(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.Evaluation.SaveSelfAssessment(ctx, p, pg.D.ID, formVersion(r), selfAnswers(r)); err != nil {
		sheet, serr := s.Evaluation.SelfAssessment(ctx, p, pg.D.ID)
		if serr != nil {
			return serr
		}
		return s.formError(w, r, "dossier_self", "dossier.page_self", &dossierSelfPage{D: pg.D, Sheet: sheet, CanEdit: pg.CanEdit}, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(pg.D.ID)+"/self", "dossier.flash_self_saved")
}
