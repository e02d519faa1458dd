package trace

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const sampleDoc = `{"@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0",
 "creationDate": "2026-11-21T10:00:00Z", "epcisBody": {"eventList": [
  {"type": "ObjectEvent", "eventTime": "2026-11-20T05:30:00.000+07:00", "eventTimeZoneOffset": "+07:00", "action": "ADD",
   "epcList": ["urn:epc:id:sgtin:893000.0000001.B", "urn:epc:id:sgtin:893000.0000001.A"],
   "bizStep": "urn:epcglobal:cbv:bizstep:commissioning", "disposition": "https://ref.gs1.org/cbv/Disp-active",
   "readPoint": {"id": "urn:epc:id:sgln:893000.00001.0"}, "example:note": {"b": 1, "a": 2}},
  {"type": "TransformationEvent", "eventTime": "2026-11-20T02:00:00Z", "eventTimeZoneOffset": "+07:00",
   "inputQuantityList": [{"epcClass": "urn:ocop:lot:P:RAW1", "quantity": 820, "uom": "LTR"}],
   "outputQuantityList": [{"epcClass": "urn:ocop:lot:P:BV2611", "quantity": 800, "uom": "LTR"}]}]}}`

func TestParseEPCIS(t *testing.T) {
	events, err := ParseEPCIS([]byte(sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}
	e := events[0]
	if e.BizStep != "commissioning" || e.Disposition != "active" || e.ReadPoint.ID != "urn:epc:id:sgln:893000.00001.0" ||
		e.EventTime.Format("2006-01-02T15:04:05Z07:00") != "2026-11-19T22:30:00Z" || string(e.Extra["example:note"]) != `{"b":1,"a":2}` {
		t.Errorf("event 0: got %+v", e)
	}
	b, err := json.Marshal(events[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"eventTime":"2026-11-20T09:00:00.000+07:00"`) || strings.Contains(string(b), `"action"`) {
		t.Errorf("event 1 as JSON: %s", b)
	}
	for _, tt := range []struct {
		name, doc, path, key string
	}{
		{"syntax", `{"type": `, "", "trace.epcis_syntax"},
		{"array", `[]`, "", "trace.epcis_not_object"},
		{"version", strings.Replace(sampleDoc, `"2.0"`, `"1.2"`, 1), "schemaVersion", "trace.epcis_version"},
		{"no body", `{"type": "EPCISDocument", "schemaVersion": "2.0"}`, "epcisBody", "trace.epcis_body"},
		{"unknown type", strings.Replace(sampleDoc, `"TransformationEvent"`, `"MagicEvent"`, 1), "epcisBody.eventList[1].type", "trace.epcis_unknown_type"},
		{"offset", strings.Replace(sampleDoc, `"+07:00", "action"`, `"GMT+7", "action"`, 1), "epcisBody.eventList[0].eventTimeZoneOffset", "trace.epcis_offset"},
		{"uom", strings.Replace(sampleDoc, `"uom": "LTR"}]`, `"uom": "litres"}]`, 1), "epcisBody.eventList[1].inputQuantityList[0].uom", "trace.epcis_uom"},
		{"disposition", strings.Replace(sampleDoc, `Disp-active`, `Disp-happy`, 1), "epcisBody.eventList[0].disposition", "trace.epcis_disposition"},
		{"quantity", strings.Replace(sampleDoc, `"quantity": 820`, `"quantity": -1`, 1), "epcisBody.eventList[1].inputQuantityList[0].quantity", "trace.epcis_quantity"},
		{"readPoint", strings.Replace(sampleDoc, `{"id": "urn:epc:id:sgln:893000.00001.0"}`, `"here"`, 1), "epcisBody.eventList[0].readPoint.id", "trace.epcis_uri"},
	} {
		_, err := ParseEPCIS([]byte(tt.doc))
		var pe *EPCISError
		if !errors.As(err, &pe) || pe.Path() != tt.path || pe.Key != tt.key {
			t.Errorf("%s: got %v, want %s at %q", tt.name, err, tt.key, tt.path)
		}
	}
}

// The canonical hash ignores eventID, recordTime, list order, the time
// zone the time is written in and the CBV form; it changes with content.
func TestEventHash(t *testing.T) {
	events, err := ParseEPCIS([]byte(sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	same := strings.NewReplacer(
		`"urn:epc:id:sgtin:893000.0000001.B", "urn:epc:id:sgtin:893000.0000001.A"`, `"urn:epc:id:sgtin:893000.0000001.A", "urn:epc:id:sgtin:893000.0000001.B"`,
		`"2026-11-20T05:30:00.000+07:00"`, `"2026-11-19T22:30:00Z"`,
		`"urn:epcglobal:cbv:bizstep:commissioning"`, `"commissioning"`,
		`"action": "ADD",`, `"action": "ADD", "eventID": "urn:uuid:1", "recordTime": "2026-11-21T00:00:00Z",`,
		`{"b": 1, "a": 2}`, `{"b":1,"a":2}`,
	).Replace(sampleDoc)
	again, err := ParseEPCIS([]byte(same))
	if err != nil {
		t.Fatal(err)
	}
	if events[0].Hash() != again[0].Hash() {
		t.Errorf("equivalent events hash differently:\n%+v\n%+v", events[0], again[0])
	}
	other, err := ParseEPCIS([]byte(strings.Replace(sampleDoc, `"quantity": 800`, `"quantity": 801`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if events[1].Hash() == other[1].Hash() {
		t.Errorf("different quantities hash the same")
	}
}

func TestStepKind(t *testing.T) {
	for _, tt := range []struct{ typ, step, want string }{
		{ObjectEvent, "commissioning", StepHarvest},
		{TransformationEvent, "commissioning", StepProcessing},
		{ObjectEvent, "packing", StepPacking},
		{AggregationEvent, "packing", StepPacking},
		{ObjectEvent, "shipping", StepShipping},
		{ObjectEvent, "receiving", StepReceiving},
		{ObjectEvent, "retail_selling", "other"},
	} {
		if got := StepKind(tt.typ, tt.step); got != tt.want {
			t.Errorf("StepKind(%s, %s) = %s, want %s", tt.typ, tt.step, got, tt.want)
		}
	}
}
