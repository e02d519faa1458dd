package web_test

import (
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/trade"
)

func init() {
	authzHooks = append(authzHooks, tradeAuthzObjects)
	for k, v := range tradeAuthz {
		authzTable[k] = v
	}
}

// tradeAuthzObjects verifies the fixture's buyer (only verified buyers act
// on the board) and adds: a demand of that buyer and one of another buyer;
// an offer of producer A and one of producer B; a lead between the
// fixture's buyer and A, and one between the other buyer and B.
func tradeAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	t.Helper()
	ctx := e.Ctx()
	principal := func(name string) *account.Principal {
		u, err := e.App.Accounts.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		p := &account.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}
		if u.Role == account.RoleBuyer {
			off := principal0(t, e)
			if err := e.App.Accounts.VerifyBuyer(ctx, off, u.ID, true); err != nil {
				t.Fatal(err)
			}
			p.Verified = true
		}
		return p
	}
	own, other := principal(f.users["buyer"]), principal(tradeBuyer(t, e, "Buyer khác", false))
	other.Verified = true
	if err := e.App.Accounts.VerifyBuyer(ctx, principal0(t, e), other.UserID, true); err != nil {
		t.Fatal(err)
	}
	in := trade.DemandInput{Title: "Gốm", CategoryCode: "IV.1", Quantity: 100, Unit: "piece", Frequency: "monthly", TargetMarket: "domestic", DeliveryArea: "Hà Nội"}
	dOwn, err := e.App.Trade.CreateDemand(ctx, own, in)
	if err != nil {
		t.Fatal(err)
	}
	dOther, err := e.App.Trade.CreateDemand(ctx, other, in)
	if err != nil {
		t.Fatal(err)
	}
	var producerB int64
	if err := e.App.DB.QueryRowContext(ctx, "SELECT id FROM producers WHERE name = 'HTX Lụa B'").Scan(&producerB); err != nil {
		t.Fatal(err)
	}
	sys := &account.Principal{Username: "fixture", Role: account.RoleProducer, Producers: []int64{f.producerA, producerB}}
	offer := func(pid int64) int64 {
		o, err := e.App.Trade.CreateOffer(ctx, sys, trade.OfferInput{ProducerID: pid, Title: "Chào bán", CategoryCode: "IV.1", Capacity: 10, Unit: "piece", Frequency: "monthly"})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	lOwn, err := e.App.Trade.Contact(ctx, own, dOwn.ID, f.producerA, "Chào HTX")
	if err != nil {
		t.Fatal(err)
	}
	lOther, err := e.App.Trade.Contact(ctx, other, dOther.ID, producerB, "Chào HTX")
	if err != nil {
		t.Fatal(err)
	}
	f.own["trade/demands/{id}"], f.other["trade/demands/{id}"] = itoa(dOwn.ID), itoa(dOther.ID)
	f.own["trade/offers/{id}"], f.other["trade/offers/{id}"] = itoa(offer(f.producerA)), itoa(offer(producerB))
	f.own["trade/leads/{id}"], f.other["trade/leads/{id}"] = itoa(lOwn.ID), itoa(lOther.ID)

	start := e.Clock.Now().Add(5 * 24 * time.Hour)
	ev, err := e.App.Trade.CreateEvent(ctx, principal0(t, e), trade.EventInput{Kind: "fair", Title: "Hội chợ", Place: "Hà Nội", StartsAt: start,
		EndsAt: start.Add(48 * time.Hour), RegistrationDeadline: start.Add(-24 * time.Hour), BoothCapacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	reg := func(pid int64) string {
		r, err := e.App.Trade.Register(ctx, sys, ev.ID, pid, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		return itoa(r.ID)
	}
	f.own["events/{id}"], f.other["events/{id}"] = itoa(ev.ID), itoa(ev.ID)
	f.own["registrations/{id}"], f.other["registrations/{id}"] = reg(f.producerA), reg(producerB)

	g, err := e.App.Trade.CreateProgramme(ctx, principal0(t, e), "trademark", "Nhãn hiệu 2026", 2026, 100_000_000)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.App.Trade.CreateCourse(ctx, principal0(t, e), "livestream", "Bán hàng livestream", "Hà Nội", start, 30)
	if err != nil {
		t.Fatal(err)
	}
	f.own["programmes/{id}"], f.other["programmes/{id}"] = itoa(g.ID), itoa(g.ID)
	f.own["courses/{id}"], f.other["courses/{id}"] = itoa(c.ID), itoa(c.ID)
}

// principal0 is an office principal backed by a real user (verification
// records who verified).
func principal0(t *testing.T, e *apptest.Env) *account.Principal {
	t.Helper()
	u, err := e.App.Accounts.UserByName(e.Ctx(), e.User(account.RoleOffice))
	if err != nil {
		t.Fatal(err)
	}
	return &account.Principal{UserID: u.ID, Username: u.Username, Role: account.RoleOffice}
}

// tradeAuthz, in the order anon admin office commune council producer
// buyer salepoint. The buyer is verified; the producer acts for A. Each
// buyer edits only its demands and leads, each producer only its offers
// and leads; the office reads everything on the board but neither posts
// nor writes in conversations. Empty forms are validation answers ("ok").
var tradeAuthz = map[string]string{
	"GET /admin/trade/board":                         "login ok ok deny deny deny deny deny",
	"GET /admin/trade/demands":                       "login ok ok deny deny ok ok deny",
	"POST /admin/trade/demands":                      "login deny deny deny deny deny ok deny",
	"GET /admin/trade/demands/new":                   "login deny deny deny deny deny ok deny",
	"GET /admin/trade/demands/{id}":                  "login ok ok deny deny ok ok deny",
	"GET /admin/trade/demands/{id} (other)":          "login ok ok deny deny ok deny deny",
	"POST /admin/trade/demands/{id}":                 "login deny deny deny deny deny ok deny",
	"POST /admin/trade/demands/{id} (other)":         "login deny deny deny deny deny deny deny",
	"POST /admin/trade/demands/{id}/contact":         "login deny deny deny deny deny ok deny",
	"POST /admin/trade/demands/{id}/contact (other)": "login deny deny deny deny deny deny deny",
	"GET /admin/trade/leads":                         "login ok ok deny deny ok ok deny",
	"GET /admin/trade/leads/{id}":                    "login ok ok deny deny ok ok deny",
	"GET /admin/trade/leads/{id} (other)":            "login ok ok deny deny deny deny deny",
	"POST /admin/trade/leads/{id}/reply":             "login deny deny deny deny ok ok deny",
	"POST /admin/trade/leads/{id}/reply (other)":     "login deny deny deny deny deny deny deny",
	"POST /admin/trade/leads/{id}/report":            "login deny deny deny deny ok deny deny",
	"POST /admin/trade/leads/{id}/report (other)":    "login deny deny deny deny deny deny deny",
	"GET /admin/trade/offers":                        "login ok ok deny deny ok deny deny",
	"POST /admin/trade/offers":                       "login deny deny deny deny ok deny deny",
	"GET /admin/trade/offers/new":                    "login deny deny deny deny ok deny deny",
	"GET /admin/trade/offers/{id}":                   "login ok ok deny deny ok deny deny",
	"GET /admin/trade/offers/{id} (other)":           "login ok ok deny deny deny deny deny",
	"POST /admin/trade/offers/{id}":                  "login deny deny deny deny ok deny deny",
	"POST /admin/trade/offers/{id} (other)":          "login deny deny deny deny deny deny deny",
	// Events: the calendar, event pages and the ICS feed are public; the
	// office creates and edits events, assigns booths and slots; producer
	// accounts register their producers and report outcomes of their own
	// registrations.
	"GET /api/v1/events":                                   "ok ok ok ok ok ok ok ok",
	"POST /api/v1/trade/demands":                           "login deny deny deny deny deny ok deny",
	"GET /api/v1/trade/demands/{id}/matches":               "login ok ok deny deny deny ok deny",
	"GET /api/v1/trade/demands/{id}/matches (other)":       "login ok ok deny deny deny deny deny",
	"GET /events":                                          "ok ok ok ok ok ok ok ok",
	"GET /events.ics":                                      "ok ok ok ok ok ok ok ok",
	"GET /events/{id}":                                     "ok ok ok ok ok ok ok ok",
	"GET /events/{id} (other)":                             "ok ok ok ok ok ok ok ok",
	"GET /admin/trade/events":                              "login ok ok deny deny ok deny deny",
	"POST /admin/trade/events":                             "login ok ok deny deny deny deny deny",
	"GET /admin/trade/events/{id}":                         "login ok ok deny deny ok deny deny",
	"GET /admin/trade/events/{id} (other)":                 "login ok ok deny deny ok deny deny",
	"POST /admin/trade/events/{id}":                        "login ok ok deny deny deny deny deny",
	"POST /admin/trade/events/{id} (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/trade/events/{id}/register":               "login deny deny deny deny ok deny deny",
	"POST /admin/trade/events/{id}/register (other)":       "login deny deny deny deny ok deny deny",
	"POST /admin/trade/events/{id}/slots":                  "login ok ok deny deny deny deny deny",
	"POST /admin/trade/events/{id}/slots (other)":          "login ok ok deny deny deny deny deny",
	"POST /admin/trade/registrations/{id}/decide":          "login ok ok deny deny deny deny deny",
	"POST /admin/trade/registrations/{id}/decide (other)":  "login ok ok deny deny deny deny deny",
	"POST /admin/trade/registrations/{id}/outcome":         "login ok ok deny deny ok deny deny",
	"POST /admin/trade/registrations/{id}/outcome (other)": "login ok ok deny deny deny deny deny",
	// Support programmes and their budgets are the office's; a producer
	// account sees the support its producers received. Courses are listed
	// to producers, who register their own producers (the second request
	// is a duplicate, 409); attendance is the office's.
	"GET /admin/trade/programmes":                       "login ok ok deny deny ok deny deny",
	"POST /admin/trade/programmes":                      "login ok ok deny deny deny deny deny",
	"GET /admin/trade/programmes/{id}":                  "login ok ok deny deny deny deny deny",
	"GET /admin/trade/programmes/{id} (other)":          "login ok ok deny deny deny deny deny",
	"POST /admin/trade/programmes/{id}/grants":          "login ok ok deny deny deny deny deny",
	"POST /admin/trade/programmes/{id}/grants (other)":  "login ok ok deny deny deny deny deny",
	"GET /admin/trade/courses":                          "login ok ok deny deny ok deny deny",
	"POST /admin/trade/courses":                         "login ok ok deny deny deny deny deny",
	"GET /admin/trade/courses/{id}":                     "login ok ok deny deny ok deny deny",
	"GET /admin/trade/courses/{id} (other)":             "login ok ok deny deny ok deny deny",
	"POST /admin/trade/courses/{id}/register":           "login ok ok deny deny ok deny deny",
	"POST /admin/trade/courses/{id}/register (other)":   "login ok ok deny deny ok deny deny",
	"POST /admin/trade/courses/{id}/attendance":         "login ok ok deny deny deny deny deny",
	"POST /admin/trade/courses/{id}/attendance (other)": "login ok ok deny deny deny deny deny",
}
