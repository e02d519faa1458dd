package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Event types the platform captures. EPCIS 2.0 also defines
// AssociationEvent and TransactionEvent; they are refused with their own
// message (not needed for a product's journey).
const (
	ObjectEvent         = "ObjectEvent"
	AggregationEvent    = "AggregationEvent"
	TransformationEvent = "TransformationEvent"
)

// Quantity is an EPCIS QuantityElement: a class-level identifier (here a
// lot) with an amount.
type Quantity struct {
	EPCClass string  `json:"epcClass"`
	Quantity float64 `json:"quantity"`
	UOM      string  `json:"uom,omitempty"`
}

// Place is an EPCIS readPoint or bizLocation.
type Place struct {
	ID string `json:"id"`
}

// Event is one EPCIS 2.0 event as the platform keeps it: the standard's
// what (EPCs, quantities, inputs/outputs), when (eventTime and its zone
// offset), where (readPoint, bizLocation) and why (bizStep, disposition,
// CBV short names), plus the other standard fields and extensions as given.
type Event struct {
	Type               string     `json:"type"`
	EventID            string     `json:"eventID,omitempty"`
	EventTime          time.Time  `json:"-"`
	TZOffset           string     `json:"eventTimeZoneOffset"`
	Action             string     `json:"action,omitempty"`
	ParentID           string     `json:"parentID,omitempty"`
	EPCList            []string   `json:"epcList,omitempty"`
	ChildEPCs          []string   `json:"childEPCs,omitempty"`
	QuantityList       []Quantity `json:"quantityList,omitempty"`
	ChildQuantityList  []Quantity `json:"childQuantityList,omitempty"`
	InputEPCList       []string   `json:"inputEPCList,omitempty"`
	InputQuantityList  []Quantity `json:"inputQuantityList,omitempty"`
	OutputEPCList      []string   `json:"outputEPCList,omitempty"`
	OutputQuantityList []Quantity `json:"outputQuantityList,omitempty"`
	TransformationID   string     `json:"transformationID,omitempty"`
	BizStep            string     `json:"bizStep,omitempty"`
	Disposition        string     `json:"disposition,omitempty"`
	ReadPoint          *Place     `json:"readPoint,omitempty"`
	BizLocation        *Place     `json:"bizLocation,omitempty"`
	// Extra holds the other standard fields (bizTransactionList,
	// sourceList, destinationList, ilmd, sensorElementList, …) and
	// namespaced extensions ("ocop:placeName"), as given.
	Extra map[string]json.RawMessage `json:"-"`
}

// PlaceName is the human name of the event's place: the ocop:placeName
// extension, if any.
func (e Event) PlaceName() string {
	var s string
	if raw, ok := e.Extra[placeNameKey]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

const placeNameKey = "ocop:placeName"

// ContextURL is the EPCIS 2.0 JSON-LD context.
const ContextURL = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"

// OcopNS is the namespace of the platform's extension fields.
const OcopNS = "https://ocop.gov.vn/epcis/"

// MarshalJSON writes the event as EPCIS 2.0 JSON-LD: eventTime in the
// event's own offset, CBV values in their short form, extras merged in.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	b, err := json.Marshal(plain(e))
	if err != nil {
		return nil, err
	}
	t := e.EventTime
	if loc, ok := offsetZone(e.TZOffset); ok {
		t = t.In(loc)
	}
	// Splice eventTime and the extras in front of the struct's fields
	// (extras never share a name with them: see parseEvent).
	out := make([]byte, 0, len(b)+64)
	out = append(out, `{"eventTime":"`...)
	out = t.AppendFormat(out, "2006-01-02T15:04:05.000Z07:00")
	out = append(out, '"')
	keys := make([]string, 0, len(e.Extra))
	for k := range e.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		out = append(out, ',')
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, e.Extra[k]...)
	}
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// EPCISError is a precise reason to refuse a document: which event (-1 for
// the document itself) and which field, with a message key.
type EPCISError struct {
	Index int
	Field string
	Key   string
	Args  []any
}

// Error describes the problem for logs.
func (e *EPCISError) Error() string {
	return fmt.Sprintf("%s: %s %v", e.Path(), e.Key, e.Args)
}

// Path names the field as a JSON path inside the document.
func (e *EPCISError) Path() string {
	p := ""
	if e.Index >= 0 {
		p = fmt.Sprintf("epcisBody.eventList[%d]", e.Index)
	}
	if e.Field != "" {
		if p != "" {
			p += "."
		}
		p += e.Field
	}
	return p
}

// MaxEvents is the most events one capture document may carry.
const MaxEvents = 20_000

// hasNUL reports whether a JSON value holds a NUL character (written
// \u0000) in any key or string: PostgreSQL cannot store it in TEXT.
// Bytes that are not UTF-8 need no check: encoding/json replaces them.
func hasNUL(raw json.RawMessage) bool {
	if !bytes.Contains(raw, []byte(`\u0000`)) {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false // parseEvent reports the syntax
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			return strings.ContainsRune(x, 0)
		case []any:
			for _, y := range x {
				if walk(y) {
					return true
				}
			}
		case map[string]any:
			for k, y := range x {
				if strings.ContainsRune(k, 0) || walk(y) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// ParseEPCIS reads an EPCISDocument (EPCIS 2.0 JSON/JSON-LD). It checks the
// shape, the event types, times, actions, identifiers and CBV values, and
// stops at the first problem with its position; it never looks at the
// database.
func ParseEPCIS(b []byte) ([]Event, error) {
	docErr := func(field, key string, args ...any) error {
		return &EPCISError{Index: -1, Field: field, Key: key, Args: args}
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, docErr("", "trace.epcis_not_object")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		var syn *json.SyntaxError
		if ok := asSyntax(err, &syn); ok {
			return nil, docErr("", "trace.epcis_syntax", syn.Offset)
		}
		return nil, docErr("", "trace.epcis_not_object")
	}
	var typ string
	if json.Unmarshal(doc["type"], &typ) != nil || typ != "EPCISDocument" {
		return nil, docErr("type", "trace.epcis_doc_type")
	}
	var ver string
	if json.Unmarshal(doc["schemaVersion"], &ver) != nil || !strings.HasPrefix(ver, "2.") {
		return nil, docErr("schemaVersion", "trace.epcis_version")
	}
	var body map[string]json.RawMessage
	if json.Unmarshal(doc["epcisBody"], &body) != nil || body == nil {
		return nil, docErr("epcisBody", "trace.epcis_body")
	}
	var list []json.RawMessage
	if json.Unmarshal(body["eventList"], &list) != nil || list == nil {
		return nil, docErr("epcisBody.eventList", "trace.epcis_body")
	}
	if len(list) == 0 {
		return nil, docErr("epcisBody.eventList", "trace.epcis_empty")
	}
	if len(list) > MaxEvents {
		return nil, docErr("epcisBody.eventList", "trace.epcis_too_many", MaxEvents)
	}
	out := make([]Event, 0, len(list))
	for i, raw := range list {
		if hasNUL(raw) {
			return nil, &EPCISError{Index: i, Key: "err.control_chars"}
		}
		e, err := parseEvent(raw)
		if err != nil {
			err.Index = i
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func asSyntax(err error, target **json.SyntaxError) bool {
	s, ok := err.(*json.SyntaxError)
	if ok {
		*target = s
	}
	return ok
}

var offsetRe = regexp.MustCompile(`^[+-](0\d|1[0-4]):[0-5]\d$`)

// offsetZone turns "+07:00" into a fixed zone.
func offsetZone(s string) (*time.Location, bool) {
	if !offsetRe.MatchString(s) {
		return nil, false
	}
	h := int(s[1]-'0')*10 + int(s[2]-'0')
	m := int(s[4]-'0')*10 + int(s[5]-'0')
	sec := h*3600 + m*60
	if s[0] == '-' {
		sec = -sec
	}
	return time.FixedZone(s, sec), true
}

// passThrough are the standard event fields kept as given.
var passThrough = map[string]bool{"bizTransactionList": true, "sourceList": true, "destinationList": true, "sensorElementList": true,
	"persistentDisposition": true, "ilmd": true, "certificationInfo": true, "errorDeclaration": true, "@context": true}

func parseEvent(raw json.RawMessage) (Event, *EPCISError) {
	fail := func(field, key string, args ...any) (Event, *EPCISError) {
		return Event{}, &EPCISError{Field: field, Key: key, Args: args}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fail("", "trace.epcis_event_object")
	}
	var e Event
	str := func(k string, dst *string) *EPCISError {
		v, ok := m[k]
		if !ok {
			return nil
		}
		if json.Unmarshal(v, dst) != nil {
			return &EPCISError{Field: k, Key: "trace.epcis_string"}
		}
		return nil
	}
	if err := str("type", &e.Type); err != nil {
		return Event{}, err
	}
	switch e.Type {
	case ObjectEvent, AggregationEvent, TransformationEvent:
	case "AssociationEvent", "TransactionEvent":
		return fail("type", "trace.epcis_unsupported_type", e.Type)
	case "":
		return fail("type", "trace.epcis_required")
	default:
		return fail("type", "trace.epcis_unknown_type", e.Type)
	}
	var when string
	if err := str("eventTime", &when); err != nil {
		return Event{}, err
	}
	if when == "" {
		return fail("eventTime", "trace.epcis_required")
	}
	t, err := time.Parse(time.RFC3339Nano, when)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return fail("eventTime", "trace.epcis_time")
	}
	e.EventTime = t.UTC().Truncate(time.Millisecond)
	if err := str("eventTimeZoneOffset", &e.TZOffset); err != nil {
		return Event{}, err
	}
	if _, ok := offsetZone(e.TZOffset); !ok {
		return fail("eventTimeZoneOffset", "trace.epcis_offset")
	}
	for _, k := range []string{"eventID", "action", "parentID", "transformationID", "bizStep", "disposition"} {
		var dst *string
		switch k {
		case "eventID":
			dst = &e.EventID
		case "action":
			dst = &e.Action
		case "parentID":
			dst = &e.ParentID
		case "transformationID":
			dst = &e.TransformationID
		case "bizStep":
			dst = &e.BizStep
		case "disposition":
			dst = &e.Disposition
		}
		if err := str(k, dst); err != nil {
			return Event{}, err
		}
	}
	if e.Type == TransformationEvent {
		if _, has := m["action"]; has {
			return fail("action", "trace.epcis_no_action")
		}
	} else if e.Action != "ADD" && e.Action != "OBSERVE" && e.Action != "DELETE" {
		return fail("action", "trace.epcis_action")
	}
	uriList := func(k string, dst *[]string) *EPCISError {
		v, ok := m[k]
		if !ok {
			return nil
		}
		if json.Unmarshal(v, dst) != nil {
			return &EPCISError{Field: k, Key: "trace.epcis_list"}
		}
		for j, u := range *dst {
			if !isURI(u) {
				return &EPCISError{Field: fmt.Sprintf("%s[%d]", k, j), Key: "trace.epcis_uri"}
			}
		}
		return nil
	}
	qtyList := func(k string, dst *[]Quantity) *EPCISError {
		v, ok := m[k]
		if !ok {
			return nil
		}
		var items []map[string]json.RawMessage
		if json.Unmarshal(v, &items) != nil {
			return &EPCISError{Field: k, Key: "trace.epcis_list"}
		}
		for j, it := range items {
			var q Quantity
			f := fmt.Sprintf("%s[%d]", k, j)
			if json.Unmarshal(it["epcClass"], &q.EPCClass) != nil || !isURI(q.EPCClass) {
				return &EPCISError{Field: f + ".epcClass", Key: "trace.epcis_uri"}
			}
			if qr, has := it["quantity"]; has && (json.Unmarshal(qr, &q.Quantity) != nil || q.Quantity < 0 || math.IsInf(q.Quantity, 0)) {
				return &EPCISError{Field: f + ".quantity", Key: "trace.epcis_quantity"}
			}
			if ur, has := it["uom"]; has && (json.Unmarshal(ur, &q.UOM) != nil || len(q.UOM) > 3 || q.UOM == "") {
				return &EPCISError{Field: f + ".uom", Key: "trace.epcis_uom"}
			}
			for key := range it {
				if key != "epcClass" && key != "quantity" && key != "uom" {
					return &EPCISError{Field: f + "." + key, Key: "trace.epcis_unknown_field"}
				}
			}
			*dst = append(*dst, q)
		}
		return nil
	}
	for _, l := range []struct {
		k string
		d *[]string
	}{{"epcList", &e.EPCList}, {"childEPCs", &e.ChildEPCs}, {"inputEPCList", &e.InputEPCList}, {"outputEPCList", &e.OutputEPCList}} {
		if err := uriList(l.k, l.d); err != nil {
			return Event{}, err
		}
	}
	for _, l := range []struct {
		k string
		d *[]Quantity
	}{{"quantityList", &e.QuantityList}, {"childQuantityList", &e.ChildQuantityList}, {"inputQuantityList", &e.InputQuantityList},
		{"outputQuantityList", &e.OutputQuantityList}} {
		if err := qtyList(l.k, l.d); err != nil {
			return Event{}, err
		}
	}
	place := func(k string) (*Place, *EPCISError) {
		v, ok := m[k]
		if !ok {
			return nil, nil
		}
		var pm map[string]json.RawMessage
		var p Place
		if json.Unmarshal(v, &pm) != nil || json.Unmarshal(pm["id"], &p.ID) != nil || !isURI(p.ID) {
			return nil, &EPCISError{Field: k + ".id", Key: "trace.epcis_uri"}
		}
		return &p, nil
	}
	var perr *EPCISError
	if e.ReadPoint, perr = place("readPoint"); perr != nil {
		return Event{}, perr
	}
	if e.BizLocation, perr = place("bizLocation"); perr != nil {
		return Event{}, perr
	}
	if e.BizStep != "" {
		s, ok := normaliseCBV(e.BizStep, "bizstep", BizSteps)
		if !ok {
			return fail("bizStep", "trace.epcis_bizstep", e.BizStep)
		}
		e.BizStep = s
	}
	if e.Disposition != "" {
		s, ok := normaliseCBV(e.Disposition, "disp", Dispositions)
		if !ok {
			return fail("disposition", "trace.epcis_disposition", e.Disposition)
		}
		e.Disposition = s
	}
	if e.ParentID != "" && !isURI(e.ParentID) {
		return fail("parentID", "trace.epcis_uri")
	}
	switch e.Type {
	case ObjectEvent:
		if len(e.EPCList)+len(e.QuantityList) == 0 {
			return fail("epcList", "trace.epcis_what")
		}
	case AggregationEvent:
		if e.ParentID == "" && e.Action != "OBSERVE" {
			return fail("parentID", "trace.epcis_required")
		}
		if len(e.ChildEPCs)+len(e.ChildQuantityList) == 0 {
			return fail("childEPCs", "trace.epcis_what")
		}
	case TransformationEvent:
		if len(e.InputEPCList)+len(e.InputQuantityList)+len(e.OutputEPCList)+len(e.OutputQuantityList) == 0 {
			return fail("outputQuantityList", "trace.epcis_what")
		}
	}
	known := map[string]bool{"type": true, "eventTime": true, "eventTimeZoneOffset": true, "eventID": true, "action": true, "parentID": true,
		"transformationID": true, "bizStep": true, "disposition": true, "epcList": true, "childEPCs": true, "inputEPCList": true,
		"outputEPCList": true, "quantityList": true, "childQuantityList": true, "inputQuantityList": true, "outputQuantityList": true,
		"readPoint": true, "bizLocation": true, "recordTime": true}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case known[k]:
		case passThrough[k] || (strings.Contains(k, ":") && !strings.HasPrefix(k, ":") && !strings.HasSuffix(k, ":")):
			if e.Extra == nil {
				e.Extra = map[string]json.RawMessage{}
			}
			var buf bytes.Buffer
			if json.Compact(&buf, m[k]) != nil {
				return fail(k, "trace.epcis_unknown_field")
			}
			e.Extra[k] = buf.Bytes()
		default:
			return fail(k, "trace.epcis_unknown_field")
		}
	}
	if raw, ok := e.Extra[placeNameKey]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil || len(s) > 200 {
			return fail(placeNameKey, "trace.epcis_string")
		}
	}
	return e, nil
}

// isURI accepts what EPCIS identifiers look like: a scheme, a colon and no
// spaces (urn:epc:…, https://…), at most 500 bytes.
func isURI(s string) bool {
	if len(s) < 3 || len(s) > 500 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// BizSteps are the CBV 2.0 business steps (short names).
var BizSteps = []string{"accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance",
	"cycle_counting", "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding", "entering_exiting", "holding",
	"inspecting", "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing", "repackaging", "repairing",
	"replacing", "reserving", "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking",
	"storing", "transporting", "unloading", "unpacking", "void_shipping"}

// Dispositions are the CBV 2.0 dispositions (short names).
var Dispositions = []string{"active", "available", "completeness_verified", "completeness_inferred", "conformant", "container_closed",
	"container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit", "inactive",
	"mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement", "no_pedigree_match", "non_conformant",
	"non_sellable_other", "partially_dispensed", "recalled", "reserved", "retail_sold", "returned", "sellable_accessible",
	"sellable_not_accessible", "stolen", "unavailable", "unknown"}

// normaliseCBV accepts a CBV value in its short form ("shipping"), URN
// form (urn:epcglobal:cbv:bizstep:shipping) or Web URI form
// (https://ref.gs1.org/cbv/BizStep-shipping) and returns the short form;
// a value of another vocabulary (any other URI) is kept as given.
func normaliseCBV(v, kind string, list []string) (string, bool) {
	short := v
	webKind := map[string]string{"bizstep": "BizStep-", "disp": "Disp-"}[kind]
	switch {
	case strings.HasPrefix(v, "urn:epcglobal:cbv:"+kind+":"):
		short = strings.TrimPrefix(v, "urn:epcglobal:cbv:"+kind+":")
	case strings.HasPrefix(v, "https://ref.gs1.org/cbv/"+webKind):
		short = strings.TrimPrefix(v, "https://ref.gs1.org/cbv/"+webKind)
	case strings.HasPrefix(v, "urn:epcglobal:") || strings.HasPrefix(v, "https://ref.gs1.org/"):
		return "", false
	case isURI(v):
		return v, true
	}
	return short, contains(list, short)
}
