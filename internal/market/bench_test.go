package market_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
)

// seedMarket writes, with multi-row INSERTs, products certified 4★ valid
// today and sale points around Hanoi each stocking perPoint of them at
// random. It returns the product ids.
func seedMarket(b *testing.B, e *apptest.Env, products, points, perPoint int) []int64 {
	b.Helper()
	ctx := context.Background()
	pr := e.Producer("HTX Bench", "00577")
	tmpl := e.Product(pr.ID, "Mẫu", "IV.1")
	now := e.Clock.Now().UTC()
	rows := func(table, cols string, n, width int, row func(i int) []any) {
		const chunk = 500
		for start := 0; start < n; start += chunk {
			end := min(n, start+chunk)
			var sb strings.Builder
			args := make([]any, 0, (end-start)*width)
			sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
			for i := start; i < end; i++ {
				if i > start {
					sb.WriteByte(',')
				}
				sb.WriteString("(" + db.Placeholders(width) + ")")
				args = append(args, row(i)...)
			}
			if _, err := e.App.DB.ExecContext(ctx, sb.String(), args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	var first int64
	if err := e.App.DB.QueryRowContext(ctx, "SELECT MAX(id) + 1 FROM products").Scan(&first); err != nil {
		b.Fatal(err)
	}
	rows("products", "id, code, producer_id, name, name_en, category_version, category_code, brand, description, description_en, ingredients, raw_material_area, status, search_key, created_at, updated_at, version",
		products, 17, func(i int) []any {
			return []any{first + int64(i), fmt.Sprintf("01-00577-B%06d-2026", i), pr.ID, fmt.Sprintf("Sản phẩm %d", i), "", tmpl.CategoryVersion, "IV.1", "", "", "", "", "", "active", fmt.Sprintf("san pham %d", i), now, now, 1}
		})
	rows("certificates", "number, product_id, producer_id, star, potential5, issued_on, expires_on, rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version",
		products, 16, func(i int) []any {
			return []any{fmt.Sprintf("B%d/GCN", i), first + int64(i), pr.ID, 4, false, "2026-05-12", "2029-05-11", "1489", "province", "", "", "", "", "", now, 1}
		})
	var firstPoint int64
	if err := e.App.DB.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_points").Scan(&firstPoint); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rows("sale_points", "id, name, kind, operator, commune_code, address_line, latitude, longitude, hours, phone, email, status, created_at, updated_at, version",
		points, 15, func(i int) []any {
			return []any{firstPoint + int64(i), fmt.Sprintf("Điểm %d", i), "market", "X", "00008", "1 Phố", 20.6 + rng.Float64()*0.7, 105.3 + rng.Float64()*0.7, "", "", "", "active", now, now, 1}
		})
	type pair struct{ p, x int64 }
	var stock []pair
	for i := 0; i < points; i++ {
		seen := map[int]bool{}
		for len(seen) < min(perPoint, products) {
			k := rng.IntN(products)
			if !seen[k] {
				seen[k] = true
				stock = append(stock, pair{firstPoint + int64(i), first + int64(k)})
			}
		}
	}
	rows("sale_point_products", "sale_point_id, product_id, category, created_at", len(stock), 4, func(i int) []any {
		return []any{stock[i].p, stock[i].x, "ocop", now}
	})
	if _, err := e.App.DB.ExecContext(ctx, "UPDATE market_state SET changes = changes + 1"); err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, products)
	for i := range ids {
		ids[i] = first + int64(i)
	}
	return ids
}

// BenchmarkNearestStocking measures "the three nearest sale points that
// stock this product" through the service, index warm (what a product or
// verification page pays), at Hanoi's scale (110 points, 5,000 certified
// products, 300 on each shelf) and at a national scale (2,000 points,
// 20,000 products, 200 on each shelf: 400,000 shelf rows).
func BenchmarkNearestStocking(b *testing.B) {
	for _, sc := range []struct {
		name                       string
		products, points, perShelf int
	}{
		{"hanoi_110x5000", 5000, 110, 300},
		{"national_2000x20000", 20000, 2000, 200},
	} {
		// Seeded once: a sub-benchmark's function runs once per b.N tried.
		e := apptest.New(b, db.SQLite)
		ids := seedMarket(b, e, sc.products, sc.points, sc.perShelf)
		b.Run(sc.name, func(b *testing.B) {
			ctx := context.Background()
			at := &[2]float64{21.0288, 105.8525}
			if _, _, err := e.App.Market.NearestStocking(ctx, ids[0], at, 3); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := e.App.Market.NearestStocking(ctx, ids[i%len(ids)], at, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarketIndexRebuild measures the cold path: rebuilding the
// in-memory index after a market write (points, shelves, certificate
// validity of every stocked product, storefronts).
func BenchmarkMarketIndexRebuild(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	ids := seedMarket(b, e, 5000, 110, 300)
	b.Run("hanoi_110x5000", func(b *testing.B) { benchRebuild(b, e, ids) })
}

func benchRebuild(b *testing.B, e *apptest.Env, ids []int64) {
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.App.DB.ExecContext(ctx, "UPDATE market_state SET changes = changes + 1"); err != nil {
			b.Fatal(err)
		}
		e.Clock.Advance(3e9) // past the counter's TTL
		if _, _, err := e.App.Market.NearestStocking(ctx, ids[0], nil, 3); err != nil {
			b.Fatal(err)
		}
	}
}
