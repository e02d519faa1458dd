package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocop/internal/apperr"
	"ocop/internal/trace"
)

// MaxEPCISBody bounds an EPCIS capture document (10,000 events of a
// typical size are about 6 MB).
const MaxEPCISBody = 32 << 20

// epcisContext is the JSON-LD context of the documents the API writes.
var epcisContext = []any{trace.ContextURL, map[string]string{"ocop": trace.OcopNS}}

// epcisCaptured answers a capture.
type epcisCaptured struct {
	Captured   int      `json:"captured"`
	Duplicates int      `json:"duplicates"`
	EventIDs   []string `json:"eventIDs"`
}

// CaptureEPCIS answers POST /api/v1/epcis/capture: an EPCISDocument
// (EPCIS 2.0 JSON / JSON-LD) whose events are stored in one transaction,
// all or none. Problems name the event and field.
func (a *API) CaptureEPCIS(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	if !trace.CanKeep(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/ld+json") {
			return apperr.New(apperr.Invalid, "trace.epcis_content_type")
		}
	}
	if r.ContentLength > MaxEPCISBody {
		return apperr.New(apperr.Invalid, keyTooLarge)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxEPCISBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.Invalid, keyTooLarge)
		}
		return apperr.Wrap(apperr.Invalid, err, "api.json_read")
	}
	events, err := trace.ParseEPCIS(b)
	if err != nil {
		return trace.EPCISProblem(err)
	}
	c, err := a.Trace.Capture(r.Context(), p, events)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "", epcisCaptured(c))
}

// epcisQueryDocument is an EPCISQueryDocument.
type epcisQueryDocument struct {
	Context       []any          `json:"@context"`
	Type          string         `json:"type"`
	SchemaVersion string         `json:"schemaVersion"`
	CreationDate  time.Time      `json:"creationDate"`
	EPCISBody     epcisQueryBody `json:"epcisBody"`
}

type epcisQueryBody struct {
	QueryResults epcisQueryResults `json:"queryResults"`
}

type epcisQueryResults struct {
	QueryName   string           `json:"queryName"`
	ResultsBody epcisResultsBody `json:"resultsBody"`
}

type epcisResultsBody struct {
	EventList []json.RawMessage `json:"eventList"`
}

// QueryEPCIS answers GET /api/v1/epcis/events: the events the caller may
// see (office: all; commune officers: their communes; producers: their
// own) matching SimpleEventQuery-style parameters, as an
// EPCISQueryDocument; the next page is in the Link header
// (nextPageToken).
func (a *API) QueryEPCIS(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	q := newParams(r)
	var f trace.EventFilter
	list := func(name string) []string {
		var out []string
		for _, v := range q.v[name] {
			for _, x := range strings.Split(v, "|") {
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			}
		}
		return out
	}
	for _, t := range list("eventType") {
		if t != trace.ObjectEvent && t != trace.AggregationEvent && t != trace.TransformationEvent {
			q.errs.Add("eventType", "trace.epcis_unknown_type", t)
		}
		f.EventTypes = append(f.EventTypes, t)
	}
	f.EPCs = append(append(list("MATCH_epc"), list("MATCH_anyEPC")...), list("MATCH_epcClass")...)
	f.BizSteps = list("EQ_bizStep")
	f.LotID = q.id("lot")
	when := func(name string) time.Time {
		s := q.str(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			q.errs.Add(name, "trace.epcis_time")
		}
		return t
	}
	f.From, f.To = when("GE_eventTime"), when("LT_eventTime")
	f.Limit = q.intRange("perPage", 100, 1, 1000)
	if tok := q.str("nextPageToken"); tok != "" {
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil || n <= 0 {
			q.errs.Add("nextPageToken", "trace.epcis_token")
		}
		f.After = n
	}
	if err := q.err(); err != nil {
		return err
	}
	events, next, err := a.Trace.Events(r.Context(), p, f)
	if err != nil {
		return err
	}
	if next > 0 {
		v := r.URL.Query()
		v.Set("nextPageToken", strconv.FormatInt(next, 10))
		w.Header().Set("Link", `<`+r.URL.Path+"?"+v.Encode()+`>; rel="next"`)
	}
	doc := epcisQueryDocument{Context: epcisContext, Type: "EPCISQueryDocument", SchemaVersion: "2.0", CreationDate: time.Now().UTC().Truncate(time.Second),
		EPCISBody: epcisQueryBody{QueryResults: epcisQueryResults{QueryName: "SimpleEventQuery", ResultsBody: epcisResultsBody{EventList: events}}}}
	w.Header().Set("GS1-EPCIS-Version", "2.0.0")
	return read(w, r, doc)
}

// epcisDocument documents the capture body: an EPCISDocument.
type epcisDocument struct {
	Context       []any            `json:"@context"`
	Type          string           `json:"type"`
	SchemaVersion string           `json:"schemaVersion"`
	CreationDate  time.Time        `json:"creationDate"`
	EPCISBody     epcisCaptureBody `json:"epcisBody"`
}

type epcisCaptureBody struct {
	EventList []epcisEvent `json:"eventList"`
}

// epcisEvent documents an event's fields (the handler parses events
// itself, field by field, so that problems can name them).
type epcisEvent struct {
	Type               string           `json:"type"`
	EventID            string           `json:"eventID,omitempty"`
	EventTime          time.Time        `json:"eventTime"`
	EventTimeZone      string           `json:"eventTimeZoneOffset"`
	Action             string           `json:"action,omitempty"`
	EPCList            []string         `json:"epcList,omitempty"`
	QuantityList       []trace.Quantity `json:"quantityList,omitempty"`
	ParentID           string           `json:"parentID,omitempty"`
	ChildEPCs          []string         `json:"childEPCs,omitempty"`
	ChildQuantityList  []trace.Quantity `json:"childQuantityList,omitempty"`
	InputEPCList       []string         `json:"inputEPCList,omitempty"`
	InputQuantityList  []trace.Quantity `json:"inputQuantityList,omitempty"`
	OutputEPCList      []string         `json:"outputEPCList,omitempty"`
	OutputQuantityList []trace.Quantity `json:"outputQuantityList,omitempty"`
	BizStep            string           `json:"bizStep,omitempty"`
	Disposition        string           `json:"disposition,omitempty"`
	ReadPoint          *trace.Place     `json:"readPoint,omitempty"`
	BizLocation        *trace.Place     `json:"bizLocation,omitempty"`
	PlaceName          string           `json:"ocop:placeName,omitempty"`
}

// traceOperations lists the trace endpoints for the OpenAPI document.
func traceOperations() []operation {
	return []operation{
		{method: "POST", path: "/api/v1/epcis/capture", id: "captureEPCIS", tag: "trace",
			summary: "Capture EPCIS 2.0 events",
			desc: "Body: an EPCISDocument (JSON or JSON-LD, Content-Type application/json or application/ld+json, at most 32 MB and 20,000 events). " +
				"ObjectEvent, AggregationEvent and TransformationEvent are accepted; every event must name a lot (Digital Link …/01/{gtin}/10/{lot}, " +
				"urn:ocop:lot:{product code}:{lot}, urn:epc:class:lgtin) or a stamp assigned to a lot (…/01/{gtin}/21/{serial}, …/q/{serial}, " +
				"urn:epc:id:sgtin) that the caller manages, and may not happen before the lot's production date (raw material: 7 days before) " +
				"or in the future. bizStep and disposition are CBV 2.0 values (short, URN or Web URI form). The document is stored whole or not at all; " +
				"a problem names the event and field (errors[].field such as epcisBody.eventList[3].eventTime). An event already stored " +
				"(same canonical event hash, eventID and recordTime excluded) is skipped and counted as a duplicate.",
			params: []string{"csrf"}, body: "EPCISDocument", status: 201, result: "EPCISCaptured", auth: true,
			errs: []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}},
		{method: "GET", path: "/api/v1/epcis/events", id: "queryEPCIS", tag: "trace",
			summary: "Query EPCIS events",
			desc: "The events the caller may see (office all, commune officers their communes, producers their own) as an EPCISQueryDocument, " +
				"oldest stored first; the next page's URL is in the Link header (rel=next). Lists in a parameter are separated by |.",
			params: []string{"eventType", "MATCH_epc", "MATCH_anyEPC", "MATCH_epcClass", "EQ_bizStep", "GE_eventTime", "LT_eventTime", "lot", "perPage", "nextPageToken"},
			status: 200, result: "EPCISQueryDocument", auth: true, errs: []string{"Invalid", "Unauthenticated", "Forbidden"}},
	}
}

// traceNotes describes the trace schemas' fields.
func traceNotes() map[string]note {
	return map[string]note{
		"EPCISDocument":                   {desc: "An EPCIS 2.0 EPCISDocument."},
		"EPCISDocument.type":              {enum: []string{"EPCISDocument"}},
		"EPCISDocument.schemaVersion":     {desc: "2.0"},
		"EPCISEvent.type":                 {enum: []string{trace.ObjectEvent, trace.AggregationEvent, trace.TransformationEvent}},
		"EPCISEvent.action":               {enum: []string{"ADD", "OBSERVE", "DELETE"}, desc: "Required except for TransformationEvent, which has none."},
		"EPCISEvent.eventTimeZoneOffset":  {desc: "The offset of the place the event happened, e.g. +07:00."},
		"EPCISEvent.bizStep":              {desc: "CBV 2.0 business step, e.g. commissioning, packing, shipping, receiving."},
		"EPCISEvent.disposition":          {desc: "CBV 2.0 disposition, e.g. active, in_transit, sellable_accessible."},
		"EPCISEvent.ocop:placeName":       {desc: "Extension: the human name of the place (e.g. the sale point that received the goods)."},
		"EPCISCaptured.captured":          {desc: "Events stored."},
		"EPCISCaptured.duplicates":        {desc: "Events skipped because the same event (canonical hash) was already stored."},
		"EPCISCaptured.eventIDs":          {desc: "The eventID of every event, in document order (the canonical hash ni:///sha-256;… when none was given)."},
		"EPCISQueryDocument":              {desc: "An EPCIS 2.0 EPCISQueryDocument (SimpleEventQuery results)."},
		"EPCISQueryResultsBody.eventList": {desc: "The events as stored (EPCIS 2.0 JSON-LD)."},
		"EPCISQuantity.uom":               {desc: "UN/CEFACT Rec 20 unit code, e.g. KGM, LTR."},
	}
}

// traceSchemas defines the trace schemas.
func traceSchemas(s *schemaSet) {
	s.define("EPCISQuantity", trace.Quantity{}, false)
	s.define("EPCISPlace", trace.Place{}, false)
	s.define("EPCISEvent", epcisEvent{}, true, "type", "eventTime", "eventTimeZoneOffset")
	s.define("EPCISCaptureBody", epcisCaptureBody{}, true, "eventList")
	s.define("EPCISDocument", epcisDocument{}, true, "type", "schemaVersion", "epcisBody")
	s.define("EPCISCaptured", epcisCaptured{}, false)
	s.define("EPCISQueryResultsBody", epcisResultsBody{}, false)
	s.define("EPCISQueryResults", epcisQueryResults{}, false)
	s.define("EPCISQueryBody", epcisQueryBody{}, false)
	s.define("EPCISQueryDocument", epcisQueryDocument{}, false)
}

// traceParameters lists the trace endpoints' shared parameters.
func traceParameters() map[string]any {
	uris := map[string]any{"type": "string", "maxLength": maxQueryLen}
	return map[string]any{
		"eventType":      queryParam("eventType", "Only these event types (| between several).", uris),
		"MATCH_epc":      queryParam("MATCH_epc", "Events naming this lot or stamp identifier (| between several).", uris),
		"MATCH_anyEPC":   queryParam("MATCH_anyEPC", "As MATCH_epc: events naming the lot in any role (object, input, output, parent, child).", uris),
		"MATCH_epcClass": queryParam("MATCH_epcClass", "As MATCH_epc, for class-level (lot) identifiers.", uris),
		"EQ_bizStep":     queryParam("EQ_bizStep", "Only these business steps (CBV, any form; | between several).", uris),
		"GE_eventTime":   queryParam("GE_eventTime", "Events at or after this time (RFC 3339).", map[string]any{"type": "string", "format": "date-time"}),
		"LT_eventTime":   queryParam("LT_eventTime", "Events before this time (RFC 3339).", map[string]any{"type": "string", "format": "date-time"}),
		"lot":            queryParam("lot", "Events of this lot (its id on the platform).", posInt),
		"perPage":        queryParam("perPage", "Events per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
		"nextPageToken":  queryParam("nextPageToken", "From the Link header of the previous page.", uris),
	}
}
