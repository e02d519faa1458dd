package demo

import (
	"context"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
)

// TestMarketDemo loads the demo data, which includes the market part:
// Hanoi's 110 sale points with stocked certified products, the demo
// salepoint account operating the first one, and the nearest-points
// answer working on them.
func TestMarketDemo(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	ctx, a := context.Background(), e.App
	if _, err := Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, Options{Seed: 1, Now: e.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := a.DB.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM sale_points WHERE status = 'active'"); n != demoSalePoints {
		t.Errorf("sale points: %d, want %d", n, demoSalePoints)
	}
	if n := count("SELECT COUNT(*) FROM sale_point_products"); n < 20*demoSalePoints {
		t.Errorf("stocked products: %d, want at least %d", n, 20*demoSalePoints)
	}
	if n := count("SELECT COUNT(*) FROM sale_point_operators o JOIN users u ON u.id = o.user_id WHERE u.username = 'salepoint'"); n != 1 {
		t.Errorf("salepoint operator links: %d, want 1", n)
	}
	if n := count("SELECT COUNT(*) FROM sale_points WHERE name LIKE '%Bát Tràng%'"); n != 2 {
		t.Errorf("named Bát Tràng points: %d, want 2", n)
	}
	var productID int64
	if err := a.DB.QueryRowContext(ctx, "SELECT product_id FROM sale_point_products GROUP BY product_id ORDER BY COUNT(*) DESC, product_id LIMIT 1").Scan(&productID); err != nil {
		t.Fatal(err)
	}
	near, total, err := a.Market.NearestStocking(ctx, productID, &[2]float64{21.0288, 105.8525}, 3)
	if err != nil || total < 3 || len(near) != 3 {
		t.Fatalf("nearest: %v, %d of %d", err, len(near), total)
	}
}
