package trade_test

import (
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/trade"
)

// TestFigures: the statistics hooks count events (upcoming; past this
// year, cancelled ones left out) and leads by state, every state present.
func TestFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := e.Ctx()
		u, err := e.App.Accounts.UserByName(ctx, e.User(account.RoleOffice))
		if err != nil {
			t.Fatal(err)
		}
		office := &account.Principal{UserID: u.ID, Username: u.Username, Role: account.RoleOffice}
		now := e.Clock.Now() // 22/11/2026
		ev := func(start time.Time, status string) {
			t.Helper()
			in := trade.EventInput{Kind: "fair", Title: "Hội chợ", Place: "Hà Nội", StartsAt: start, EndsAt: start.Add(48 * time.Hour),
				RegistrationDeadline: start.Add(-time.Hour), BoothCapacity: 5, Status: status}
			if _, err := e.App.Trade.CreateEvent(ctx, office, in); err != nil {
				t.Fatal(err)
			}
		}
		ev(now.Add(72*time.Hour), "published")                        // upcoming
		ev(now.Add(10*24*time.Hour), "published")                     // upcoming
		ev(now.Add(5*24*time.Hour), "cancelled")                      // not counted
		ev(now.AddDate(0, -3, 0), "published")                        // past this year
		ev(time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), "published") // last year
		got, err := e.App.Trade.EventFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != (trade.EventCounts{Upcoming: 2, PastThisYear: 1}) {
			t.Errorf("event figures %+v, want 2 upcoming, 1 past this year", got)
		}
		leads, err := e.App.Trade.LeadCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(leads) != len(trade.LeadStates) || leads[trade.LeadContacted] != 0 {
			t.Errorf("lead counts %v: every state, zero", leads)
		}
	})
}
