package stats

import (
	"context"
	"strconv"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// Period is the period a programme report covers: a month or a year.
type Period struct {
	// Kind is "month" or "year".
	Kind  string
	Year  int
	Month int
	// From and To are the first and last days; End is the day the figures
	// are taken at (To, or today for the period in progress).
	From, To, End evaluation.Date
}

// NewPeriod returns the period of a report, checked against today: a
// period that has not begun is refused.
func NewPeriod(kind string, year, month int, today evaluation.Date) (Period, error) {
	var errs apperr.Errs
	p := Period{Kind: kind, Year: year, Month: month}
	switch kind {
	case "year":
		p.Month = 0
		p.From, p.To = evaluation.NewDate(year, time.January, 1), evaluation.NewDate(year, time.December, 31)
	case "month":
		if month < 1 || month > 12 {
			errs.Add("month", "stats.err_month")
		}
		p.From = evaluation.NewDate(year, time.Month(month), 1)
		p.To = p.From.AddMonths(1).AddDays(-1)
	default:
		errs.Add("period", "stats.err_period")
	}
	if year < 2019 || year > today.Y {
		errs.Add("year", "stats.err_report_year")
	}
	if err := errs.Err(); err != nil {
		return p, err
	}
	if p.From.After(today) {
		errs.Add("month", "stats.err_future")
		return p, errs.Err()
	}
	p.End = p.To
	if p.End.After(today) {
		p.End = today
	}
	return p, nil
}

// LastYear returns the same period a year earlier (End moved back a year,
// 29 February clamped).
func (p Period) LastYear() Period {
	q := p
	q.Year--
	q.From, q.To, q.End = p.From.AddMonths(-12), p.To.AddMonths(-12), p.End.AddMonths(-12)
	if p.Kind == "month" {
		q.To = q.From.AddMonths(1).AddDays(-1)
	}
	return q
}

// Label names the period ("tháng 11 năm 2026", "năm 2026") in a language.
func (p Period) Label(t T) string {
	if p.Kind == "month" {
		return t("stats.period_month_label", p.Month, p.Year)
	}
	return t("stats.period_year_label", p.Year)
}

// PeriodFigures are a period's figures.
type PeriodFigures struct {
	// New counts the products first certified in the period, at the level
	// of that certificate; Certificates every certificate issued in it.
	New, Certificates StarCounts
	// Cumulative and Valid are taken at the period's End.
	Cumulative, Valid StarCounts
}

// UnitFigures are one commune's figures in the report.
type UnitFigures struct {
	Code, Label string
	New         int
	NewPrev     int
	Cumulative  int
	Valid       int
}

// Report is the monthly or yearly programme report.
type Report struct {
	Period, Prev Period
	Scope        Scope
	Today        evaluation.Date
	Now, PrevFig PeriodFigures
	// Communes lists the communes with any product evaluated by the end
	// of the period (or in the scope), by name order of the province.
	Communes []UnitFigures
	Targets  []Progress
	// Villages and producers at the time of the report.
	Villages, Recognised, Producers int
}

// figuresOf computes a period's figures from the facts.
func figuresOf(fs *Facts, p Period, keep func(*Fact) bool) PeriodFigures {
	var out PeriodFigures
	in := func(d evaluation.Date) bool { return !d.Before(p.From) && !d.After(p.End) }
	for _, f := range fs.Products {
		if keep != nil && !keep(f) {
			continue
		}
		if c := f.First(); c != nil && in(c.Issued) {
			out.New.Add(LevelOf(c.Star, c.Potential5))
		}
		for _, c := range f.Certs {
			if in(c.Issued) {
				out.Certificates.Add(LevelOf(c.Star, c.Potential5))
			}
		}
		if l, ok := f.LevelAt(Cumulative, p.End); ok {
			out.Cumulative.Add(l)
		}
		if l, ok := f.LevelAt(Valid, p.End); ok {
			out.Valid.Add(l)
		}
	}
	return out
}

// Report computes the programme report of a period over p's scope.
func (s *Service) Report(ctx context.Context, p *account.Principal, kind string, year, month int) (*Report, error) {
	sc, err := ScopeOf(p)
	if err != nil {
		return nil, err
	}
	per, err := NewPeriod(kind, year, month, s.Today())
	if err != nil {
		return nil, err
	}
	fs, err := s.LoadFacts(ctx, sc)
	if err != nil {
		return nil, err
	}
	return s.reportOf(ctx, fs, per)
}

func (s *Service) reportOf(ctx context.Context, fs *Facts, per Period) (*Report, error) {
	r := &Report{Period: per, Prev: per.LastYear(), Scope: fs.Scope, Today: fs.Today}
	r.Now, r.PrevFig = figuresOf(fs, r.Period, nil), figuresOf(fs, r.Prev, nil)
	rows := map[string]*UnitFigures{}
	var order []string
	get := func(code string) *UnitFigures {
		u := rows[code]
		if u == nil {
			u = &UnitFigures{Code: code, Label: code}
			if w, ok := s.Registry.Units().Ward(code); ok {
				u.Label = w.FullName
			}
			rows[code] = u
		}
		return u
	}
	if fs.Scope.All {
		for _, w := range s.Registry.Units().WardsOf(s.Province) {
			order = append(order, w.Code)
		}
	} else {
		order = append(order, fs.Scope.Communes...)
	}
	inP := func(p Period, d evaluation.Date) bool { return !d.Before(p.From) && !d.After(p.End) }
	for _, f := range fs.Products {
		c := f.First()
		if c == nil || c.Issued.After(per.End) {
			continue
		}
		u := get(f.Commune)
		if inP(r.Period, c.Issued) {
			u.New++
		}
		if inP(r.Prev, c.Issued) {
			u.NewPrev++
		}
		if _, ok := f.LevelAt(Cumulative, per.End); ok {
			u.Cumulative++
		}
		if _, ok := f.LevelAt(Valid, per.End); ok {
			u.Valid++
		}
	}
	seen := map[string]bool{}
	for _, code := range order {
		seen[code] = true
		if u := rows[code]; u != nil {
			r.Communes = append(r.Communes, *u)
		} else if !fs.Scope.All {
			r.Communes = append(r.Communes, *get(code))
		}
	}
	for code, u := range rows {
		if !seen[code] {
			r.Communes = append(r.Communes, *u)
		}
	}
	fsYear := *fs
	fsYear.Today = per.End
	ts, err := s.Targets(ctx, per.Year)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		r.Targets = append(r.Targets, ProgressOf(t, &fsYear, per.End.Y, int(per.End.M)))
	}
	if !per.End.Before(fs.Today) {
		// The period runs to today: the recorded figures are its own.
		if err := s.recorded(ctx, r.Targets, fs); err != nil {
			return nil, err
		}
	}
	r.Villages, r.Recognised = fs.VillageCounts()
	_, r.Producers = fs.ProducersByKind()
	return r, nil
}

// ReportTables returns the report's tables (by level, by commune,
// targets), as printed in the XLSX and PDF.
func ReportTables(r *Report, t T) []Table {
	diff := func(a, b int) string {
		d := a - b
		if d > 0 {
			return "+" + strconv.Itoa(d)
		}
		return strconv.Itoa(d)
	}
	lv := Table{Name: "levels", Title: t("stats.report_table_levels"), Head: []string{t("stats.level"), t("stats.report_new", r.Period.Label(t)),
		t("stats.report_new_prev", r.Prev.Label(t)), t("stats.report_change"), t("stats.report_certificates"),
		t("stats.report_cumulative", DayText(r.Period.End)), t("stats.report_valid", DayText(r.Period.End))}}
	add := func(label string, of func(StarCounts) int) {
		lv.Rows = append(lv.Rows, []Cell{{Text: label}, num(of(r.Now.New), ""), num(of(r.PrevFig.New), ""),
			{Text: diff(of(r.Now.New), of(r.PrevFig.New))}, num(of(r.Now.Certificates), ""), num(of(r.Now.Cumulative), ""), num(of(r.Now.Valid), "")})
	}
	for _, l := range Levels {
		add(t("stats.level_"+string(l)), func(c StarCounts) int { return c.Of(l) })
	}
	add(t("stats.total"), func(c StarCounts) int { return c.Total })

	cm := Table{Name: "communes", Title: t("stats.report_table_communes"), Head: []string{t("stats.commune"), t("stats.report_new", r.Period.Label(t)),
		t("stats.report_new_prev", r.Prev.Label(t)), t("stats.report_cumulative", DayText(r.Period.End)), t("stats.report_valid", DayText(r.Period.End))}}
	for _, u := range r.Communes {
		cm.Rows = append(cm.Rows, []Cell{{Text: u.Label}, num(u.New, ""), num(u.NewPrev, ""), num(u.Cumulative, ""), num(u.Valid, "")})
	}

	tg := Table{Name: "targets", Title: t("stats.report_table_targets", r.Period.Year), Head: []string{t("stats.metric"), t("stats.target"),
		t("stats.actual"), t("stats.progress"), t("stats.gap")}}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, p := range r.Targets {
		row := []Cell{{Text: t("stats.metric_" + string(p.Metric))}, {Text: f(p.Value), Num: true}}
		if p.Known {
			row = append(row, Cell{Text: f(p.Actual), Num: true}, Cell{Text: f(p.Percent) + "%"}, Cell{Text: f(p.Gap), Num: true})
		} else {
			row = append(row, Cell{Text: t("stats.not_recorded_yet")}, Cell{}, Cell{})
		}
		tg.Rows = append(tg.Rows, row)
	}
	return []Table{lv, cm, tg}
}
