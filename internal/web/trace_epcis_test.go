package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/stamp"
	"ocop/internal/trace"
)

// epcisWorld is the dairy world with two lots (raw milk RAW1 made into
// BV2611), 10 stamps of BV2611, and a lot of another producer.
type epcisWorld struct {
	*dairyWorld
	token, otherLot string
	serials         []string
}

func newEPCISWorld(t *testing.T, e *apptest.Env) *epcisWorld {
	t.Helper()
	w := &epcisWorld{dairyWorld: newDairyWorld(t, e)}
	owner := &account.Principal{Username: "owner", Role: account.RoleProducer, Producers: []int64{w.producer.ID}}
	for _, code := range []string{"RAW1", "BV2611"} {
		if _, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: w.product.ID, Code: code, ProducedOn: "2026-11-20", Unit: "l"}); err != nil {
			t.Fatal(err)
		}
	}
	b := issueActive(t, e, w.product.ID, 10)
	w.serials = traceSerials(t, e, b)
	lots, _ := e.App.Trace.ListLots(e.Ctx(), owner)
	var bv int64
	for _, l := range lots {
		if l.Code == "BV2611" {
			bv = l.ID
		}
	}
	if _, err := e.App.Trace.AssignStamps(e.Ctx(), owner, bv, trace.Assignment{Serials: w.serials}); err != nil {
		t.Fatal(err)
	}
	other := e.Producer("HTX Sữa Mộc Châu", "00008")
	op := e.Product(other.ID, "Sữa chua Mộc Châu", "I.3.d")
	if _, err := e.App.Trace.CreateLot(e.Ctx(), e.Admin(), trace.LotForm{ProductID: op.ID, Code: "MC1", ProducedOn: "2026-11-01", Unit: "kg"}); err != nil {
		t.Fatal(err)
	}
	w.otherLot = "urn:ocop:lot:" + op.Code + ":MC1"
	w.token = e.Token(w.owner)
	return w
}

func issueActive(t testing.TB, e *apptest.Env, productID int64, n int) string {
	t.Helper()
	tok := e.Token(e.User(account.RoleOffice))
	r := e.API("POST", "/api/v1/stamp-batches", tok, map[string]any{"product_id": productID, "count": n})
	var b struct{ Code string }
	r.JSON(t, &b)
	if r := e.API("POST", "/api/v1/stamp-batches/"+b.Code+"/activate", tok, map[string]any{}); r.Status != http.StatusOK {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	return b.Code
}

// epcisDoc wraps events in an EPCISDocument.
func epcisDoc(events ...string) string {
	return `{"@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}],
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-21T10:00:00Z",
		"epcisBody": {"eventList": [` + strings.Join(events, ",") + `]}}`
}

func (w *epcisWorld) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.e.App.DB.QueryRowContext(w.e.Ctx(), `SELECT COUNT(*) FROM trace_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Documents written after the standard's published examples: an
// ObjectEvent with a class-level (LGTIN) quantity and CBV URNs, an
// AggregationEvent of stamps (Digital Link EPCs) onto a pallet (SSCC), and
// a TransformationEvent from the raw-milk lot to the finished lot. A
// second capture of the same events stores nothing new.
func TestEPCISCapture(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newEPCISWorld(t, e)
		doc := epcisDoc(
			`{"type": "ObjectEvent", "eventTime": "2026-11-20T05:30:00.000+07:00", "eventTimeZoneOffset": "+07:00", "action": "ADD",
			  "quantityList": [{"epcClass": "urn:epc:class:lgtin:893000.0000001.RAW1", "quantity": 820, "uom": "LTR"}],
			  "bizStep": "urn:epcglobal:cbv:bizstep:commissioning", "disposition": "urn:epcglobal:cbv:disp:active",
			  "readPoint": {"id": "urn:epc:id:sgln:893000.00001.0"}, "example:temperature": {"value": 4, "unit": "CEL"}}`,
			`{"type": "TransformationEvent", "eventTime": "2026-11-20T09:00:00+07:00", "eventTimeZoneOffset": "+07:00",
			  "inputQuantityList": [{"epcClass": "https://id.gs1.org/01/08930000000019/10/RAW1", "quantity": 820, "uom": "LTR"}],
			  "outputQuantityList": [{"epcClass": "urn:ocop:lot:`+w.product.Code+`:BV2611", "quantity": 800, "uom": "LTR"}],
			  "bizStep": "https://ref.gs1.org/cbv/BizStep-commissioning"}`,
			`{"type": "AggregationEvent", "eventTime": "2026-11-20T11:00:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "ADD",
			  "parentID": "urn:epc:id:sscc:893000.0000000001", "childEPCs": ["https://example.org/01/08930000000019/21/`+w.serials[0]+`",
			  "https://example.org/Q/`+w.serials[1]+`"], "bizStep": "packing", "disposition": "in_progress",
			  "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8930000000019:PO-1"}]}`)
		r := e.API("POST", "/api/v1/epcis/capture", w.token, doc)
		var c trace.Capture
		r.JSON(t, &c)
		if r.Status != http.StatusCreated || c.Captured != 3 || c.Duplicates != 0 || len(c.EventIDs) != 3 || !strings.HasPrefix(c.EventIDs[0], "ni:///sha-256;") {
			t.Fatalf("capture: status %d, %+v\n%s", r.Status, c, r.Body)
		}
		r = e.API("POST", "/api/v1/epcis/capture", w.token, doc)
		var again trace.Capture
		r.JSON(t, &again)
		if r.Status != http.StatusCreated || again.Captured != 0 || again.Duplicates != 3 || again.EventIDs[2] != c.EventIDs[2] {
			t.Errorf("capture again: status %d, %+v; want 3 duplicates with the same ids", r.Status, again)
		}
		if n := w.count(t); n != 3 {
			t.Errorf("got %d events stored, want 3", n)
		}
		// Query: by type, by stamp, by time, by lot; extensions come back.
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"", 3},
			{"eventType=TransformationEvent", 1},
			{"EQ_bizStep=packing", 1},
			{"MATCH_epc=" + url.QueryEscape("https://id.gs1.org/01/08930000000019/21/"+w.serials[5]), 2}, // BV2611's events
			{"MATCH_anyEPC=" + url.QueryEscape("urn:ocop:lot:"+w.product.Code+":RAW1"), 2},               // harvest, and as input
			{"GE_eventTime=" + url.QueryEscape("2026-11-20T08:00:00+07:00"), 2},
			{"LT_eventTime=2026-11-19T00:00:00Z", 0},
			{"MATCH_epc=urn:epc:id:sgtin:999.999.1", 0},
			{"perPage=2", 2},
		} {
			r := e.API("GET", "/api/v1/epcis/events?"+tt.query, w.token, nil)
			if r.Status != http.StatusOK {
				t.Errorf("query %q: status %d\n%s", tt.query, r.Status, r.Body)
				continue
			}
			if got := strings.Count(r.Body, `"eventTimeZoneOffset"`); got != tt.want {
				t.Errorf("query %q: got %d events, want %d\n%s", tt.query, got, tt.want, r.Body)
			}
		}
		if r := e.API("GET", "/api/v1/epcis/events?perPage=2", w.token, nil); !strings.Contains(r.Header.Get("Link"), `rel="next"`) ||
			!strings.Contains(r.Body, `"example:temperature":{"value":4,"unit":"CEL"}`) {
			t.Errorf("query page: Link %q; body %s", r.Header.Get("Link"), r.Body)
		}
		// Scope: another producer sees none of these events; the commune
		// officer of Ba Vì sees them; anonymous callers are refused.
		stranger := e.Token(e.ProducerUser(e.Producer("HTX khác", "00577").ID))
		if r := e.API("GET", "/api/v1/epcis/events", stranger, nil); r.Status != http.StatusOK || strings.Contains(r.Body, "eventTime\"") {
			t.Errorf("query as another producer: status %d\n%s", r.Status, r.Body)
		}
		if r := e.API("GET", "/api/v1/epcis/events", e.Token(w.officer), nil); strings.Count(r.Body, `"eventTimeZoneOffset"`) != 3 {
			t.Errorf("query as the commune officer: %s", r.Body)
		}
		if r := e.API("GET", "/api/v1/epcis/events", "", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous query: status %d, want 401", r.Status)
		}
	})
}

// Documents that must be refused, each with the event and field named,
// without a 500 and without storing any of their events.
func TestEPCISCaptureRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newEPCISWorld(t, e)
		lot := "urn:ocop:lot:" + w.product.Code + ":BV2611"
		good := `{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
			"quantityList": [{"epcClass": "` + lot + `"}], "bizStep": "shipping"}`
		ev := func(fields string) string {
			return `{"eventTime": "2026-11-21T08:00:00+07:00", "eventTimeZoneOffset": "+07:00", ` + fields + `}`
		}
		for _, tt := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"malformed JSON", `{"type": "EPCISDocument", "epcisBody": {`, 422, ""},
			{"not a document", `[1, 2]`, 422, ""},
			{"wrong document type", `{"type": "EPCISQueryDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": []}}`, 422, "type"},
			{"empty list", epcisDoc(), 422, "epcisBody.eventList"},
			{"unknown event type", epcisDoc(good, ev(`"type": "FooEvent", "action": "ADD", "epcList": ["`+lot+`"]`)), 422, "epcisBody.eventList[1].type"},
			{"association event", epcisDoc(ev(`"type": "AssociationEvent", "action": "ADD", "parentID": "urn:x:1", "childEPCs": ["urn:x:2"]`)), 422, "epcisBody.eventList[0].type"},
			{"missing offset", epcisDoc(good, `{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00Z", "action": "ADD", "epcList": ["`+lot+`"]}`), 422, "epcisBody.eventList[1].eventTimeZoneOffset"},
			{"bad time", epcisDoc(`{"type": "ObjectEvent", "eventTime": "21/11/2026", "eventTimeZoneOffset": "+07:00", "action": "ADD", "epcList": ["` + lot + `"]}`), 422, "epcisBody.eventList[0].eventTime"},
			{"bad action", epcisDoc(ev(`"type": "ObjectEvent", "action": "MOVE", "epcList": ["` + lot + `"]`)), 422, "epcisBody.eventList[0].action"},
			{"action on a transformation", epcisDoc(ev(`"type": "TransformationEvent", "action": "ADD", "outputEPCList": ["` + lot + `"]`)), 422, "epcisBody.eventList[0].action"},
			{"unknown bizStep", epcisDoc(ev(`"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["` + lot + `"], "bizStep": "teleporting"`)), 422, "epcisBody.eventList[0].bizStep"},
			{"unknown field", epcisDoc(ev(`"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["` + lot + `"], "colour": "red"`)), 422, "epcisBody.eventList[0].colour"},
			{"not a URI", epcisDoc(ev(`"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["` + lot + `", "lot 7"]`)), 422, "epcisBody.eventList[0].epcList[1]"},
			{"no object", epcisDoc(ev(`"type": "ObjectEvent", "action": "OBSERVE"`)), 422, "epcisBody.eventList[0].epcList"},
			{"unknown lot", epcisDoc(good, ev(`"type": "ObjectEvent", "action": "OBSERVE", "quantityList": [{"epcClass": "https://id.gs1.org/01/08930000000019/10/NOPE"}]`)), 422, "epcisBody.eventList[1].quantityList[0]"},
			{"no lot at all", epcisDoc(ev(`"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["urn:epc:id:sscc:893000.0000000001"]`)), 422, "epcisBody.eventList[0].epcList"},
			{"before the lot was made", epcisDoc(good, `{"type": "ObjectEvent", "eventTime": "2026-11-19T08:00:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "quantityList": [{"epcClass": "`+lot+`"}], "bizStep": "packing"}`), 422, "epcisBody.eventList[1].eventTime"},
			{"in the future", epcisDoc(`{"type": "ObjectEvent", "eventTime": "2027-01-01T08:00:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "quantityList": [{"epcClass": "` + lot + `"}]}`), 422, "epcisBody.eventList[0].eventTime"},
			{"another producer's lot", epcisDoc(good, ev(`"type": "ObjectEvent", "action": "OBSERVE", "quantityList": [{"epcClass": "`+w.otherLot+`"}]`)), 403, "epcisBody.eventList[1].quantityList"},
			{"another producer's lot as input", epcisDoc(good, ev(`"type": "TransformationEvent", "inputQuantityList": [{"epcClass": "`+w.otherLot+`"}], "outputQuantityList": [{"epcClass": "`+lot+`"}]`)), 403, "epcisBody.eventList[1]"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := e.API("POST", "/api/v1/epcis/capture", w.token, tt.body)
				if r.Status != tt.status || r.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("status %d (%s), want %d problem+json\n%s", r.Status, r.Header.Get("Content-Type"), tt.status, r.Body)
				}
				var p struct {
					Detail string
					Errors []struct{ Field, Message string }
				}
				r.JSON(t, &p)
				if tt.field != "" && (len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Field, tt.field) || p.Errors[0].Message == "") {
					t.Errorf("errors: got %+v, want the field %q with a message", p.Errors, tt.field)
				}
				if tt.field == "" && p.Detail == "" {
					t.Errorf("no detail: %s", r.Body)
				}
				if n := w.count(t); n != 0 {
					t.Errorf("%d events stored, want none (no partial writes)", n)
				}
			})
		}
		// Roles that keep no trace records may not capture.
		if r := e.API("POST", "/api/v1/epcis/capture", e.Token(e.User(account.RoleBuyer)), epcisDoc(good)); r.Status != http.StatusForbidden {
			t.Errorf("capture as a buyer: status %d, want 403", r.Status)
		}
		if r := e.API("POST", "/api/v1/epcis/capture", w.token, epcisDoc(good)); r.Status != http.StatusCreated {
			t.Errorf("the good event alone: status %d\n%s", r.Status, r.Body)
		}
	})
}

// traceSerials lists a batch's serials in order.
func traceSerials(tb testing.TB, e *apptest.Env, code string) []string {
	tb.Helper()
	var out []string
	if _, err := e.App.Stamps.Codes(e.Ctx(), e.Admin(), code, func(c stamp.Code) error {
		out = append(out, c.Serial)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}
