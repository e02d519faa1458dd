package web

import (
	"net/http"
	"strconv"

	"ocop/internal/evaluation"
)

// resultPage is the result screen of a dossier.
type resultPage struct {
	councilFmt
	V evaluation.ResultView
}

// Levels are the star levels whose marks the screen explains, lowest first.
func (d *resultPage) Levels() []evaluation.Star {
	return []evaluation.Star{evaluation.Star3, evaluation.Star4, evaluation.Star5}
}

// LevelMet reports whether every mark of a level was met.
func (d *resultPage) LevelMet(l evaluation.Star) bool { return d.V.Result.Met.Level(l) }

// Why is the key of the sentence that explains the star: a gate stopped
// or rejected the dossier, the marks capped the band, or the band stands.
func (d *resultPage) Why() string {
	r := &d.V.Result
	switch {
	case r.Rejected():
		return "council.result_why_rejected"
	case r.Stopped():
		return "council.result_why_stopped"
	case r.Gate.Capped() && r.Star < evaluation.Star3:
		return "council.result_why_below3"
	case r.Gate.Capped():
		return "council.result_why_capped"
	case r.Band < evaluation.Star3:
		return "council.result_why_low_band"
	}
	return "council.result_why_band"
}

// FirstMissed is the lowest level whose marks were missed (0 for none).
func (d *resultPage) FirstMissed() int {
	if len(d.V.Result.Gate.Missed) == 0 {
		return 0
	}
	return int(d.V.Result.Gate.Missed[0])
}

// resultShow shows a dossier's result and why: part scores, mean, band,
// each star mark met or missed with the option chosen and the option
// required, the scorecard gates, the outcome, and each member's total.
func (s *Server) resultShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierResultRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var council int64
	if v := r.URL.Query().Get("council"); v != "" {
		council, _ = strconv.ParseInt(v, 10, 64)
	}
	v, err := s.Evaluation.DossierResult(r.Context(), p, id, council)
	if err != nil {
		return err
	}
	return s.page(w, r, "result_show", "council.page_result", &resultPage{councilFmt: councilFmt{langOf(r)}, V: v})
}

// dossierResultRoles may ask for a result; the service decides whose.
var dossierResultRoles = staff
