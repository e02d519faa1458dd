package stamp_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
)

// certified makes a product of a new producer in commune with a
// certificate valid today.
func certified(tb testing.TB, e *apptest.Env, name, commune, number string) registry.Product {
	tb.Helper()
	p := e.Producer("HTX "+name, commune)
	x := e.Product(p.ID, name, "IV.1")
	issued, _ := evaluation.ParseDate("2026-05-12")
	if _, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on,
			rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
		VALUES (?, ?, ?, 4, FALSE, ?, ?, '1489', 'province', '', '', '', '', '', ?, 1)`,
		number, x.ID, x.ProducerID, issued, evaluation.Expiry(issued), e.Clock.Now().UTC()); err != nil {
		tb.Fatal(err)
	}
	return x
}

func firstSerial(tb testing.TB, e *apptest.Env, code string) string {
	tb.Helper()
	var s string
	if _, err := e.App.Stamps.Codes(e.Ctx(), e.Admin(), code, func(c stamp.Code) error {
		if s == "" {
			s = c.Serial
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return s
}

// Figures counts what the statistics pages show, per commune and period,
// on both engines.
func TestFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx, s, admin := e.Ctx(), e.App.Stamps, e.Admin()
		a := certified(t, e, "Gốm A", "00577", "1/GCN-OCOP-01-2026")
		b := certified(t, e, "Lụa B", "00008", "2/GCN-OCOP-01-2026")
		ba, err := s.Issue(ctx, admin, stamp.BatchInput{ProductID: a.ID, Count: 100})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, admin, stamp.BatchInput{ProductID: b.ID, Count: 40}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Activate(ctx, admin, ba.Code); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Deactivate(ctx, admin, ba.Code, stamp.Deactivation{From: 1, To: 10, Reason: "mất"}); err != nil {
			t.Fatal(err)
		}
		serial := firstSerial(t, e, ba.Code)
		c := stamp.Client{Fingerprint: "f1"}
		for _, in := range []string{serial, serial, stamp.NewSerial(), "garbage"} {
			if _, err := s.Verify(ctx, in, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Report(ctx, stamp.ReportInput{Serial: serial, Place: "Chợ", Client: "f1"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Scans().Flush(ctx); err != nil {
			t.Fatal(err)
		}
		now := e.Clock.Now()
		from, to := now.Add(-time.Hour), now.Add(time.Hour)
		for _, tt := range []struct {
			name     string
			communes []string
			from, to time.Time
			want     stamp.Figures
		}{
			// Scans of a deactivated stamp raise a "deactivated" alert each
			// (one alert, two hits); the two unknowns one unknown-serial
			// alert each (the garbage one under the empty serial).
			{"all", nil, from, to, stamp.Figures{BatchesIssued: 2, StampsIssued: 140, StampsActive: 90, Scans: 4, ScansUnknown: 2, AlertsOpen: 3, Reports: 1}},
			{"Bát Tràng", []string{"00577"}, from, to, stamp.Figures{BatchesIssued: 1, StampsIssued: 100, StampsActive: 90, Scans: 2, AlertsOpen: 1, Reports: 1}},
			{"the other commune", []string{"00008"}, from, to, stamp.Figures{BatchesIssued: 1, StampsIssued: 40}},
			{"no commune", []string{}, from, to, stamp.Figures{}},
			{"an earlier period", nil, from.Add(-48 * time.Hour), from, stamp.Figures{}},
		} {
			got, err := s.Figures(ctx, tt.communes, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
			}
		}
	})
}

// A full queue drops scans (counted) instead of slowing the request;
// a flush writes what was queued.
func TestScanWriterBounded(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	s := stamp.New(stamp.Deps{DB: e.App.DB, Accounts: e.App.Accounts, Registry: e.App.Registry, Evaluation: e.App.Evaluation,
		Now: e.Clock.Now, Options: stamp.Options{ScanBuffer: 3}})
	for i := 0; i < 5; i++ {
		if _, err := s.Verify(e.Ctx(), stamp.NewSerial(), stamp.Client{Fingerprint: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if s.Scans().Dropped() != 2 || s.Scans().Pending() != 3 {
		t.Errorf("dropped %d, pending %d; want 2 and 3", s.Scans().Dropped(), s.Scans().Pending())
	}
	if err := s.Scans().Flush(e.Ctx()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM stamp_scans").Scan(&n); err != nil || n != 3 {
		t.Errorf("logged %d scans, %v; want 3", n, err)
	}
}

// BenchmarkIssueMillion issues 1,000,000 serials into the database, on
// SQLite and (with OCOP_TEST_POSTGRES_URL) PostgreSQL. Target ≤ 10 s.
//
//	go test -run XXX -bench IssueMillion -benchtime 1x ./internal/stamp
func BenchmarkIssueMillion(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			e := apptest.New(b, eng)
			x := certified(b, e, "Gốm", "00577", "1/GCN-OCOP-01-2026")
			for b.Loop() {
				start := time.Now()
				bt, err := e.App.Stamps.Issue(e.Ctx(), e.Admin(), stamp.BatchInput{ProductID: x.ID, Count: issueCount()})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/1M-serials")
				var n int
				if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM stamps WHERE batch_id = (SELECT id FROM stamp_batches WHERE code = ?)", bt.Code).Scan(&n); err != nil || n != issueCount() {
					b.Fatalf("stored %d serials, %v", n, err)
				}
			}
		})
	}
}

// issueCount is the size of the benchmark's batch: 1,000,000, or
// OCOP_STAMP_BENCH_COUNT for a quicker look.
func issueCount() int {
	if n, err := strconv.Atoi(os.Getenv("OCOP_STAMP_BENCH_COUNT")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// The scan figures of a period add whole days from the daily counts and
// the partial days at either end from the log: for periods starting and
// ending at every hour of several days of scans, in a commune and in all,
// they equal a count of the log itself.
func TestFiguresDailyCounts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx, s, admin := e.Ctx(), e.App.Stamps, e.Admin()
		a := certified(t, e, "Gốm A", "00577", "1/GCN-OCOP-01-2026")
		ba, err := s.Issue(ctx, admin, stamp.BatchInput{ProductID: a.ID, Count: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Activate(ctx, admin, ba.Code); err != nil {
			t.Fatal(err)
		}
		serial := firstSerial(t, e, ba.Code)
		start := e.Clock.Now()
		for i := range 40 {
			// Every 3 h 17 min over five and a half days; one unknown
			// code in four, each from its own client.
			in := serial
			if i%4 == 3 {
				in = stamp.NewSerial()
			}
			if _, err := s.Verify(ctx, in, stamp.Client{Fingerprint: fmt.Sprint("c", i)}); err != nil {
				t.Fatal(err)
			}
			if i%7 == 0 {
				if err := s.Scans().Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			e.Clock.Advance(3*time.Hour + 17*time.Minute)
		}
		if err := s.Scans().Flush(ctx); err != nil {
			t.Fatal(err)
		}
		logged := func(communes []string, from, to time.Time) (n, unknown int) {
			q := "SELECT COUNT(*), COALESCE(SUM(CASE WHEN verdict = 'unknown' THEN 1 ELSE 0 END), 0) FROM stamp_scans WHERE at >= ? AND at < ?"
			args := []any{from.UTC(), to.UTC()}
			if communes != nil {
				q += " AND commune_code = ?"
				args = append(args, communes[0])
			}
			if err := e.App.DB.QueryRowContext(ctx, q, args...).Scan(&n, &unknown); err != nil {
				t.Fatal(err)
			}
			return n, unknown
		}
		total := 0
		for h := -5; h < 24*6; h += 5 {
			for _, length := range []time.Duration{30 * time.Minute, 20 * time.Hour, 49 * time.Hour, 130 * time.Hour} {
				from := start.Add(time.Duration(h) * time.Hour)
				to := from.Add(length)
				for _, communes := range [][]string{nil, {"00577"}} {
					got, err := s.Figures(ctx, communes, from, to)
					if err != nil {
						t.Fatal(err)
					}
					n, unknown := logged(communes, from, to)
					if got.Scans != n || got.ScansUnknown != unknown {
						t.Fatalf("%v %s–%s: %d scans (%d unknown), the log has %d (%d)", communes, from, to, got.Scans, got.ScansUnknown, n, unknown)
					}
					total += n
				}
			}
		}
		if total == 0 {
			t.Fatal("no period held a scan")
		}
	})
}
