package web_test

import (
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/trace"
)

func init() {
	authzHooks = append(authzHooks, traceAuthzObjects)
	for k, v := range traceAuthz {
		authzTable[k] = v
	}
}

// traceAuthzObjects adds an area and a lot of producer A (Bát Tràng,
// 00577; its product has GTIN 8930000000019) and of another producer in
// another commune (00008).
func traceAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	t.Helper()
	pa := e.Product(f.producerA, "Sữa tươi A", "IV.1")
	if _, err := e.App.DB.ExecContext(e.Ctx(), `UPDATE products SET gtin = '8930000000019', status = 'active' WHERE id = ?`, pa.ID); err != nil {
		t.Fatal(err)
	}
	other := e.Producer("HTX Sữa B", "00008")
	pb := e.Product(other.ID, "Sữa chua B", "IV.2")
	mk := func(producer, product int64) (area, lot string) {
		a, err := e.App.Trace.CreateArea(e.Ctx(), e.Admin(), trace.AreaInput{ProducerID: producer, Name: "Đồng cỏ", Hectares: 2})
		if err != nil {
			t.Fatal(err)
		}
		l, err := e.App.Trace.CreateLot(e.Ctx(), e.Admin(), trace.LotForm{ProductID: product, Code: "L1", ProducedOn: "2026-11-01", Unit: "l",
			Inputs: []trace.LotInput{{AreaID: a.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		return itoa(a.ID), itoa(l.ID)
	}
	f.own["areas/{id}"], f.own["lots/{id}"] = mk(f.producerA, pa.ID)
	f.other["areas/{id}"], f.other["lots/{id}"] = mk(other.ID, pb.ID)
	f.own["journey/{id}"], f.other["journey/{id}"] = f.own["lots/{id}"], f.other["lots/{id}"]
	for _, m := range []map[string]string{f.own, f.other} {
		m["{gtin}"] = "8930000000019"
		m["{lot}"] = "L1"
	}
}

// traceAuthz: who may use the trace routes, in the order of roles:
// anon admin office commune council producer buyer salepoint. The
// producer is producer A's account; the commune officer covers 00577.
// Forms are posted empty, so "ok" for a writer is a 422 and nothing
// changes.
var traceAuthz = map[string]string{
	// The resolver and the public journey: anyone.
	"GET /.well-known/gs1resolver":        "ok ok ok ok ok ok ok ok",
	"GET /01/{gtin}":                      "ok ok ok ok ok ok ok ok",
	"GET /01/{gtin}/10/{lot}":             "ok ok ok ok ok ok ok ok",
	"GET /01/{gtin}/10/{lot}/21/{serial}": "ok ok ok ok ok ok ok ok",
	"GET /trace/journey/{id}":             "ok ok ok ok ok ok ok ok",
	"GET /trace/journey/{id} (other)":     "ok ok ok ok ok ok ok ok",
	// Back office: the office everything, the commune officer its
	// communes, the producer its own; council, buyers and sale points
	// keep no trace records.
	"GET /trace":                           "login ok ok ok deny ok deny deny",
	"POST /trace/areas":                    "login ok ok ok deny ok deny deny",
	"GET /trace/areas/{id}":                "login ok ok ok deny ok deny deny",
	"GET /trace/areas/{id} (other)":        "login ok ok deny deny deny deny deny",
	"POST /trace/areas/{id}":               "login ok ok ok deny ok deny deny",
	"POST /trace/areas/{id} (other)":       "login ok ok deny deny deny deny deny",
	"POST /trace/lots":                     "login ok ok ok deny ok deny deny",
	"GET /trace/lots/{id}":                 "login ok ok ok deny ok deny deny",
	"GET /trace/lots/{id} (other)":         "login ok ok deny deny deny deny deny",
	"POST /trace/lots/{id}":                "login ok ok ok deny ok deny deny",
	"POST /trace/lots/{id} (other)":        "login ok ok deny deny deny deny deny",
	"POST /trace/lots/{id}/events":         "login ok ok ok deny ok deny deny",
	"POST /trace/lots/{id}/events (other)": "login ok ok deny deny deny deny deny",
	"POST /trace/lots/{id}/recall":         "login ok ok ok deny ok deny deny",
	"POST /trace/lots/{id}/recall (other)": "login ok ok deny deny deny deny deny",
	"POST /trace/lots/{id}/stamps":         "login ok ok ok deny ok deny deny",
	"POST /trace/lots/{id}/stamps (other)": "login ok ok deny deny deny deny deny",
	"POST /api/v1/epcis/capture":           "login ok ok ok deny ok deny deny",
	"GET /api/v1/epcis/events":             "login ok ok ok deny ok deny deny",
}
