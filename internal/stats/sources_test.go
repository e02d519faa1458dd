package stats_test

import (
	"context"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/stats"
)

// The market, trade and traceability figures come from their modules
// through Sources: the sale points of a scope and its communes without
// one, events and leads, and the targets they measure — sale points and
// the share of valid products with a traced lot — computed from them.
func TestSourcedFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := newFixture(t, e)
		ctx := e.Ctx()
		svc := e.App.Stats
		svc.Sources = stats.Sources{
			SalePoints: func(context.Context) (map[string]int, error) { return map[string]int{"00577": 2, "00008": 1}, nil },
			Events:     func(context.Context) (int, int, error) { return 4, 7, nil },
			Leads: func(context.Context) (map[string]int, error) {
				return map[string]int{"ordered": 2, "contacted": 5}, nil
			},
			Traceable: func(context.Context) (map[int64]bool, error) {
				return map[int64]bool{fx.a.ID: true, fx.d.ID: true}, nil
			},
		}
		admin := e.Admin()
		if err := svc.SetTargets(ctx, admin, e.Clock.Now().Year(), []stats.TargetInput{
			{Metric: stats.MetricSalePoints, Value: "10"}, {Metric: stats.MetricTraceable, Value: "50"}}); err != nil {
			t.Fatal(err)
		}
		d, err := svc.Dashboard(ctx, office, "vi")
		if err != nil {
			t.Fatal(err)
		}
		wards := len(e.App.Registry.Units().WardsOf("01"))
		if d.SalePoints == nil || *d.SalePoints != 3 || d.CommunesWithoutSalePoint == nil || *d.CommunesWithoutSalePoint != wards-2 {
			t.Errorf("province: sale points %v, communes without %v; want 3 and %d", d.SalePoints, d.CommunesWithoutSalePoint, wards-2)
		}
		if m := d.Market; m == nil || !m.EventsKnown || m.Upcoming != 4 || m.Held != 7 || m.LeadsTotal != 7 || len(m.Leads) != 2 || m.Leads[0].Key != "contacted" {
			t.Errorf("market part: %+v", d.Market)
		}
		for _, p := range d.Targets {
			switch p.Metric {
			case stats.MetricSalePoints:
				if !p.Known || p.Actual != 3 || p.Gap != 7 {
					t.Errorf("sale points target: %+v", p)
				}
			case stats.MetricTraceable:
				// Valid products: a, b, c, f, g, s (6); traced and valid: a
				// (d is traced but revoked).
				if !p.Known || p.Actual != 16.7 {
					t.Errorf("traceability target: actual %v (known %v), want 16.7", p.Actual, p.Known)
				}
			}
		}
		officer := &account.Principal{Role: account.RoleCommune, Communes: []string{"00577"}}
		d, err = svc.Dashboard(ctx, officer, "vi")
		if err != nil {
			t.Fatal(err)
		}
		if *d.SalePoints != 2 || *d.CommunesWithoutSalePoint != 0 {
			t.Errorf("commune: sale points %d, without %d; want 2 and 0", *d.SalePoints, *d.CommunesWithoutSalePoint)
		}
		sum, err := svc.Summary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sum.SalePoints == nil || *sum.SalePoints != 3 {
			t.Errorf("summary sale points: %v, want 3", sum.SalePoints)
		}
	})
}
