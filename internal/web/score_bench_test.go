package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// BenchmarkScoringPage measures the scoring workspace for one member
// through the real handler tree: the page of a set-7 dossier half scored
// (32 criteria, 103 options), and the save of one answer as score.js sends
// it. It reports p50/p95 request latencies (ms) next to ns/op. Run:
//
//	go test ./internal/web -run '^$' -bench ScoringPage -benchtime 300x
func BenchmarkScoringPage(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	for _, eng := range engines {
		e := apptest.New(b, eng)
		w := newCouncilWorld(b, e)
		// A realistic council: 40 dossiers before it, the member half way
		// through this one.
		ds := []int64{w.dossier}
		for i := 0; i < 39; i++ {
			d, _, _ := councilTestDossier(b, e, "00577", "I.3.c", evaluation.DossierFirst)
			ds = append(ds, d)
		}
		cid := w.council(b, false, ds...)
		set := councilTestSet(b, e, w.dossier)
		path := councilScorePath(cid, w.dossier)
		m1 := e.Session(w.users["m1"])
		half := url.Values{}
		n := 0
		set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			if n++; n%2 == 0 {
				half.Set(fmt.Sprintf("c%d", c.ID), fmt.Sprint(c.Options[len(c.Options)-1].ID))
			}
		})
		if r := m1.PostForm(path+"/score", half); r.Status != http.StatusSeeOther {
			b.Fatalf("half a sheet: status %d\n%s", r.Status, r.Body)
		}
		c63 := councilCrit(b, set, "6.3")
		var version, current int
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT COALESCE(MAX(s.version), 0), COALESCE(MAX(o.position), 0) FROM scores s
			JOIN criteria_options o ON o.id = s.option_id WHERE s.council_id = ? AND s.criterion_id = ?`, cid, c63.ID).Scan(&version, &current); err != nil {
			b.Fatal(err)
		}
		office := e.Session(w.users["office"])
		for _, c := range []struct {
			name string
			do   func(i int) *apptest.Response
		}{
			{"ScoringPage/member", func(int) *apptest.Response { return m1.Get(path + "/score") }},
			{"ScoreSave/json", func(int) *apptest.Response {
				// Each save changes the answer, as a member clicking does.
				if current == 3 {
					current = 4
				} else {
					current = 3
				}
				o, _ := c63.Option(current)
				form := url.Values{"only": {itoa(c63.ID)}, fmt.Sprintf("c%d", c63.ID): {fmt.Sprint(o.ID)}, fmt.Sprintf("v%d", c63.ID): {fmt.Sprint(version)}}
				version++
				return postJSON(b, e, m1, path+"/score", form)
			}},
			{"CouncilPage/office", func(int) *apptest.Response { return office.Get("/admin/councils/" + itoa(cid)) }},
		} {
			b.Run(string(eng)+"/"+c.name, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for i := 0; i < b.N; i++ {
					start := time.Now()
					r := c.do(i)
					lat = append(lat, time.Since(start))
					if r.Status != http.StatusOK {
						b.Fatalf("status %d\n%s", r.Status, r.Body)
					}
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
				b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*95/100)]), "p95-ms")
			})
		}
	}
}
