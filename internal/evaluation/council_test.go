package evaluation_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// roundWorld is a provincial round with products over several scorecards
// and a council of scoring members, built directly in the database so
// that these tests and benchmarks do not depend on the dossier pages.
type roundWorld struct {
	e        *apptest.Env
	round    int64
	office   *account.Principal
	members  []*account.Principal // members[0] chairs
	products []int64              // product ids, cycling over categories
	category map[int64]string
	sets     map[string]*evaluation.CriteriaSet // category → active set
}

// benchCategories spread a round over five scorecards: fresh produce (1),
// processed fruit (7), white spirits (14), handicrafts (21) and tourism
// (26, with its alternative cases).
var benchCategories = []string{"I.1.a", "I.3.c", "II.1.a", "IV.1", "VI.1"}

func newRoundWorld(tb testing.TB, e *apptest.Env, members, products int) *roundWorld {
	tb.Helper()
	w := &roundWorld{e: e, category: map[int64]string{}, sets: map[string]*evaluation.CriteriaSet{}}
	ctx := e.Ctx()
	var err error
	w.round, err = db.Insert(ctx, e.App.DB, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('province', 2026, 2, 'Đợt 2 năm 2026', '2026-10-30', '2026-12-30', FALSE, 'open', ?, 1)`, e.Clock.Now().UTC())
	if err != nil {
		tb.Fatal(err)
	}
	office, err := e.App.Accounts.UserByName(ctx, e.User(account.RoleOffice))
	if err != nil {
		tb.Fatal(err)
	}
	w.office = &account.Principal{UserID: office.ID, Username: office.Username, Role: account.RoleOffice}
	for i := 0; i < members; i++ {
		u, err := e.App.Accounts.UserByName(ctx, e.User(account.RoleCouncil))
		if err != nil {
			tb.Fatal(err)
		}
		w.members = append(w.members, &account.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: account.RoleCouncil})
	}
	for _, cat := range benchCategories {
		c, _ := e.App.Registry.Categories().Get(cat)
		var id int64
		if err := e.App.DB.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE set_no = ? AND status = 'active'", c.ScorecardSet).Scan(&id); err != nil {
			tb.Fatal(err)
		}
		if w.sets[cat], err = e.App.Evaluation.Scorecards().GetSet(ctx, w.office, id); err != nil {
			tb.Fatal(err)
		}
	}
	communes := []string{"00577", "00008", "00004"}
	for i := 0; i < products; i++ {
		cat := benchCategories[i%len(benchCategories)]
		p := e.Producer(fmt.Sprintf("HTX %d", i), communes[i%len(communes)])
		x := e.Product(p.ID, fmt.Sprintf("Sản phẩm %d", i), cat)
		w.products = append(w.products, x.ID)
		w.category[x.ID] = cat
	}
	return w
}

// dossiers inserts n accepted dossiers, cycling over the products.
func (w *roundWorld) dossiers(tb testing.TB, n int) []int64 {
	tb.Helper()
	ctx := w.e.Ctx()
	ids := make([]int64, 0, n)
	err := w.e.App.DB.InTx(ctx, func(tx *db.Tx) error {
		now := w.e.Clock.Now().UTC()
		for i := 0; i < n; i++ {
			pid := w.products[i%len(w.products)]
			var producer int64
			var commune string
			if err := tx.QueryRowContext(ctx, "SELECT p.producer_id, pr.commune_code FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = ?", pid).
				Scan(&producer, &commune); err != nil {
				return err
			}
			id, err := db.Insert(ctx, tx, `INSERT INTO dossiers (product_id, producer_id, commune_code, kind, state, criteria_set_id, form01, form02,
				changes, updates, filed_on, commune_due, return_items, return_due, reject_reason, commune_report, samples, proposed_on, complete_on,
				created_at, updated_at, version) VALUES (?, ?, ?, 'first', 'accepted', ?, '{}', '{}', '{}', '{}', '2026-09-01', '2026-09-22', '', '', '', '{}',
				5, '2026-09-15', '2026-09-20', ?, ?, 1)`, pid, producer, commune, w.sets[w.category[pid]].ID, now, now)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

// council forms a council of all the members (the first chairs) and
// assigns the dossiers.
func (w *roundWorld) council(tb testing.TB, dossiers []int64) int64 {
	tb.Helper()
	ctx, ev := w.e.Ctx(), w.e.App.Evaluation
	c, err := ev.CreateCouncil(ctx, w.office, evaluation.CouncilInput{RoundID: w.round, Name: fmt.Sprintf("Hội đồng %d", time.Now().UnixNano()),
		DecisionNo: "1/QĐ-UBND", FormedOn: "2026-11-02", ChairID: w.members[0].UserID, ChairDepartment: "people_committee"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range w.members[1:] {
		if err := ev.SetCouncilMember(ctx, w.office, c.ID, evaluation.MemberInput{UserID: m.UserID, Role: "member", Department: "agri_env"}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := ev.AssignDossiers(ctx, w.office, c.ID, dossiers); err != nil {
		tb.Fatal(err)
	}
	return c.ID
}

// scoreAll fills in and submits every member's sheet on every dossier
// with bulk inserts: options drawn at random around the upper half of
// each criterion (one case per sheet on set 26), as a council would.
func (w *roundWorld) scoreAll(tb testing.TB, council int64, dossiers []int64, rng *rand.Rand) {
	tb.Helper()
	ctx := w.e.Ctx()
	setOf := map[int64]*evaluation.CriteriaSet{}
	rows, err := w.e.App.DB.QueryContext(ctx, "SELECT id, criteria_set_id FROM dossiers WHERE id IN ("+db.Placeholders(len(dossiers))+")", anys(dossiers)...)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id, set int64
		if err := rows.Scan(&id, &set); err != nil {
			tb.Fatal(err)
		}
		for _, s := range w.sets {
			if s.ID == set {
				setOf[id] = s
			}
		}
	}
	rows.Close()
	now := w.e.Clock.Now().UTC()
	var scoreRows, sheetRows []string
	var scoreArgs, sheetArgs []any
	flush := func(tx *db.Tx, force bool) error {
		if len(scoreRows) >= 400 || (force && len(scoreRows) > 0) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scores (council_id, dossier_id, member_id, criterion_id, option_id, points, gate_hit, updated_at, version)
				VALUES `+strings.Join(scoreRows, ","), scoreArgs...); err != nil {
				return err
			}
			scoreRows, scoreArgs = scoreRows[:0], scoreArgs[:0]
		}
		if len(sheetRows) >= 400 || (force && len(sheetRows) > 0) {
			if _, err := tx.ExecContext(ctx, "INSERT INTO score_sheets (council_id, dossier_id, member_id, total, submitted_at) VALUES "+strings.Join(sheetRows, ","), sheetArgs...); err != nil {
				return err
			}
			sheetRows, sheetArgs = sheetRows[:0], sheetArgs[:0]
		}
		return nil
	}
	err = w.e.App.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, d := range dossiers {
			set := setOf[d]
			for _, m := range w.members {
				total, kase := 0, 1+rng.IntN(2)
				var err error
				set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
					var opts []evaluation.Option
					for _, o := range c.Options {
						if o.Case == 0 || o.Case == kase {
							opts = append(opts, o)
						}
					}
					o := opts[len(opts)/2+rng.IntN(len(opts)-len(opts)/2)]
					pts := o.Points.Value
					total += pts
					scoreRows = append(scoreRows, "(?, ?, ?, ?, ?, ?, FALSE, ?, 1)")
					scoreArgs = append(scoreArgs, council, d, m.UserID, c.ID, o.ID, pts, now)
					if err == nil {
						err = flush(tx, false)
					}
				})
				if err != nil {
					return err
				}
				sheetRows = append(sheetRows, "(?, ?, ?, ?, ?)")
				sheetArgs = append(sheetArgs, council, d, m.UserID, total, now)
			}
		}
		return flush(tx, true)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// Closing is one transaction per council: when one dossier's result cannot
// be computed (here a submitted sheet lost a criterion), nothing changes —
// no result, no state change, the council still scoring.
func TestCloseCouncilAllOrNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newRoundWorld(t, e, 3, 5)
		ds := w.dossiers(t, 5)
		cid := w.council(t, ds)
		w.scoreAll(t, cid, ds, rand.New(rand.NewPCG(1, 2)))
		if _, err := e.App.DB.ExecContext(e.Ctx(), `DELETE FROM scores WHERE council_id = ? AND dossier_id = ? AND member_id = ?
			AND criterion_id = (SELECT MIN(criterion_id) FROM scores WHERE council_id = ? AND dossier_id = ?)`, cid, ds[3], w.members[1].UserID, cid, ds[3]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Evaluation.CloseCouncil(e.Ctx(), w.members[0], cid, false); err == nil {
			t.Fatal("close with a broken sheet: no error")
		}
		var results, moved int
		var status string
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT (SELECT COUNT(*) FROM results), (SELECT COUNT(*) FROM dossiers WHERE state <> 'in_council'),
			(SELECT status FROM councils WHERE id = ?)`, cid).Scan(&results, &moved, &status); err != nil {
			t.Fatal(err)
		}
		if results != 0 || moved != 0 || status != evaluation.CouncilScoring {
			t.Errorf("a failed close left %d results, %d dossiers moved, council %s; want 0, 0, scoring", results, moved, status)
		}
		// Only the chair closes.
		if _, err := e.App.Evaluation.CloseCouncil(e.Ctx(), w.members[1], cid, false); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a member closes: got %v, want forbidden", err)
		}
	})
}

// A whole round closes with every dossier scored, each result consistent
// with its sheets.
func TestCloseCouncilRound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newRoundWorld(t, e, 5, 10)
		ds := w.dossiers(t, 20)
		cid := w.council(t, ds)
		w.scoreAll(t, cid, ds, rand.New(rand.NewPCG(3, 4)))
		rep, err := e.App.Evaluation.CloseCouncil(e.Ctx(), w.members[0], cid, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Dossiers != 20 || len(rep.Absent) != 0 {
			t.Errorf("got report %+v, want 20 dossiers, nobody absent", rep)
		}
		rows, err := e.App.DB.QueryContext(e.Ctx(), `SELECT r.mean, r.members, r.band, r.star,
			(SELECT AVG(CAST(total AS REAL)) FROM score_sheets h WHERE h.council_id = r.council_id AND h.dossier_id = r.dossier_id), d.state
			FROM results r JOIN dossiers d ON d.id = r.dossier_id WHERE r.council_id = ?`, cid)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var mean, avg float64
			var members, band, star int
			var state string
			if err := rows.Scan(&mean, &members, &band, &star, &avg, &state); err != nil {
				t.Fatal(err)
			}
			n++
			if members != 5 || state != "scored" || fmt.Sprintf("%.6f", mean) != fmt.Sprintf("%.6f", avg) || evaluation.Star(band) != evaluation.Band(mean) || star > band {
				t.Errorf("result: mean %v (sheets %v) members %d band %d star %d state %s", mean, avg, members, band, star, state)
			}
		}
		if n != 20 {
			t.Errorf("got %d results, want 20", n)
		}
	})
}

// BenchmarkCloseRound600x7 measures the chair closing a round of 600
// dossiers over five scorecards, each scored by 7 members: reading
// 600 × 7 sheets (about 135,000 answers), computing every result and
// storing it with the dossier's state change, event and audit row, in one
// transaction. Run:
//
//	go test ./internal/evaluation -run '^$' -bench CloseRound600x7 -benchtime 3x
//
// with OCOP_TEST_POSTGRES_URL set to measure PostgreSQL as well.
func BenchmarkCloseRound600x7(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			b.StopTimer()
			e := apptest.New(b, eng)
			w := newRoundWorld(b, e, 7, 60)
			rng := rand.New(rand.NewPCG(7, 600))
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ds := w.dossiers(b, 600)
				cid := w.council(b, ds)
				w.scoreAll(b, cid, ds, rng)
				b.StartTimer()
				start := time.Now()
				rep, err := e.App.Evaluation.CloseCouncil(e.Ctx(), w.members[0], cid, false)
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Dossiers != 600 {
					b.Fatalf("closed %d dossiers, want 600", rep.Dossiers)
				}
			}
			b.ReportMetric(float64(600*b.N)/total.Seconds(), "dossiers/s")
		})
	}
}

// The Ministry's council (Điều 7.4) takes the dossiers the province
// proposed for 5★ (to_ministry → central), and its result is the central
// outcome: 5★ certified by the Minister, or 3★/4★ the province may certify.
func TestCentralCouncil(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newRoundWorld(t, e, 3, 2)
		var err error
		if w.round, err = db.Insert(e.Ctx(), e.App.DB, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
			VALUES ('ministry', 2027, 2, 'Đợt 2 năm 2027 (trung ương)', '2027-01-30', '2027-03-30', FALSE, 'open', ?, 1)`, e.Clock.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		ds := w.dossiers(t, 2)
		// An accepted dossier is not a central council's to take.
		c, err := e.App.Evaluation.CreateCouncil(e.Ctx(), w.office, evaluation.CouncilInput{RoundID: w.round, Name: "Hội đồng trung ương",
			DecisionNo: "99/QĐ-BNNMT", FormedOn: "2026-11-20", ChairID: w.members[0].UserID, ChairDepartment: "ministry"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Level != evaluation.LevelMinistry {
			t.Fatalf("council level %s, want ministry", c.Level)
		}
		if err := e.App.Evaluation.AssignDossiers(e.Ctx(), w.office, c.ID, ds); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("an accepted dossier before a central council: got %v, want conflict", err)
		}
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE dossiers SET state = 'to_ministry' WHERE id IN (?, ?)", ds[0], ds[1]); err != nil {
			t.Fatal(err)
		}
		for _, m := range w.members[1:] {
			if err := e.App.Evaluation.SetCouncilMember(e.Ctx(), w.office, c.ID, evaluation.MemberInput{UserID: m.UserID, Role: "member", Department: "ministry"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.App.Evaluation.AssignDossiers(e.Ctx(), w.office, c.ID, ds); err != nil {
			t.Fatal(err)
		}
		w.scoreAll(t, c.ID, ds, rand.New(rand.NewPCG(5, 6)))
		if _, err := e.App.Evaluation.CloseCouncil(e.Ctx(), w.members[0], c.ID, false); err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			v, err := e.App.Evaluation.DossierResult(e.Ctx(), w.office, d, 0)
			if err != nil {
				t.Fatal(err)
			}
			r := v.Result
			want := evaluation.CentralOutcome(r.Gate)
			if r.Level != evaluation.LevelMinistry || r.Outcome != want {
				t.Errorf("dossier %d: level %s outcome %+v, want ministry %+v", d, r.Level, r.Outcome, want)
			}
			var from string
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT from_state FROM dossier_events WHERE dossier_id = ? AND to_state = 'scored'", d).Scan(&from); err != nil || from != "central" {
				t.Errorf("dossier %d closed from %q (err %v), want central", d, from, err)
			}
		}
	})
}
