package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Metric is what a target measures.
type Metric string

// The metrics the programme office sets targets for.
const (
	// MetricProducts: products newly recognised (first certified) in the year.
	MetricProducts Metric = "products_year"
	// MetricFiveStar: products that reach 5★ for the first time in the year.
	MetricFiveStar Metric = "five_star_year"
	// MetricSalePoints: OCOP sale points operating at the end of the year.
	MetricSalePoints Metric = "sale_points"
	// MetricTraceable: share (percent) of valid OCOP products with traceability.
	MetricTraceable Metric = "traceable_share"
)

// Metrics lists the metrics in the order the page shows them.
var Metrics = []Metric{MetricProducts, MetricFiveStar, MetricSalePoints, MetricTraceable}

// Target is one target of a year.
type Target struct {
	Year    int       `json:"year"`
	Metric  Metric    `json:"metric"`
	Value   float64   `json:"value"`
	Note    string    `json:"note"`
	Updated time.Time `json:"updated_at"`
	Version int       `json:"version"`
}

// Progress is a target with what has been achieved.
type Progress struct {
	Target
	// Known is false when the platform does not yet record the metric
	// (sale points, traceability): Actual, Gap and Pace are then empty.
	Known  bool    `json:"known"`
	Actual float64 `json:"actual"`
	// Gap is what is still missing (0 when reached).
	Gap float64 `json:"gap"`
	// Percent is Actual / Value × 100 (capped at 999).
	Percent float64 `json:"percent"`
	// MonthsLeft counts the months left in the year, this one included (0
	// for a past year); Pace is the gap per month left.
	MonthsLeft int     `json:"months_left"`
	Pace       float64 `json:"pace"`
}

// Targets returns the targets of a year, in Metrics order (missing ones
// left out).
func (s *Service) Targets(ctx context.Context, year int) ([]Target, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT year, metric, value, note, updated_at, version FROM stats_targets WHERE year = ?`, year)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	defer rows.Close()
	got := map[Metric]Target{}
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.Year, &t.Metric, &t.Value, &t.Note, &t.Updated, &t.Version); err != nil {
			return nil, err
		}
		got[t.Metric] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Target
	for _, m := range Metrics {
		if t, ok := got[m]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// TargetInput is one target as the office enters it. Value "" removes the
// target.
type TargetInput struct {
	Metric Metric
	Value  string
	Note   string
	// Version is the version the form was based on (0 for a new target).
	Version int
}

// SetTargets records the office's targets of a year in one transaction,
// each change audited. Only admin and office may set targets.
func (s *Service) SetTargets(ctx context.Context, p *account.Principal, year int, in []TargetInput) error {
	if !p.Province() {
		if p == nil {
			return apperr.New(apperr.Unauthenticated, "err.login_required")
		}
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	if year < 2019 || year > 2100 {
		errs.Add("year", "stats.err_year")
	}
	type parsed struct {
		TargetInput
		value  float64
		remove bool
	}
	var ps []parsed
	for _, t := range in {
		x := parsed{TargetInput: t}
		known := false
		for _, m := range Metrics {
			known = known || m == t.Metric
		}
		if !known {
			errs.Add("metric", "stats.err_metric")
			continue
		}
		field := string(t.Metric)
		v := strings.TrimSpace(strings.ReplaceAll(t.Value, ",", "."))
		x.Note = strings.TrimSpace(t.Note)
		if len([]rune(x.Note)) > 500 {
			errs.Add(field+"_note", "stats.err_note")
		}
		if v == "" {
			x.remove = true
			ps = append(ps, x)
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
			errs.Add(field, "stats.err_value")
		case f < 0:
			errs.Add(field, "stats.err_negative")
		case t.Metric == MetricTraceable && f > 100:
			errs.Add(field, "stats.err_percent")
		case t.Metric != MetricTraceable && (f != math.Trunc(f) || f > 1e6):
			errs.Add(field, "stats.err_whole")
		}
		x.value = f
		ps = append(ps, x)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Second)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, x := range ps {
			var before *Target
			var cur Target
			err := tx.QueryRowContext(ctx, `SELECT year, metric, value, note, updated_at, version FROM stats_targets WHERE year = ? AND metric = ?`,
				year, string(x.Metric)).Scan(&cur.Year, &cur.Metric, &cur.Value, &cur.Note, &cur.Updated, &cur.Version)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				before = &cur
			}
			if (before == nil && x.Version != 0) || (before != nil && before.Version != x.Version) {
				return apperr.New(apperr.Conflict, "err.conflict")
			}
			id := fmt.Sprintf("%d/%s", year, x.Metric)
			switch {
			case x.remove && before == nil:
				continue
			case x.remove:
				if _, err := tx.ExecContext(ctx, `DELETE FROM stats_targets WHERE year = ? AND metric = ?`, year, string(x.Metric)); err != nil {
					return err
				}
				if err := account.Audit(ctx, tx, p, "stats.target_delete", "stats_target", id, "", before, nil); err != nil {
					return err
				}
			case before == nil:
				after := Target{Year: year, Metric: x.Metric, Value: x.value, Note: x.Note, Updated: now, Version: 1}
				if _, err := tx.ExecContext(ctx, `INSERT INTO stats_targets (year, metric, value, note, updated_at, updated_by, version) VALUES (?, ?, ?, ?, ?, ?, 1)`,
					year, string(x.Metric), x.value, x.Note, now, nullID(p.UserID)); err != nil {
					return err
				}
				if err := account.Audit(ctx, tx, p, "stats.target_set", "stats_target", id, "", nil, after); err != nil {
					return err
				}
			case before.Value == x.value && before.Note == x.Note:
				continue
			default:
				after := Target{Year: year, Metric: x.Metric, Value: x.value, Note: x.Note, Updated: now, Version: before.Version + 1}
				if _, err := tx.ExecContext(ctx, `UPDATE stats_targets SET value = ?, note = ?, updated_at = ?, updated_by = ?, version = version + 1
					WHERE year = ? AND metric = ? AND version = ?`, x.value, x.Note, now, nullID(p.UserID), year, string(x.Metric), before.Version); err != nil {
					return err
				}
				if err := account.Audit(ctx, tx, p, "stats.target_set", "stats_target", id, "", before, after); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// progress returns the targets of a year with what the facts show.
func (s *Service) progress(ctx context.Context, fs *Facts, year int) ([]Progress, error) {
	ts, err := s.Targets(ctx, year)
	if err != nil {
		return nil, err
	}
	out := make([]Progress, 0, len(ts))
	for _, t := range ts {
		out = append(out, ProgressOf(t, fs, fs.Today.Y, int(fs.Today.M)))
	}
	return out, s.recorded(ctx, out, fs)
}

// ProgressOf computes the progress of a target from the facts, on a day in
// (year, month): the months left count the current month.
func ProgressOf(t Target, fs *Facts, year, month int) Progress {
	p := Progress{Target: t}
	switch t.Metric {
	case MetricProducts, MetricFiveStar:
		p.Known = true
		for _, f := range fs.Products {
			c := f.First()
			if t.Metric == MetricFiveStar {
				c = f.FirstFive()
			}
			if c != nil && c.Issued.Y == t.Year && !c.Issued.After(fs.Today) {
				p.Actual++
			}
		}
	}
	if !p.Known {
		return p
	}
	p.finish(year, month)
	return p
}

// finish computes the gap, percentage, months left and pace of a known
// target on a day in (year, month).
func (p *Progress) finish(year, month int) {
	t := p.Target
	p.Gap = math.Max(0, t.Value-p.Actual)
	if t.Value > 0 {
		p.Percent = math.Min(999, math.Round(p.Actual/t.Value*1000)/10)
	}
	switch {
	case t.Year == year:
		p.MonthsLeft = 12 - month + 1
	case t.Year > year:
		p.MonthsLeft = 12 + 12*(t.Year-year-1) + (12 - month + 1)
	}
	if p.MonthsLeft > 0 {
		p.Pace = math.Ceil(p.Gap/float64(p.MonthsLeft)*10) / 10
	}
}

// recorded fills in the targets that other modules' records measure —
// sale points operating and the share of valid products with a traced lot
// — for the current year, when their sources are wired.
func (s *Service) recorded(ctx context.Context, ps []Progress, fs *Facts) error {
	for i := range ps {
		p := &ps[i]
		if p.Known || p.Year != fs.Today.Y {
			continue
		}
		switch p.Metric {
		case MetricSalePoints:
			points, err := s.salePoints(ctx)
			if err != nil || points == nil {
				return err
			}
			for c, n := range points {
				if fs.Scope.Covers(c) {
					p.Actual += float64(n)
				}
			}
		case MetricTraceable:
			if s.Sources.Traceable == nil {
				continue
			}
			traced, err := s.Sources.Traceable(ctx)
			if err != nil {
				return fmt.Errorf("traceable products: %w", err)
			}
			valid, withLot := 0, 0
			for _, f := range fs.Products {
				if f.Current(fs.Today) != nil {
					valid++
					if traced[f.ProductID] {
						withLot++
					}
				}
			}
			if valid > 0 {
				p.Actual = math.Round(float64(withLot)/float64(valid)*1000) / 10
			}
		default:
			continue
		}
		p.Known = true
		p.finish(fs.Today.Y, int(fs.Today.M))
	}
	return nil
}

// TargetProgress returns the targets of a year with their progress over
// p's scope.
func (s *Service) TargetProgress(ctx context.Context, p *account.Principal, year int) ([]Progress, error) {
	sc, err := ScopeOf(p)
	if err != nil {
		return nil, err
	}
	fs, err := s.LoadFacts(ctx, sc)
	if err != nil {
		return nil, err
	}
	return s.progress(ctx, fs, year)
}
