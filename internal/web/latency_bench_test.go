package web_test

import (
	"net/http"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/demo"
)

// BenchmarkLatency measures the back-office list page and the product
// search on the Hanoi demo data through the real handler tree, and reports
// p50/p95 request latencies (ms) next to ns/op. Run:
//
//	go test ./internal/web -run '^$' -bench Latency -benchtime 300x
func BenchmarkLatency(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	for _, eng := range engines {
		e := apptest.New(b, eng)
		if _, err := demo.Load(e.Ctx(), e.App.DB, e.App.Ref, e.App.Accounts, e.App.Registry, demo.Options{Seed: 1, Now: e.Clock.Now()}); err != nil {
			b.Fatal(err)
		}
		office := e.Login(e.User(account.RoleOffice))
		officer := e.Login(e.User(account.RoleCommune, "00577"))
		anon := e.Anon()
		queries := []string{"gom bat trang", "lua van phuc", "duc dong ngu xa", "tra sen", "mat ong", "banh", "gao", "sua ba vi"}
		pages := []string{"1", "2", "10", "40", "66"}
		for _, c := range []struct {
			name string
			get  func(i int) *apptest.Response
		}{
			{"ProducerList/office", func(i int) *apptest.Response { return office.Get("/admin/producers?page=" + pages[i%len(pages)]) }},
			{"ProductList/office", func(i int) *apptest.Response { return office.Get("/admin/products?page=" + pages[i%len(pages)]) }},
			{"ProductList/commune", func(i int) *apptest.Response { return officer.Get("/admin/products") }},
			{"ProductSearch/office", func(i int) *apptest.Response {
				return office.Get("/admin/products?q=" + url.QueryEscape(queries[i%len(queries)]))
			}},
			{"Search/public", func(i int) *apptest.Response {
				return anon.Get("/search?q=" + url.QueryEscape(queries[i%len(queries)]))
			}},
			{"Search/api", func(i int) *apptest.Response {
				return anon.Get("/api/v1/products?q=" + url.QueryEscape(queries[i%len(queries)]))
			}},
		} {
			b.Run(string(eng)+"/"+c.name, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for i := 0; i < b.N; i++ {
					start := time.Now()
					r := c.get(i)
					lat = append(lat, time.Since(start))
					if r.Status != http.StatusOK {
						b.Fatalf("status %d", r.Status)
					}
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
				b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*95/100)]), "p95-ms")
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
