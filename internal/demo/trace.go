package demo

import (
	"encoding/json"
	"fmt"
	"time"

	"ocop/internal/db"
	"ocop/internal/trace"
)

// traceDemo writes one lot journey: a raw-material area of a producer in
// the former Ba Vì district (the first active product there, else the
// first active product), a lot made from it, and its five steps (harvest,
// processing, packing, shipping, receiving at a sale point) as EPCIS
// events, so that the trace pages, the EPCIS query and the resolver have
// something to show. The lot is made two days before w.now.
func (w *writer) traceDemo() error {
	var productID, producerID int64
	var productCode, commune, gtin string
	err := w.tx.QueryRowContext(w.ctx, `SELECT p.id, p.code, COALESCE(p.gtin, ''), pr.id, pr.commune_code FROM products p
		JOIN producers pr ON pr.id = p.producer_id WHERE p.status = 'active'
		ORDER BY CASE WHEN pr.legacy_district_code = '271' THEN 0 ELSE 1 END, p.id LIMIT 1`).
		Scan(&productID, &productCode, &gtin, &producerID, &commune)
	if err != nil {
		return fmt.Errorf("trace demo: %w", err)
	}
	vn := time.FixedZone("ICT", 7*3600)
	made := w.now.In(vn).AddDate(0, 0, -2)
	day := time.Date(made.Year(), made.Month(), made.Day(), 0, 0, 0, 0, vn)
	now := w.now.UTC().Truncate(time.Second)
	certs, _ := json.Marshal([]trace.Certification{{Name: "VietGAP", Number: "VG-DEMO-01", ValidUntil: day.AddDate(2, 0, 0).Format("2006-01-02")}})
	// Ids come from the database (RETURNING): these tables are not in
	// syncIdentities, so explicit ids would leave PostgreSQL's identity
	// behind.
	areaID, err := db.Insert(w.ctx, w.tx, `INSERT INTO trace_areas (producer_id, commune_code, name, hectares, latitude, longitude, outline, materials,
		certifications, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, 1)`,
		producerID, commune, "Vùng nguyên liệu Tản Lĩnh", 12.5, 21.07, 105.38, "Cỏ voi, bò sữa HF", string(certs), now, now)
	if err != nil {
		return fmt.Errorf("trace demo area: %w", err)
	}
	code := "DEMO" + day.Format("0102")
	lotID, err := db.Insert(w.ctx, w.tx, `INSERT INTO trace_lots (product_id, producer_id, commune_code, code, produced_on, expires_on, quantity, unit,
		standards, note, recall_reason, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 800, 'l', 'TCVN 7028:2009', '', '', ?, ?, 1)`,
		productID, producerID, commune, code, day.Format("2006-01-02"), day.AddDate(0, 0, 10).Format("2006-01-02"), now, now)
	if err != nil {
		return fmt.Errorf("trace demo lot: %w", err)
	}
	if err := w.insert("trace_lot_inputs", []string{"lot_id", "area_id"}, [][]any{{lotID, areaID}}, ""); err != nil {
		return err
	}
	lot := []trace.Quantity{{EPCClass: trace.LotURI(gtin, productCode, code), Quantity: 800, UOM: "LTR"}}
	home := &trace.Place{ID: fmt.Sprintf("urn:ocop:producer:%d", producerID)}
	name := func(s string) map[string]json.RawMessage {
		b, _ := json.Marshal(s)
		return map[string]json.RawMessage{"ocop:placeName": b}
	}
	events := []trace.Event{
		{Type: trace.ObjectEvent, Action: "ADD", BizStep: "commissioning", Disposition: "active", QuantityList: lot,
			ReadPoint: &trace.Place{ID: fmt.Sprintf("urn:ocop:area:%d", areaID)}, BizLocation: home, Extra: name("Vùng nguyên liệu Tản Lĩnh")},
		{Type: trace.TransformationEvent, BizStep: "commissioning", Disposition: "active", OutputQuantityList: lot, BizLocation: home, Extra: name("Xưởng chế biến")},
		{Type: trace.ObjectEvent, Action: "OBSERVE", BizStep: "packing", Disposition: "in_progress", QuantityList: lot, BizLocation: home},
		{Type: trace.ObjectEvent, Action: "OBSERVE", BizStep: "shipping", Disposition: "in_transit", QuantityList: lot, BizLocation: home},
		{Type: trace.ObjectEvent, Action: "OBSERVE", BizStep: "receiving", Disposition: "sellable_accessible", QuantityList: lot,
			BizLocation: &trace.Place{ID: trace.PlaceURI("Điểm OCOP Tản Lĩnh")}, Extra: name("Điểm OCOP Tản Lĩnh")},
	}
	var links [][]any
	for i := range events {
		e := &events[i]
		e.EventTime, e.TZOffset = day.Add(time.Duration(5+i*4)*time.Hour).UTC(), "+07:00"
		e.EventID = e.Hash()
		doc, err := json.Marshal(e)
		if err != nil {
			return err
		}
		rp := ""
		if e.ReadPoint != nil {
			rp = e.ReadPoint.ID
		}
		id, err := db.Insert(w.ctx, w.tx, `INSERT INTO trace_events (hash, producer_id, commune_code, lot_id, event_type, action, event_time, tz_offset,
			record_time, biz_step, disposition, read_point, biz_location, location_name, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.EventID, producerID, commune, lotID, e.Type, e.Action, e.EventTime, e.TZOffset, now, e.BizStep, e.Disposition,
			rp, e.BizLocation.ID, e.PlaceName(), string(doc))
		if err != nil {
			return fmt.Errorf("trace demo event: %w", err)
		}
		role := "object"
		if e.Type == trace.TransformationEvent {
			role = "output"
		}
		links = append(links, []any{id, lotID, role})
	}
	return w.insert("trace_event_lots", []string{"event_id", "lot_id", "role"}, links, "")
}
