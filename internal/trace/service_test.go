package trace_test

import (
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/trace"
)

// TraceableProducts counts a product once one of its lots has an event,
// not before; scope rules keep other producers' lots out of reach.
func TestTraceableProductsAndScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Bò sữa Ba Vì", "09700")
		p := e.Product(pr.ID, "Sữa tươi", "I.3.d")
		q := e.Product(pr.ID, "Sữa chua", "I.3.d")
		owner := &account.Principal{Username: "o", Role: account.RoleProducer, Producers: []int64{pr.ID}}
		stranger := &account.Principal{Username: "s", Role: account.RoleProducer, Producers: []int64{pr.ID + 1000}}
		officer := &account.Principal{Username: "c", Role: account.RoleCommune, Communes: []string{"00577"}}
		lot, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: p.ID, Code: "L1", ProducedOn: "2026-11-20", Unit: "l"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: q.ID, Code: "L1", ProducedOn: "2026-11-20", Unit: "l"}); err != nil {
			t.Fatal(err)
		}
		got, err := e.App.Trace.TraceableProducts(e.Ctx())
		if err != nil || len(got) != 0 {
			t.Fatalf("before any event: %v, %v", got, err)
		}
		if _, err := e.App.Trace.AddEvent(e.Ctx(), owner, lot.ID, trace.EventForm{Step: trace.StepPacking, Time: "2026-11-21T08:00"}); err != nil {
			t.Fatal(err)
		}
		got, err = e.App.Trace.TraceableProducts(e.Ctx())
		if err != nil || len(got) != 1 || !got[p.ID] {
			t.Errorf("after one event: %v, %v; want only product %d", got, err, p.ID)
		}
		for _, who := range []*account.Principal{stranger, officer} {
			if _, err := e.App.Trace.Lot(e.Ctx(), who, lot.ID); err == nil {
				t.Errorf("%s opened another producer's lot", who.Username)
			}
			if _, err := e.App.Trace.AddEvent(e.Ctx(), who, lot.ID, trace.EventForm{Step: trace.StepPacking, Time: "2026-11-21T09:00"}); err == nil {
				t.Errorf("%s added an event to another producer's lot", who.Username)
			}
			if lots, _ := e.App.Trace.ListLots(e.Ctx(), who); len(lots) != 0 {
				t.Errorf("%s lists %d lots of another producer", who.Username, len(lots))
			}
		}
		if _, err := e.App.Trace.Recall(e.Ctx(), stranger, lot.ID, "x", lot.Version); err == nil {
			t.Errorf("a stranger recalled the lot")
		}
	})
}
