package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/stats"
)

// statsTargetRoles set the programme's targets: the programme office.
var statsTargetRoles = []account.Role{account.RoleAdmin, account.RoleOffice}

// statsTargetsPage is the targets form with the progress of the year.
type statsTargetsPage struct {
	Year     int
	Years    []int
	Metrics  []stats.Metric
	Progress []stats.Progress
	// Current maps a metric to its target (absent when not set).
	Current map[stats.Metric]stats.Progress
}

// Value returns the form value of a metric: the re-submitted one, else the
// recorded target.
func (p statsTargetsPage) Value(v *view, m stats.Metric) string {
	if v.Form != nil {
		return v.Form.Get("value_" + string(m))
	}
	if t, ok := p.Current[m]; ok {
		return strconv.FormatFloat(t.Value, 'f', -1, 64)
	}
	return ""
}

// Note returns the form note of a metric.
func (p statsTargetsPage) Note(v *view, m stats.Metric) string {
	if v.Form != nil {
		return v.Form.Get("note_" + string(m))
	}
	return p.Current[m].Note
}

// Version returns the version of a metric's target (0 when not set).
func (p statsTargetsPage) Version(v *view, m stats.Metric) int {
	if v.Form != nil {
		n, _ := strconv.Atoi(v.Form.Get("version_" + string(m)))
		return n
	}
	return p.Current[m].Version
}

func (s *Server) statsTargetsData(r *http.Request, p *account.Principal, year int) (statsTargetsPage, error) {
	today := s.Stats.Today()
	if year == 0 {
		year = today.Y
	}
	pg := statsTargetsPage{Year: year, Metrics: stats.Metrics, Current: map[stats.Metric]stats.Progress{}}
	for y := today.Y + 1; y >= 2019; y-- {
		pg.Years = append(pg.Years, y)
	}
	var err error
	if pg.Progress, err = s.Stats.TargetProgress(r.Context(), p, year); err != nil {
		return pg, err
	}
	for _, t := range pg.Progress {
		pg.Current[t.Metric] = t
	}
	return pg, nil
}

// statsTargets shows the targets of a year with their progress.
func (s *Server) statsTargets(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsTargetRoles...)
	if err != nil {
		return err
	}
	year := queryInt(r.URL.Query().Get("year"))
	if year != 0 && (year < 2019 || year > 2100) {
		year = 0
	}
	pg, err := s.statsTargetsData(r, p, year)
	if err != nil {
		return err
	}
	return s.page(w, r, "stats_targets", "stats.page_targets", pg)
}

// statsTargetsSave records the targets of a year.
func (s *Server) statsTargetsSave(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsTargetRoles...)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	var in []stats.TargetInput
	for _, m := range stats.Metrics {
		v, _ := strconv.Atoi(r.PostFormValue("version_" + string(m)))
		in = append(in, stats.TargetInput{Metric: m, Value: r.PostFormValue("value_" + string(m)), Note: r.PostFormValue("note_" + string(m)), Version: v})
	}
	if err := s.Stats.SetTargets(r.Context(), p, year, in); err != nil {
		pg, derr := s.statsTargetsData(r, p, min(max(year, 2019), 2100))
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "stats_targets", "stats.page_targets", pg, err)
	}
	return s.redirect(w, r, "/admin/stats/targets?year="+strconv.Itoa(year), "stats.targets_saved")
}
