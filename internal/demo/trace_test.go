package demo

import (
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
)

// The demo lot journey is readable by the trace service: five steps in
// order, the area's certification, and a lot the EPCIS query finds.
func TestTraceDemo(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Bò sữa Tản Lĩnh", "09700")
		e.Product(pr.ID, "Sữa tươi Tản Lĩnh", "I.3.d")
		err := e.App.DB.InTx(e.Ctx(), func(tx *db.Tx) error {
			w := &writer{ctx: e.Ctx(), tx: tx, now: e.Clock.Now()}
			return w.traceDemo()
		})
		if err != nil {
			t.Fatal(err)
		}
		var lotID int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT id FROM trace_lots`).Scan(&lotID); err != nil {
			t.Fatal(err)
		}
		j, err := e.App.Trace.Journey(e.Ctx(), lotID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, s := range j.Steps {
			kinds = append(kinds, s.Kind)
		}
		if got := len(kinds); got != 5 || kinds[0] != "harvest" || kinds[4] != "receiving" || len(j.Areas) != 1 || j.Areas[0].Certifications[0].Name != "VietGAP" {
			t.Errorf("demo journey: steps %v, areas %+v", kinds, j.Areas)
		}
		// Identities stay in step: a lot created afterwards gets a new id.
		if _, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO trace_areas (producer_id, commune_code, name, hectares, outline, materials, certifications,
			created_at, updated_at, version) VALUES (?, '09700', 'x', 1, '', '', '[]', ?, ?, 1)`, pr.ID, db.Now(), db.Now()); err != nil {
			t.Errorf("insert after the demo: %v", err)
		}
	})
}
