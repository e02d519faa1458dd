// Package stamp issues serialised OCOP stamps (QR codes), prints them,
// verifies them for consumers and detects counterfeits.
//
// It owns the tables stamp_batches, stamps, stamp_scans, stamp_alerts and
// stamp_reports, and imports account, registry and evaluation (a batch is
// issued only for a product whose certificate is valid). Verification is
// the hot path: one indexed read and a cache of product views; the scan is
// handed to a batched writer (ScanWriter) without waiting.
package stamp

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"ocop/internal/account"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// Deps are what the service is built from.
type Deps struct {
	DB         *db.DB
	Accounts   *account.Service
	Registry   *registry.Service
	Evaluation *evaluation.Service
	Log        *slog.Logger
	Now        func() time.Time
	// Options tune quotas and rules; zero fields take DefaultOptions.
	Options Options
}

// Options are the configurable limits of the stamp service.
type Options struct {
	// Quota is the number of stamps a producer may issue for one product
	// over all its batches (Hanoi subsidises up to 2,000 per product). The
	// programme office is not limited by it.
	Quota int
	// MaxBatch is the largest batch one request may issue.
	MaxBatch int
	// Rules are the counterfeit rule thresholds.
	Rules Rules
	// ViewTTL is how long a product's verification view (name, stars,
	// certificate status) is cached. A revocation shows on every stamp
	// within this time.
	ViewTTL time.Duration
	// ScanBuffer is the capacity of the scan writer's queue; scans that
	// find it full are dropped and counted (ScanWriter.Dropped).
	ScanBuffer int
	// FlushEvery is the longest time a scan waits in the writer.
	FlushEvery time.Duration
}

// DefaultOptions are the limits used when none are configured.
func DefaultOptions() Options {
	return Options{
		Quota:      2000,
		MaxBatch:   1_000_000,
		Rules:      DefaultRules(),
		ViewTTL:    10 * time.Second,
		ScanBuffer: 65536,
		FlushEvery: 500 * time.Millisecond,
	}
}

// Service is the stamp service.
type Service struct {
	Deps
	opt Options

	viewMu  sync.Mutex
	views   map[int64]cachedView
	batches map[int64]batchInfo
	lotFunc atomic.Pointer[LotFunc]

	writer *ScanWriter
	guard  *guard
	fpKey  [32]byte
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	o, def := d.Options, DefaultOptions()
	if o.Quota <= 0 {
		o.Quota = def.Quota
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = def.MaxBatch
	}
	if o.ViewTTL == 0 {
		o.ViewTTL = def.ViewTTL
	}
	if o.ScanBuffer <= 0 {
		o.ScanBuffer = def.ScanBuffer
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = def.FlushEvery
	}
	o.Rules = o.Rules.withDefaults()
	s := &Service{Deps: d, opt: o, views: map[int64]cachedView{}, batches: map[int64]batchInfo{}}
	s.writer = newScanWriter(s)
	s.guard = newGuard(o.Rules)
	s.fpKey = newKey()
	return s
}

// Options returns the options in force.
func (s *Service) Options() Options { return s.opt }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// Figures are the stamp counts the statistics pages show.
type Figures struct {
	BatchesIssued, StampsIssued, StampsActive, Scans, ScansUnknown, AlertsOpen, Reports int
}

// Figures counts batches and stamps issued, stamps issued and active
// (activated and not deactivated), scans (and those of unknown serials),
// alerts still open and consumer reports in [from, to), for the producers
// of the given communes (nil: all). Stamps count by issue time, scans,
// alerts and reports by their own time. Scans of unknown serials belong to
// no commune and count only when communes is nil.
func (s *Service) Figures(ctx context.Context, communes []string, from, to time.Time) (Figures, error) {
	var f Figures
	from, to = from.UTC(), to.UTC()
	in := func(col string) (string, []any) {
		if communes == nil {
			return "", nil
		}
		if len(communes) == 0 {
			return " AND 1 = 0", nil
		}
		args := make([]any, len(communes))
		for i, c := range communes {
			args[i] = c
		}
		return " AND " + col + " IN (" + db.Placeholders(len(args)) + ")", args
	}
	cond, cargs := in("commune_code")
	q := func(sql string, dst ...any) error {
		args := append([]any{from, to}, cargs...)
		return s.DB.QueryRowContext(ctx, sql+cond, args...).Scan(dst...)
	}
	if err := q(`SELECT COUNT(*), COALESCE(SUM(count), 0) FROM stamp_batches WHERE created_at >= ? AND created_at < ?`, &f.BatchesIssued, &f.StampsIssued); err != nil {
		return f, err
	}
	// Active stamps: those of active batches not deactivated one by one.
	if err := q(`SELECT COALESCE(SUM(b.count - (SELECT COUNT(*) FROM stamps st WHERE st.batch_id = b.id AND st.deactivated_at IS NOT NULL)), 0)
		FROM stamp_batches b WHERE b.status = 'active' AND b.created_at >= ? AND b.created_at < ?`, &f.StampsActive); err != nil {
		return f, err
	}
	// Scans: whole UTC days from the daily counts, the partial days at
	// either end from the log (at most two days of rows, by index).
	dayOf := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	first, last := dayOf(from), dayOf(to)
	if first.Before(from) {
		first = first.AddDate(0, 0, 1)
	}
	logged := func(a, b time.Time) error {
		if !a.Before(b) {
			return nil
		}
		var n, unknown int
		args := append([]any{a, b}, cargs...)
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN verdict = 'unknown' THEN 1 ELSE 0 END), 0)
			FROM stamp_scans WHERE at >= ? AND at < ?`+cond, args...).Scan(&n, &unknown); err != nil {
			return err
		}
		f.Scans, f.ScansUnknown = f.Scans+n, f.ScansUnknown+unknown
		return nil
	}
	if !first.Before(last) {
		if err := logged(from, to); err != nil {
			return f, err
		}
	} else {
		if err := logged(from, first); err != nil {
			return f, err
		}
		if err := logged(last, to); err != nil {
			return f, err
		}
		var n, unknown int
		args := append([]any{first.Format("2006-01-02"), last.Format("2006-01-02")}, cargs...)
		if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(SUM(scans), 0), COALESCE(SUM(CASE WHEN verdict = 'unknown' THEN scans ELSE 0 END), 0)
			FROM stamp_scan_days WHERE day >= ? AND day < ?`+cond, args...).Scan(&n, &unknown); err != nil {
			return f, err
		}
		f.Scans, f.ScansUnknown = f.Scans+n, f.ScansUnknown+unknown
	}
	if err := q(`SELECT COUNT(*) FROM stamp_alerts WHERE status = 'open' AND created_at >= ? AND created_at < ?`, &f.AlertsOpen); err != nil {
		return f, err
	}
	if err := q(`SELECT COUNT(*) FROM stamp_reports WHERE at >= ? AND at < ?`, &f.Reports); err != nil {
		return f, err
	}
	return f, nil
}
