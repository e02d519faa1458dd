package stats_test

import (
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/demo"
	"ocop/internal/stats"
)

// TestDemoFigures loads the Hanoi demo data and checks the dashboard's
// headline figures are the published ones.
func TestDemoFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if _, err := demo.Load(e.Ctx(), e.App.DB, e.App.Ref, e.App.Accounts, e.App.Registry, demo.Options{Seed: 1, Now: e.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		d, err := e.App.Stats.Dashboard(e.Ctx(), &account.Principal{UserID: 0, Role: account.RoleOffice}, "vi")
		if err != nil {
			t.Fatal(err)
		}
		want := stats.StarCounts{Five: demo.TargetFiveStar, Potential5: demo.TargetPotential5, Four: demo.TargetFourStar, Three: demo.TargetThreeStar, Total: demo.TargetProducts}
		if d.Cumulative != want {
			t.Errorf("cumulative: got %+v, want %+v", d.Cumulative, want)
		}
		t.Logf("valid %+v expiring %d/%d producers %d villages %d/%d", d.Valid, d.Expiring30, d.Expiring90, d.ProducersTotal, d.Villages, d.Recognised)
	})
}
