package trade_test

import (
	"sync"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/apptest"
	"ocop/internal/trade"
)

// TestRegisterLastBooth: producers racing for the last booths get exactly
// the capacity between them; the others are told it is full.
func TestRegisterLastBooth(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := e.Ctx()
		u, err := e.App.Accounts.UserByName(ctx, e.User(account.RoleOffice))
		if err != nil {
			t.Fatal(err)
		}
		office := &account.Principal{UserID: u.ID, Username: u.Username, Role: account.RoleOffice}
		start := e.Clock.Now().Add(72 * time.Hour)
		ev, err := e.App.Trade.CreateEvent(ctx, office, trade.EventInput{Kind: "fair", Title: "Hội chợ", Place: "Hà Nội", StartsAt: start,
			EndsAt: start.Add(time.Hour), RegistrationDeadline: start.Add(-time.Hour), BoothCapacity: 3})
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			p := e.Producer("HTX "+string(rune('A'+i)), "00577")
			acting := &account.Principal{Username: "fixture", Role: account.RoleProducer, Producers: []int64{p.ID}}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.App.Trade.Register(ctx, acting, ev.ID, p.ID, 1, "")
			}()
		}
		wg.Wait()
		ok, full := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.As(err) != nil && apperr.As(err).Key == "trade.err_over_capacity":
				full++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 3 || full != n-3 {
			t.Errorf("%d registered, %d refused; want 3 and %d", ok, full, n-3)
		}
		got, err := e.App.Trade.Event(ctx, ev.ID)
		if err != nil || got.BoothsTaken != 3 {
			t.Errorf("booths taken %d (%v), want 3", got.BoothsTaken, err)
		}
	})
}
