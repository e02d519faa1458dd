package trade_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/textfold"
	"ocop/internal/trade"
)

// insertRows writes rows with multi-row INSERTs of chunk rows.
func insertRows(tb testing.TB, d *db.DB, head string, n, chunk int, row func(i int) []any) {
	tb.Helper()
	ctx := context.Background()
	for start := 0; start < n; start += chunk {
		var vals []string
		var args []any
		for i := start; i < min(n, start+chunk); i++ {
			r := row(i)
			vals = append(vals, "("+db.Placeholders(len(r))+")")
			args = append(args, r...)
		}
		if _, err := d.ExecContext(ctx, head+" VALUES "+strings.Join(vals, ", "), args...); err != nil {
			tb.Fatal(err)
		}
	}
}

// boardWorld is 10,000 producers with 20,000 products in "processed from
// fruit" (I.3.c) — half of them dried longan — a third certified 3–5★,
// 2,000 open offers and 3,000 past leads: the whole classification group a
// demand asks for, the engine's worst case for one demand.
func boardWorld(tb testing.TB, e *apptest.Env) trade.Demand {
	tb.Helper()
	ctx := e.Ctx()
	now := e.Clock.Now().UTC()
	const producers, products = 10000, 20000
	var firstProducer int64
	insertRows(tb, e.App.DB, `INSERT INTO producers (kind, name, representative, phone, email, website, commune_code, address_line, latitude, longitude,
		women_led, ethnic_minority_led, workers_total, workers_women, workers_ethnic, description, status, search_key, created_at, updated_at, version)`,
		producers, 500, func(i int) []any {
			return []any{"cooperative", fmt.Sprintf("HTX %d", i), "", "", "", "", "00577", "", 20.5 + float64(i%100)/100, 105.3 + float64(i%77)/100,
				false, false, 0, 0, 0, "", "active", fmt.Sprintf("htx %d", i), now, now, 1}
		})
	if err := e.App.DB.QueryRowContext(ctx, "SELECT MIN(id) FROM producers").Scan(&firstProducer); err != nil {
		tb.Fatal(err)
	}
	insertRows(tb, e.App.DB, `INSERT INTO products (code, producer_id, name, name_en, category_version, category_code, brand, description, description_en,
		ingredients, raw_material_area, status, search_key, created_at, updated_at, version)`, products, 500, func(i int) []any {
		name := fmt.Sprintf("Long nhãn sấy %d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("Vải thiều sấy %d", i)
		}
		return []any{fmt.Sprintf("01-00577-%05d-2026", i), firstProducer + int64(i%producers), name, "", registry.CurrentCategoryVersion, "I.3.c",
			"", "", "", "", "", "active", textfold.Key(name, fmt.Sprintf("HTX %d", i%producers)), now, now, 1}
	})
	var firstProduct int64
	if err := e.App.DB.QueryRowContext(ctx, "SELECT MIN(id) FROM products").Scan(&firstProduct); err != nil {
		tb.Fatal(err)
	}
	issued := evaluation.NewDate(2025, time.June, 1)
	insertRows(tb, e.App.DB, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on, rule_set, authority,
		revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)`, products/3, 400, func(i int) []any {
		pid := firstProduct + int64(i*3)
		return []any{fmt.Sprintf("%d/GCN-B", i), pid, firstProducer + int64(i*3%producers), 3 + i%3, false, issued, evaluation.Expiry(issued),
			"1489", "province", "", "", "", "", "", now, 1}
	})
	insertRows(tb, e.App.DB, `INSERT INTO trade_offers (producer_id, category_code, title, capacity, unit, frequency, certifications, markets, note, status,
		created_at, updated_at, version)`, 2000, 500, func(i int) []any {
		return []any{firstProducer + int64(i*5), "I.3.c", "Chào bán", float64(100 + i), "kg", "weekly", "haccp", "japan", "", "open", now, now, 1}
	})
	buyer := e.User(account.RoleBuyer)
	u, err := e.App.Accounts.UserByName(ctx, buyer)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.App.DB.ExecContext(ctx, "UPDATE users SET verified_at = ? WHERE id = ?", now, u.ID); err != nil {
		tb.Fatal(err)
	}
	p := &account.Principal{UserID: u.ID, Username: u.Username, Role: account.RoleBuyer, Verified: true}
	lat, lon := 21.0475, 105.89
	d, err := e.App.Trade.CreateDemand(ctx, p, trade.DemandInput{Title: "Long nhãn", CategoryCode: "I.3.c", Keywords: "long nhãn", Quantity: 2,
		Unit: "tonne", Frequency: "monthly", MinStar: 4, Certifications: []string{"haccp"}, TargetMarket: "japan", DeliveryArea: "Hà Nội",
		DeliveryLat: &lat, DeliveryLon: &lon})
	if err != nil {
		tb.Fatal(err)
	}
	states := []string{"ordered", "declined", "negotiating"}
	insertRows(tb, e.App.DB, `INSERT INTO trade_leads (demand_id, producer_id, buyer_user_id, state, flags, first_text, created_at, updated_at, version)`,
		3000, 500, func(i int) []any {
			return []any{d.ID, firstProducer + int64(i*3), u.ID, states[i%3], "", "", now.Add(-48 * time.Hour), now, 1}
		})
	return d
}

// BenchmarkMatch ranks producers for one demand against the board world:
// the AEON demand (dried longan, 4★+, HACCP; 10,000 products pass the
// keyword filter) and a broad one (the whole group, no keyword, no
// minimum: all 20,000 products), on each engine.
func BenchmarkMatch(b *testing.B) {
	for _, eng := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(eng), func(b *testing.B) {
			if eng == db.Postgres && !hasPostgres() {
				b.Skip("OCOP_TEST_POSTGRES_URL not set")
			}
			e := apptest.New(b, eng)
			d := boardWorld(b, e)
			broad := d
			broad.Keywords, broad.MinStar, broad.Certifications = "", 0, nil
			for _, tt := range []struct {
				name string
				d    trade.Demand
			}{{"aeon", d}, {"broad", broad}} {
				b.Run(tt.name, func(b *testing.B) {
					var n int
					for b.Loop() {
						cs, err := e.App.Trade.Candidates(e.Ctx(), tt.d)
						if err != nil {
							b.Fatal(err)
						}
						n = len(trade.Rank(tt.d, cs))
					}
					b.ReportMetric(float64(n), "ranked")
				})
			}
		})
	}
}

// BenchmarkRank is the engine alone: 10,000 candidates of two products.
func BenchmarkRank(b *testing.B) {
	lat, lon := 21.0475, 105.89
	d := trade.Demand{CategoryCode: "I.3.c", Keywords: "long nhãn", Quantity: 2, Unit: "tonne", Frequency: "monthly", MinStar: 4,
		Certifications: []string{"haccp"}, TargetMarket: "japan", DeliveryLat: &lat, DeliveryLon: &lon}
	cs := make([]trade.Candidate, 10000)
	for i := range cs {
		la, lo := 20.5+float64(i%100)/100, 105.3+float64(i%77)/100
		cs[i] = trade.Candidate{ProducerID: int64(i + 1), ProducerName: "HTX", Lat: &la, Lon: &lo,
			Products: []trade.CandidateProduct{{ID: int64(2 * i), Name: "Long nhãn sấy", NameKey: "long nhan say", Star: 3 + i%3}, {ID: int64(2*i + 1), Name: "Vải", NameKey: "vai", Star: 4}},
			Declared: []string{"haccp"}, Offers: []trade.Capacity{{Quantity: 500, Unit: "kg", Frequency: "weekly", Markets: []string{"japan"}}}, Ordered: i % 3, Declined: i % 2}
	}
	for b.Loop() {
		if len(trade.Rank(d, cs)) == 0 {
			b.Fatal("nothing ranked")
		}
	}
}
