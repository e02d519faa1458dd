package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// BenchmarkStatsDashboard measures the programme dashboard, the public
// summary and the report downloads at national scale — 20,000 products,
// 10,000 producers, their certificates (about 16,000 products certified,
// a third of them twice) and a stamp scan log — through the real handler
// tree, and reports p50/p95 latencies (ms). The scan log has 1,000,000
// rows by default; OCOP_BENCH_SCANS=10000000 generates the full
// 10 million (more than 30 minutes of generation on a 2-core machine: random-order inserts into the scan log.s five index
// maintenance). Run:
//
//	go test ./internal/web -run '^$' -bench StatsDashboard -benchtime 40x
//	OCOP_TEST_POSTGRES_URL=… OCOP_BENCH_SCANS=10000000 go test ./internal/web -run '^$' -bench StatsDashboard -benchtime 40x -timeout 60m
func BenchmarkStatsDashboard(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	scans := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("OCOP_BENCH_SCANS")); err == nil && v >= 0 {
		scans = v
	}
	for _, eng := range engines {
		e := apptest.New(b, eng)
		start := time.Now()
		n := genNational(b, e, 10_000, 20_000, scans)
		b.Logf("%s: generated %d producers, %d products, %d certificates, %d scans in %s", eng, 10_000, 20_000, n, scans, time.Since(start).Round(time.Millisecond))
		office := e.Login(e.User(account.RoleOffice))
		officer := e.Login(e.User(account.RoleCommune, "00577"))
		anon := e.Anon()
		year := strconv.Itoa(e.Clock.Now().Year())
		for _, c := range []struct {
			name string
			get  func() *apptest.Response
		}{
			{"Dashboard/office", func() *apptest.Response { return office.Get("/admin/stats") }},
			// After an edit the facts are read again (the cache's
			// fingerprint changed): the cold path.
			{"Dashboard/office-after-edit", func() *apptest.Response {
				if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE products SET version = version + 1 WHERE id = 1"); err != nil {
					b.Fatal(err)
				}
				return office.Get("/admin/stats")
			}},
			{"Dashboard/office-districts", func() *apptest.Response { return office.Get("/admin/stats?view=district") }},
			{"Dashboard/commune", func() *apptest.Response { return officer.Get("/admin/stats") }},
			{"Drill/p5", func() *apptest.Response { return office.Get("/admin/stats/products?level=p5") }},
			{"Summary/api", func() *apptest.Response { return anon.Get("/api/v1/stats/summary") }},
			{"Report/year-xlsx", func() *apptest.Response {
				return office.Get("/admin/stats/report?period=year&format=xlsx&year=" + year)
			}},
			{"Report/year-pdf", func() *apptest.Response { return office.Get("/admin/stats/report?period=year&format=pdf&year=" + year) }},
		} {
			b.Run(string(eng)+"/"+c.name, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					r := c.get()
					lat = append(lat, time.Since(t0))
					if r.Status != http.StatusOK {
						b.Fatalf("status %d", r.Status)
					}
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				ms := func(q float64) float64 {
					return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
				}
				b.ReportMetric(ms(0.50), "p50_ms")
				b.ReportMetric(ms(0.95), "p95_ms")
			})
		}
	}
}

// genNational writes the benchmark's records with multi-row INSERTs in
// one transaction per table, and returns the number of certificates.
func genNational(b *testing.B, e *apptest.Env, producers, products, scans int) int {
	b.Helper()
	ctx := e.Ctx()
	rng := rand.New(rand.NewPCG(8, 8))
	now := e.Clock.Now().UTC().Truncate(time.Second)
	today := evaluation.VietnamDate(now)
	wards := e.App.Registry.Units().WardsOf("01")
	var leaves []string
	for _, c := range e.App.Registry.Categories().Leaves() {
		if !strings.HasPrefix(c.Code, "VI") {
			leaves = append(leaves, c.Code)
		}
	}
	version := e.App.Registry.Categories().Version
	kinds := []string{"cooperative", "sme", "household", "cooperative_group", "farm"}
	insert := func(table string, cols []string, rows int, row func(i int) []any) {
		b.Helper()
		const batch = 400
		err := e.App.DB.InTx(ctx, func(tx *db.Tx) error {
			for from := 0; from < rows; from += batch {
				to := min(from+batch, rows)
				var sb strings.Builder
				args := make([]any, 0, (to-from)*len(cols))
				sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
				tuple := "(" + db.Placeholders(len(cols)) + ")"
				for i := from; i < to; i++ {
					if i > from {
						sb.WriteString(", ")
					}
					sb.WriteString(tuple)
					args = append(args, row(i)...)
				}
				if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Producers 1…n, products 1…m (fresh database: ids from 1).
	insert("producers", []string{"id", "kind", "name", "representative", "phone", "email", "website", "commune_code", "address_line", "latitude", "longitude",
		"women_led", "ethnic_minority_led", "workers_total", "workers_women", "workers_ethnic", "description", "status", "search_key", "created_at", "updated_at", "version"},
		producers, func(i int) []any {
			w := wards[rng.IntN(len(wards))]
			return []any{i + 1, kinds[rng.IntN(len(kinds))], fmt.Sprintf("Chủ thể %d", i+1), "Người đại diện", "0900000000", "", "", w.Code, "Thôn 1",
				20.6 + rng.Float64()*0.8, 105.3 + rng.Float64()*0.8, rng.IntN(3) == 0, false, 10, 5, 0, "", "active", fmt.Sprintf("chu the %d", i+1), now, now, 1}
		})
	insert("products", []string{"id", "code", "producer_id", "name", "name_en", "category_version", "category_code", "brand", "description", "description_en",
		"ingredients", "raw_material_area", "status", "search_key", "created_at", "updated_at", "version"},
		products, func(i int) []any {
			return []any{i + 1, fmt.Sprintf("BENCH-%06d", i+1), 1 + rng.IntN(producers), fmt.Sprintf("Sản phẩm %d", i+1), "", version, leaves[rng.IntN(len(leaves))],
				"", "", "", "", "", "active", fmt.Sprintf("san pham %d", i+1), now, now, 1}
		})
	// Rounds and decisions: two provincial rounds a year since 2019.
	type round struct {
		id, decision int64
		on           evaluation.Date
	}
	var rounds []round
	for y := 2019; y <= today.Y; y++ {
		for no, md := range [][2]int{{6, 28}, {12, 28}} {
			on := evaluation.NewDate(y, time.Month(md[0]), md[1])
			if on.After(today) {
				continue
			}
			rid, err := db.Insert(ctx, e.App.DB, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
				VALUES ('province', ?, ?, 'Đợt', '', '', false, 'closed', ?, 1)`, y, no+1, now)
			if err != nil {
				b.Fatal(err)
			}
			did, err := db.Insert(ctx, e.App.DB, `INSERT INTO decisions (number, decided_on, authority, signer, round_id, kind, created_at)
				VALUES (?, ?, 'province', 'X', ?, 'certify', ?)`, fmt.Sprintf("%d/QĐ-%d", no+1, y), on.String(), rid, now)
			if err != nil {
				b.Fatal(err)
			}
			rounds = append(rounds, round{rid, did, on})
		}
	}
	// About 80% of products certified; a third of those re-rated later.
	type cert struct {
		product, producer int
		star              int
		p5                bool
		round             round
		revoked           string
		superseded        int
	}
	var certs []cert
	producerOf := make([]int, products+1)
	if err := func() error {
		rows, err := e.App.DB.QueryContext(ctx, "SELECT id, producer_id FROM products")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, pr int
			if err := rows.Scan(&id, &pr); err != nil {
				return err
			}
			producerOf[id] = pr
		}
		return rows.Err()
	}(); err != nil {
		b.Fatal(err)
	}
	star := func() (int, bool) {
		switch x := rng.IntN(1000); {
		case x < 2:
			return 5, false
		case x < 9:
			return 4, true
		case x < 480:
			return 4, false
		}
		return 3, false
	}
	for p := 1; p <= products; p++ {
		if rng.IntN(10) >= 8 {
			continue
		}
		i := rng.IntN(len(rounds))
		s, p5 := star()
		c := cert{product: p, producer: producerOf[p], star: s, p5: p5, round: rounds[i]}
		if rng.IntN(250) == 0 {
			c.revoked = c.round.on.AddDays(200).String()
		}
		if j := i + 6; rng.IntN(3) == 0 && j < len(rounds) {
			c.superseded = len(certs) + 2
			certs = append(certs, c)
			s, p5 = star()
			c = cert{product: p, producer: producerOf[p], star: s, p5: p5, round: rounds[j]}
		}
		certs = append(certs, c)
	}
	insert("certificates", []string{"id", "number", "product_id", "producer_id", "decision_id", "star", "potential5", "issued_on", "expires_on", "rule_set",
		"authority", "revoked_on", "revoke_ground", "revoke_reason", "superseded_by", "created_at", "version"},
		len(certs), func(i int) []any {
			c := certs[i]
			return []any{i + 1, fmt.Sprintf("%d/GCN-BENCH", i+1), c.product, c.producer, c.round.decision, c.star, c.p5, c.round.on.String(),
				evaluation.Expiry(c.round.on).String(), "148", "province", c.revoked, "", "", nil, now, 1}
		})
	// A re-rated product's first certificate is superseded by the next
	// one (written after both exist: the foreign key is immediate).
	var sup []any
	for i, c := range certs {
		if c.superseded != 0 {
			sup = append(sup, i+1)
		}
	}
	for from := 0; from < len(sup); from += 500 {
		part := sup[from:min(from+500, len(sup))]
		if _, err := e.App.DB.ExecContext(ctx, "UPDATE certificates SET superseded_by = id + 1 WHERE id IN ("+db.Placeholders(len(part))+")", part...); err != nil {
			b.Fatal(err)
		}
	}
	if scans > 0 {
		insert("stamp_scans", []string{"at", "serial", "product_id", "producer_id", "commune_code", "verdict", "client"}, scans, func(i int) []any {
			p := 1 + rng.IntN(products)
			verdict := "ok"
			if rng.IntN(50) == 0 {
				verdict = "unknown"
			}
			return []any{now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour)))), fmt.Sprintf("S%09d", i), p, producerOf[p],
				wards[rng.IntN(len(wards))].Code, verdict, "c" + strconv.Itoa(rng.IntN(5000))}
		})
	}
	if e.App.DB.Dialect() == db.Postgres {
		for _, t := range []string{"producers", "products", "certificates", "rounds", "decisions", "stamp_scans"} {
			// VACUUM sets the visibility map (autovacuum's job in
			// production), so that index-only scans skip the heap.
			if _, err := e.App.DB.ExecContext(context.Background(), "VACUUM ANALYZE "+t); err != nil {
				b.Fatal(err)
			}
		}
		// Identity columns were written explicitly: move them on.
		for _, t := range []string{"producers", "products", "certificates"} {
			if _, err := e.App.DB.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT MAX(id) FROM "+t+"))"); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := e.App.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return len(certs)
}
