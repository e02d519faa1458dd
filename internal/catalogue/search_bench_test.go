package catalogue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/catalogue"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// benchProducts is the size of the generated catalogue.
const benchProducts = 100_000

var (
	benchMu   sync.Mutex
	benchEnvs = map[db.Dialect]*apptest.Env{}
)

// benchEnv returns a platform holding benchProducts generated products
// (Vietnamese names from realistic parts, 2,000 producers across Hanoi's
// communes, a valid certificate on about 40% of them), built once per
// engine and process.
func benchEnv(b *testing.B, eng db.Dialect) *apptest.Env {
	benchMu.Lock()
	defer benchMu.Unlock()
	if e, ok := benchEnvs[eng]; ok {
		return e
	}
	e := generate(b, eng, benchProducts)
	// Warm: stars table, vocabulary and snapshot (the first search may
	// rebuild the stars, which moves the snapshot's fingerprint).
	for range 2 {
		if _, err := e.App.Catalogue.Search(e.Ctx(), catalogue.Query{Text: "gom batt", Page: 1}, "vi"); err != nil {
			b.Fatal(err)
		}
	}
	benchEnvs[eng] = e
	return e
}

// generate returns a platform holding n generated products.
func generate(b testing.TB, eng db.Dialect, n int) *apptest.Env {
	e := apptest.New(b, eng)
	populate(b, e, n)
	return e
}

// populate adds benchProducts generated products to e's database.
func populate(b testing.TB, e *apptest.Env, benchProducts int) {
	eng := e.App.DB.Dialect()
	ctx := e.Ctx()
	r := rand.New(rand.NewPCG(26, 2026))
	kinds := []string{"Gốm", "Bát gốm", "Lọ gốm", "Trà", "Trà sen", "Mật ong", "Lụa", "Khăn lụa", "Chuông đồng", "Tượng đồng", "Nón lá",
		"Bánh cốm", "Bánh chưng", "Rượu", "Miến dong", "Tương", "Mây tre đan", "Sơn mài", "Gạo", "Giò chả", "Chè", "Nước mắm", "Hương trầm", "Quạt giấy"}
	places := []string{"Bát Tràng", "Vạn Phúc", "Tây Hồ", "Ngũ Xã", "Cự Đà", "Phú Vinh", "Chuyên Mỹ", "Làng Chuông", "Ước Lễ", "Đường Lâm",
		"Ba Vì", "Sóc Sơn", "Mỹ Đức", "Quảng Phú Cầu", "Phú Nghĩa", "Thạch Thất", "Đan Phượng", "Phúc Thọ", "Thường Tín", "Vân Đình"}
	mods := []string{"men lam", "hoa sen", "truyền thống", "đặc biệt", "cao cấp", "hữu cơ", "thủ công", "men rạn", "vẽ tay", "nguyên chất", "", "", ""}
	syl := []string{"Hưng", "Thịnh", "Phát", "An", "Bình", "Minh", "Quang", "Đức", "Thành", "Long", "Phúc", "Lộc", "Tâm", "Việt", "Hòa", "Nam",
		"Hải", "Sơn", "Trường", "Tiến", "Dũng", "Ngọc", "Kim", "Bảo", "Toàn", "Khánh", "Linh", "Huy", "Trung", "Thắng"}
	wards := e.App.Registry.Units().WardsOf("01")
	leaves := e.App.Registry.Categories().Leaves()
	version := e.App.Registry.Categories().Version
	now := e.Clock.Now().UTC()
	const producers = 2000
	exec := func(tx *db.Tx, head string, rows []string, args []any) {
		if len(rows) == 0 {
			return
		}
		if _, err := tx.ExecContext(ctx, head+strings.Join(rows, ", "), args...); err != nil {
			b.Fatal(err)
		}
	}
	err := e.App.DB.InTx(ctx, func(tx *db.Tx) error {
		var rows []string
		var args []any
		names := make([]string, producers+1)
		for i := 1; i <= producers; i++ {
			names[i] = fmt.Sprintf("HTX %s %s %s", syl[r.IntN(len(syl))], syl[r.IntN(len(syl))], places[r.IntN(len(places))])
			rows = append(rows, "(?, 'cooperative', ?, '', '', '', '', ?, '', 21.0, 105.8, false, false, 0, 0, 0, '', 'active', ?, ?, ?, 1)")
			args = append(args, i, names[i], wards[r.IntN(len(wards))].Code, textfold.Key(names[i]), now, now)
			if len(rows) == 300 {
				exec(tx, `INSERT INTO producers (id, kind, name, representative, phone, email, website, commune_code, address_line, latitude, longitude,
					women_led, ethnic_minority_led, workers_total, workers_women, workers_ethnic, description, status, search_key, created_at, updated_at, version) VALUES `, rows, args)
				rows, args = nil, nil
			}
		}
		exec(tx, `INSERT INTO producers (id, kind, name, representative, phone, email, website, commune_code, address_line, latitude, longitude,
			women_led, ethnic_minority_led, workers_total, workers_women, workers_ethnic, description, status, search_key, created_at, updated_at, version) VALUES `, rows, args)
		rows, args = nil, nil
		var crows []string
		var cargs []any
		for i := 1; i <= benchProducts; i++ {
			pr := 1 + r.IntN(producers)
			name := strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %s", kinds[r.IntN(len(kinds))], mods[r.IntN(len(mods))],
				places[r.IntN(len(places))], syl[r.IntN(len(syl))])), " ")
			code := fmt.Sprintf("01-B%04d-%03d-%d", pr, i%1000, 2018+i/1000%8) + fmt.Sprint(i)
			rows = append(rows, "(?, ?, ?, ?, '', ?, ?, '', '', '', '', '', 'active', ?, ?, ?, 1)")
			args = append(args, i, code, pr, name, version, leaves[r.IntN(len(leaves))].Code, textfold.Key(name, names[pr], code), now, now)
			if r.IntN(10) < 4 {
				star := 3 + r.IntN(3)
				if star == 5 && r.IntN(4) > 0 {
					star = 4
				}
				crows = append(crows, "(?, ?, ?, ?, ?, '2025-06-01', '2028-06-01', '26/2026', 'province', '', '', '', '', '', ?, 1)")
				cargs = append(cargs, fmt.Sprintf("%d/GCN-OCOP-01-2025", i), i, pr, star, star == 4 && r.IntN(20) == 0, now)
			}
			if len(rows) == 300 {
				exec(tx, `INSERT INTO products (id, code, producer_id, name, name_en, category_version, category_code, brand, description, description_en,
					ingredients, raw_material_area, status, search_key, created_at, updated_at, version) VALUES `, rows, args)
				rows, args = nil, nil
				// Certificates after their products (foreign key).
				exec(tx, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on, rule_set, authority,
					revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version) VALUES `, crows, cargs)
				crows, cargs = nil, nil
			}
		}
		exec(tx, `INSERT INTO products (id, code, producer_id, name, name_en, category_version, category_code, brand, description, description_en,
			ingredients, raw_material_area, status, search_key, created_at, updated_at, version) VALUES `, rows, args)
		exec(tx, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on, rule_set, authority,
			revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version) VALUES `, crows, cargs)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if eng == db.Postgres {
		for _, q := range []string{"SELECT setval(pg_get_serial_sequence('producers', 'id'), 5000)", "SELECT setval(pg_get_serial_sequence('products', 'id'), 200000)", "ANALYZE"} {
			if _, err := e.App.DB.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := e.App.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	if out := os.Getenv("OCOP_BENCH_DUMP"); out != "" && eng == db.SQLite {
		// A copy of the generated catalogue, for looking at query plans.
		if err := e.App.Catalogue.RefreshStars(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := e.App.DB.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
			b.Fatal(err)
		}
	}
}

// benchQueries are typical searches: common and rare words, several words,
// a prefix being typed, and typing errors.
var benchQueries = []string{"gom bat trang", "tra sen tay ho", "mat ong ba vi", "chuong dong ngu xa", "lua van phuc", "banh com",
	"nuoc mam", "son mai", "gom men lam", "tuong dong", "huong tram quang phu cau", "mien dong", "tra", "non la chuong", "gao",
	"gom bat trnag", "mat onng"}

// BenchmarkSearch measures catalogue search on 100,000 generated products
// and reports p50/p95 in milliseconds for: the full search page (total,
// page and five facet counts) with the result cache off; the naive LIKE
// table scan that the index replaces (only a total and a page: less work),
// with the ratio of the p95s; and the full page with the cache on
// (repeated queries, as popular searches are). cpu_ms/op is this process's
// CPU per search (the whole cost on SQLite, unaffected by other load). Run (PostgreSQL too when
// OCOP_TEST_POSTGRES_URL is set):
//
//	go test ./internal/catalogue -run '^$' -bench Search -benchtime 200x
func BenchmarkSearch(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	for _, eng := range engines {
		e := benchEnv(b, eng)
		ctx := e.Ctx()
		svc := e.App.Catalogue
		run := func(b *testing.B, fn func(q string) error) []time.Duration {
			lat := make([]time.Duration, 0, b.N)
			cpu0 := cpuTime()
			defer func() {
				// CPU of this process per search: on SQLite (in-process) the
				// whole cost, immune to other load on the machine; on
				// PostgreSQL only the client's share.
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu_ms/op")
			}()
			for i := 0; i < b.N; i++ {
				q := benchQueries[i%len(benchQueries)]
				start := time.Now()
				if err := fn(q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			return lat
		}
		var indexP95, likeP95 float64
		svc.NoCache = true // cold: every search runs its queries
		b.Run(string(eng)+"/page_with_facets", func(b *testing.B) {
			_, indexP95 = report(b, run(b, func(q string) error {
				_, err := svc.Search(ctx, catalogue.Query{Text: q, Page: 1}, "vi")
				return err
			}))
		})
		b.Run(string(eng)+"/naive_like", func(b *testing.B) {
			_, likeP95 = report(b, run(b, func(q string) error { return naiveLike(ctx, e.App.DB, q) }))
			if indexP95 > 0 {
				b.ReportMetric(likeP95/indexP95, "like/index_p95")
			}
		})
		svc.NoCache = false
		b.Run(string(eng)+"/page_cached", func(b *testing.B) {
			report(b, run(b, func(q string) error {
				_, err := svc.Search(ctx, catalogue.Query{Text: q, Page: 1}, "vi")
				return err
			}))
		})
	}
}

// naiveLike is the baseline: every folded word as a substring of the
// search key (a scan of every row), the same count and first page.
func naiveLike(ctx context.Context, d *db.DB, q string) error {
	toks := textfold.Tokens(q)
	var conds []string
	var args []any
	for _, t := range toks {
		conds = append(conds, "p.search_key LIKE ?")
		args = append(args, "%"+t+"%")
	}
	w := " WHERE p.status = 'active' AND pr.status = 'active' AND " + strings.Join(conds, " AND ")
	from := " FROM products p JOIN producers pr ON pr.id = p.producer_id LEFT JOIN catalogue_stars cs ON cs.product_id = p.id"
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w, args...).Scan(&n); err != nil {
		return err
	}
	rows, err := d.QueryContext(ctx, "SELECT p.id, p.name"+from+w+" ORDER BY COALESCE(cs.star, 0) DESC, p.search_key LIMIT 24", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(b *testing.B, lat []time.Duration) (p50, p95 float64) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	p50, p95 = ms(0.50), ms(0.95)
	b.ReportMetric(p50, "p50_ms")
	b.ReportMetric(p95, "p95_ms")
	return p50, p95
}
