package web_test

import (
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/stamp"
)

func init() {
	authzHooks = append(authzHooks, stampAuthzObjects)
	for k, v := range stampAuthz {
		authzTable[k] = v
	}
}

// stampAuthzObjects adds a certified product of producer A (Bát Tràng,
// 00577) with a batch of stamps, and alerts on A's product and on a
// product of another producer in another commune (00008).
func stampAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	t.Helper()
	a := e.Product(f.producerA, "Ấm chén gốm A", "IV.1")
	certify(t, e, a, "41/GCN-OCOP-01-2026", 4, mustDate(t, "2026-06-01"))
	b, err := e.App.Stamps.Issue(e.Ctx(), e.Admin(), stamp.BatchInput{ProductID: a.ID, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	var serial string
	if _, err := e.App.Stamps.Codes(e.Ctx(), e.Admin(), b.Code, func(c stamp.Code) error {
		serial = c.Serial
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	other := e.Producer("HTX Mây tre B", "00008")
	ob := e.Product(other.ID, "Giỏ mây B", "IV.2")
	alert := func(producer, product int64, commune string) string {
		id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO stamp_alerts (kind, serial, client, product_id, producer_id, commune_code, detail,
			hits, created_at, last_at, status, review_note) VALUES ('too_many_scans', ?, '', ?, ?, ?, '', 1, ?, ?, 'open', '')`,
			serial, product, producer, commune, e.Clock.Now().UTC(), e.Clock.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		return itoa(id)
	}
	f.own["stamp-alerts/{id}"] = alert(f.producerA, a.ID, "00577")
	f.other["stamp-alerts/{id}"] = alert(other.ID, ob.ID, "00008")
	for _, m := range []map[string]string{f.own, f.other} {
		m["{code}"] = b.Code
		m["{serial}"] = serial
		m["{gtin}"] = "8938505974194"
	}
}

// stampAuthz: who may use the stamp routes, in the order of roles:
// anon admin office commune council producer buyer salepoint. The
// producer is producer A's account; the commune officer covers 00577.
var stampAuthz = map[string]string{
	// Public verification: anyone, signed in or not; reporting a fake too
	// (the fixture's empty report form is answered 422, "ok" here).
	"GET /01/{gtin}/21/{serial}":               "ok ok ok ok ok ok ok ok",
	"GET /Q/{serial}":                          "ok ok ok ok ok ok ok ok",
	"GET /q":                                   "ok ok ok ok ok ok ok ok",
	"GET /q/{serial}":                          "ok ok ok ok ok ok ok ok",
	"POST /q/{serial}/report":                  "ok ok ok ok ok ok ok ok",
	"GET /api/v1/stamps/{serial}/verification": "ok ok ok ok ok ok ok ok",
	// Back office: the office everything; the commune officer of the
	// producer's commune reads batches, alerts and reports and reviews
	// alerts, but neither issues nor prints; the producer issues, prints,
	// activates and deactivates its own stamps and sees its alerts and
	// reports, but does not close alerts about itself.
	"GET /admin/stamp-alerts":                      "login ok ok ok deny ok deny deny",
	"GET /admin/stamp-reports":                     "login ok ok ok deny ok deny deny",
	"POST /admin/stamp-alerts/{id}/review":         "login ok ok ok deny deny deny deny",
	"POST /admin/stamp-alerts/{id}/review (other)": "login ok ok deny deny deny deny deny",
	"GET /admin/stamps":                            "login ok ok ok deny ok deny deny",
	"POST /admin/stamps":                           "login ok ok deny deny ok deny deny",
	"GET /admin/stamps/{code}":                     "login ok ok ok deny ok deny deny",
	"GET /admin/stamps/{code}/codes.csv":           "login ok ok deny deny ok deny deny",
	"GET /admin/stamps/{code}/labels.pdf":          "login ok ok deny deny ok deny deny",
	"GET /admin/stamps/{code}/qr/{serial}":         "login ok ok deny deny ok deny deny",
	"POST /admin/stamps/{code}/activate":           "login ok ok deny deny ok deny deny",
	"POST /admin/stamps/{code}/deactivate":         "login ok ok deny deny ok deny deny",
	// JSON API: the same rules with a bearer token.
	"GET /api/v1/stamp-batches":                    "login ok ok ok deny ok deny deny",
	"POST /api/v1/stamp-batches":                   "login ok ok deny deny ok deny deny",
	"GET /api/v1/stamp-batches/{code}":             "login ok ok ok deny ok deny deny",
	"GET /api/v1/stamp-batches/{code}/codes":       "login ok ok deny deny ok deny deny",
	"POST /api/v1/stamp-batches/{code}/activate":   "login ok ok deny deny ok deny deny",
	"POST /api/v1/stamp-batches/{code}/deactivate": "login ok ok deny deny ok deny deny",
}
