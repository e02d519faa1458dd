package trace

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/stamp"
)

// Hash is the event's canonical hash, in the spirit of the EPCIS event
// hash (GS1 CBV 2.0 §8.9): the event's what/when/where/why fields in a
// fixed order, lists sorted, time in UTC to the millisecond, CBV values in
// short form; eventID and recordTime are left out. Two captures of the
// same event give the same hash, so it is stored once.
func (e Event) Hash() string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	sorted := func(l []string) string {
		c := append([]string(nil), l...)
		sort.Strings(c)
		return strings.Join(c, "|")
	}
	qty := func(l []Quantity) string {
		s := make([]string, len(l))
		for i, q := range l {
			s[i] = q.EPCClass + "#" + strconv.FormatFloat(q.Quantity, 'g', -1, 64) + "#" + q.UOM
		}
		return sorted(s)
	}
	line("eventType", e.Type)
	line("eventTime", e.EventTime.UTC().Format("2006-01-02T15:04:05.000Z"))
	line("eventTimeZoneOffset", e.TZOffset)
	line("action", e.Action)
	line("parentID", e.ParentID)
	line("epcList", sorted(e.EPCList))
	line("childEPCs", sorted(e.ChildEPCs))
	line("inputEPCList", sorted(e.InputEPCList))
	line("outputEPCList", sorted(e.OutputEPCList))
	line("quantityList", qty(e.QuantityList))
	line("childQuantityList", qty(e.ChildQuantityList))
	line("inputQuantityList", qty(e.InputQuantityList))
	line("outputQuantityList", qty(e.OutputQuantityList))
	line("transformationID", e.TransformationID)
	if e.ReadPoint != nil {
		line("readPoint", e.ReadPoint.ID)
	}
	if e.BizLocation != nil {
		line("bizLocation", e.BizLocation.ID)
	}
	line("bizStep", e.BizStep)
	line("disposition", e.Disposition)
	keys := make([]string, 0, len(e.Extra))
	for k := range e.Extra {
		if k != "@context" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		line(k, string(e.Extra[k]))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=CBV2.0"
}

// Capture is the outcome of a capture: events stored, and duplicates of
// events already stored (or repeated in the document) that were skipped.
type Capture struct {
	Captured   int      `json:"captured"`
	Duplicates int      `json:"duplicates"`
	EventIDs   []string `json:"eventIDs"`
}

// lotRef is what capture needs to know of a lot.
type lotRef struct {
	id, producer int64
	commune      string
	producedOn   string
	recalled     bool
}

// resolver finds the lots an event names, memoising within one capture.
type resolver struct {
	s     *Service
	ctx   context.Context
	q     db.Queryer
	cache map[string]*lotRef
}

// errNotLot marks an identifier that is not one of the platform's lots or
// stamps (a pallet's SSCC, a location…): allowed, bound to no lot.
var errNotLot = fmt.Errorf("not a lot")

func (r *resolver) lot(uri string) (*lotRef, error) {
	if l, ok := r.cache[uri]; ok {
		if l == nil {
			return nil, errNotLot
		}
		return l, nil
	}
	l, err := r.find(uri)
	if err == errNotLot {
		r.cache[uri] = nil
	} else if err == nil {
		r.cache[uri] = l
	}
	return l, err
}

const lotRefCols = `SELECT l.id, l.producer_id, l.commune_code, l.produced_on, l.recalled_at IS NOT NULL FROM trace_lots l `

func (r *resolver) scanRef(row *sql.Row) (*lotRef, error) {
	var l lotRef
	err := row.Scan(&l.id, &l.producer, &l.commune, &l.producedOn, &l.recalled)
	if err == sql.ErrNoRows {
		return nil, apperr.New(apperr.NotFound, "trace.err_lot_not_found")
	}
	return &l, err
}

// find resolves a lot identifier (Digital Link /01/…/10/…, urn:ocop:lot,
// urn:epc:class:lgtin) or a stamp identifier (Digital Link /01/…/21/…,
// …/q/{serial}, urn:epc:id:sgtin) to its lot.
func (r *resolver) find(uri string) (*lotRef, error) {
	if rest, ok := strings.CutPrefix(uri, "urn:ocop:lot:"); ok {
		product, code, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, apperr.New(apperr.NotFound, "trace.err_lot_not_found")
		}
		return r.scanRef(r.q.QueryRowContext(r.ctx, lotRefCols+`JOIN products p ON p.id = l.product_id WHERE p.code = ? AND l.code = ?`, product, code))
	}
	if rest, ok := strings.CutPrefix(uri, "urn:epc:class:lgtin:"); ok {
		parts := strings.Split(rest, ".")
		if len(parts) != 3 {
			return nil, errNotLot
		}
		gtin, ok := gtinFromEPC(parts[0], parts[1])
		if !ok {
			return nil, errNotLot
		}
		lot, err := url.PathUnescape(parts[2])
		if err != nil {
			return nil, errNotLot
		}
		return r.byGTIN(gtin, lot)
	}
	if rest, ok := strings.CutPrefix(uri, "urn:epc:id:sgtin:"); ok {
		parts := strings.Split(rest, ".")
		if len(parts) != 3 {
			return nil, errNotLot
		}
		gtin, ok := gtinFromEPC(parts[0], parts[1])
		if !ok {
			return nil, errNotLot
		}
		return r.byStamp(parts[2], gtin)
	}
	if strings.HasPrefix(uri, "https://") || strings.HasPrefix(uri, "http://") {
		u, err := url.Parse(uri)
		if err != nil {
			return nil, errNotLot
		}
		if dl, err := ParseDigitalLink(u.EscapedPath()); err == nil {
			switch {
			case dl.Serial != "":
				return r.byStamp(dl.Serial, dl.GTIN)
			case dl.Lot != "":
				return r.byGTIN(dl.GTIN, dl.Lot)
			}
			return nil, errNotLot
		}
		p := u.Path
		if i := strings.LastIndex(p, "/"); i >= 2 && (p[i-2:i] == "/q" || p[i-2:i] == "/Q") {
			return r.byStamp(p[i+1:], "")
		}
	}
	return nil, errNotLot
}

// gtinFromEPC rebuilds a GTIN-14 from an EPC URI's company prefix and
// indicator+item reference (TDS 2.x): indicator, prefix, item reference,
// then the check digit.
func gtinFromEPC(prefix, item string) (string, bool) {
	if len(prefix)+len(item) != 13 || item == "" {
		return "", false
	}
	body := item[:1] + prefix + item[1:]
	for c := '0'; c <= '9'; c++ {
		if g := body + string(c); stamp.ValidGTIN(g) {
			return g, true
		}
	}
	return "", false
}

// gtinVariants are the forms a GTIN-14 may be stored in on a product
// (GTIN-8/12/13/14 without leading zeros of the 14-digit form).
func gtinVariants(g14 string) []any {
	out := []any{g14}
	for _, n := range []int{13, 12, 8} {
		if strings.Count(g14[:14-n], "0") == 14-n {
			out = append(out, g14[14-n:])
		}
	}
	return out
}

func (r *resolver) byGTIN(gtin, code string) (*lotRef, error) {
	v := gtinVariants(stamp.GTIN14(gtin))
	args := append(v, code)
	return r.scanRef(r.q.QueryRowContext(r.ctx, lotRefCols+`JOIN products p ON p.id = l.product_id WHERE p.gtin IN (`+db.Placeholders(len(v))+`) AND l.code = ?`, args...))
}

func (r *resolver) byStamp(raw, gtin string) (*lotRef, error) {
	serial, ok := stamp.ParseSerial(raw)
	if !ok {
		return nil, apperr.New(apperr.NotFound, "trace.err_stamp_not_found")
	}
	var batch int64
	var seq int
	var pgtin string
	err := r.q.QueryRowContext(r.ctx, `SELECT s.batch_id, s.seq, COALESCE(p.gtin, '') FROM stamps s JOIN stamp_batches b ON b.id = s.batch_id
		JOIN products p ON p.id = b.product_id WHERE s.serial = ?`, serial).Scan(&batch, &seq, &pgtin)
	if err == sql.ErrNoRows || (err == nil && gtin != "" && stamp.GTIN14(pgtin) != stamp.GTIN14(gtin)) {
		return nil, apperr.New(apperr.NotFound, "trace.err_stamp_not_found")
	}
	if err != nil {
		return nil, err
	}
	ref, err := r.scanRef(r.q.QueryRowContext(r.ctx, lotRefCols+`JOIN trace_lot_stamps ls ON ls.lot_id = l.id
		WHERE ls.batch_id = ? AND ls.seq_from <= ? AND ls.seq_to >= ?`, batch, seq, seq))
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.New(apperr.NotFound, "trace.err_stamp_no_lot")
	}
	return ref, err
}

// eventLot is one lot an event names, with its role.
type eventLot struct {
	ref  *lotRef
	role string
}

// lotsOf resolves the lots an event names, in order of importance: the
// event's own objects, outputs, parent/children, then inputs.
func (r *resolver) lotsOf(e Event) ([]eventLot, *EPCISError) {
	var out []eventLot
	seen := map[string]bool{}
	add := func(field string, uris []string, role string) *EPCISError {
		for j, u := range uris {
			l, err := r.lot(u)
			if err == errNotLot {
				continue
			}
			if err != nil {
				if apperr.Is(err, apperr.NotFound) {
					return &EPCISError{Field: fmt.Sprintf("%s[%d]", field, j), Key: apperr.As(err).Key}
				}
				return &EPCISError{Field: fmt.Sprintf("%s[%d]", field, j), Key: "err.internal", Args: []any{err}}
			}
			if k := fmt.Sprint(l.id, role); !seen[k] {
				seen[k] = true
				out = append(out, eventLot{l, role})
			}
		}
		return nil
	}
	classes := func(l []Quantity) []string {
		s := make([]string, len(l))
		for i, q := range l {
			s[i] = q.EPCClass
		}
		return s
	}
	parent := []string{}
	if e.ParentID != "" {
		parent = append(parent, e.ParentID)
	}
	for _, x := range []struct {
		field string
		uris  []string
		role  string
	}{{"epcList", e.EPCList, "object"}, {"quantityList", classes(e.QuantityList), "object"},
		{"outputEPCList", e.OutputEPCList, "output"}, {"outputQuantityList", classes(e.OutputQuantityList), "output"},
		{"parentID", parent, "parent"}, {"childEPCs", e.ChildEPCs, "child"}, {"childQuantityList", classes(e.ChildQuantityList), "child"},
		{"inputEPCList", e.InputEPCList, "input"}, {"inputQuantityList", classes(e.InputQuantityList), "input"}} {
		if err := add(x.field, x.uris, x.role); err != nil {
			if x.field == "parentID" {
				err.Field = "parentID"
			}
			return nil, err
		}
	}
	return out, nil
}

// harvestAllowance is how long before a lot's production date its raw
// material may be harvested (commissioning events).
const harvestAllowance = 7 * 24 * time.Hour

// Capture stores events on behalf of p in one transaction: all or none.
// Every event must name at least one lot (or stamp of a lot) that p may
// manage, may name no lot p may not manage, and may not happen before its
// lots were made (raw material: up to 7 days before) or in the future.
// Events already stored (same canonical hash) are skipped and counted.
func (s *Service) Capture(ctx context.Context, p *account.Principal, events []Event) (Capture, error) {
	if err := needLogin(p); err != nil {
		return Capture{}, err
	}
	out := Capture{EventIDs: make([]string, 0, len(events))}
	touched := map[int64]bool{}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		seen := make(map[string]bool, len(events))
		pending := make([]pendingEvent, 0, len(events))
		r := &resolver{s: s, ctx: ctx, q: tx, cache: map[string]*lotRef{}}
		now := s.now()
		for i := range events {
			e := &events[i]
			lots, perr := r.lotsOf(*e)
			if perr != nil {
				perr.Index = i
				if perr.Key == "err.internal" {
					return fmt.Errorf("event %d: %v", i, perr.Args[0])
				}
				return epcisProblem(apperr.Invalid, perr)
			}
			if len(lots) == 0 {
				return epcisProblem(apperr.Invalid, &EPCISError{Index: i, Field: whatField(*e), Key: "trace.err_no_lot"})
			}
			for _, l := range lots {
				if !canManage(p, l.ref.commune, l.ref.producer) {
					return epcisProblem(apperr.Forbidden, &EPCISError{Index: i, Field: whatField(*e), Key: "trace.err_other_lot"})
				}
				made, _ := time.ParseInLocation("2006-01-02", l.ref.producedOn, vietnam)
				if e.BizStep == "commissioning" || l.role == "input" {
					made = made.Add(-harvestAllowance)
				}
				if e.EventTime.Before(made) {
					return epcisProblem(apperr.Invalid, &EPCISError{Index: i, Field: "eventTime", Key: "trace.err_before_lot", Args: []any{l.ref.producedOn}})
				}
			}
			if e.EventTime.After(now.Add(time.Hour)) {
				return epcisProblem(apperr.Invalid, &EPCISError{Index: i, Field: "eventTime", Key: "trace.err_future"})
			}
			hash := e.Hash()
			if e.EventID == "" {
				e.EventID = hash
			}
			out.EventIDs = append(out.EventIDs, e.EventID)
			if seen[hash] {
				out.Duplicates++ // repeated within the document
				continue
			}
			seen[hash] = true
			doc, err := json.Marshal(e)
			if err != nil {
				return err
			}
			rp, bl := "", ""
			if e.ReadPoint != nil {
				rp = e.ReadPoint.ID
			}
			if e.BizLocation != nil {
				bl = e.BizLocation.ID
			}
			main := lots[0].ref
			pending = append(pending, pendingEvent{hash: hash, lots: lots, row: []any{hash, main.producer, main.commune, main.id, e.Type, e.Action,
				e.EventTime.UTC(), e.TZOffset, now, e.BizStep, e.Disposition, rp, bl, e.PlaceName(), string(doc), nullID(p.UserID)}})
		}
		// Every event is valid: write them in multi-row statements (one
		// statement per chunk rather than two per event). Events already
		// stored are skipped by the unique hash and counted.
		for start := 0; start < len(pending); start += captureChunk {
			chunk := pending[start:min(start+captureChunk, len(pending))]
			inserted, err := insertEvents(ctx, tx, chunk)
			if err != nil {
				return err
			}
			var links []any
			for _, pe := range chunk {
				id, ok := inserted[pe.hash]
				if !ok {
					out.Duplicates++
					continue
				}
				out.Captured++
				for _, l := range pe.lots {
					links = append(links, id, l.ref.id, l.role)
					touched[l.ref.id] = true
				}
			}
			for len(links) > 0 {
				n := min(len(links), 3*captureChunk)
				part := links[:n]
				links = links[n:]
				q := `INSERT INTO trace_event_lots (event_id, lot_id, role) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(part)/3), ",")
				if _, err := tx.ExecContext(ctx, q, part...); err != nil {
					return err
				}
			}
		}
		if out.Captured == 0 {
			return nil
		}
		ids := make([]int64, 0, len(touched))
		for id := range touched {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if len(ids) > 50 {
			ids = ids[:50]
		}
		return account.Audit(ctx, tx, p, "trace.capture", "trace_event", "", "", nil,
			map[string]any{"captured": out.Captured, "duplicates": out.Duplicates, "lots": ids})
	})
	if err != nil {
		return Capture{}, err
	}
	for id := range touched {
		s.forgetLot(id)
	}
	return out, nil
}

// captureChunk is the number of events per INSERT statement (16
// parameters each: well under both engines' limits).
const captureChunk = 500

// pendingEvent is a validated event waiting to be written.
type pendingEvent struct {
	hash string
	lots []eventLot
	row  []any
}

// insertEvents writes a chunk of events in one statement and returns the
// ids of those inserted, by hash (the others were already stored).
func insertEvents(ctx context.Context, tx *db.Tx, chunk []pendingEvent) (map[string]int64, error) {
	args := make([]any, 0, 16*len(chunk))
	for _, pe := range chunk {
		args = append(args, pe.row...)
	}
	q := `INSERT INTO trace_events (hash, producer_id, commune_code, lot_id, event_type, action, event_time, tz_offset,
		record_time, biz_step, disposition, read_point, biz_location, location_name, document, created_by) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?),", len(chunk)), ",") +
		` ON CONFLICT (hash) DO NOTHING RETURNING id, hash`
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]int64, len(chunk))
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[h] = id
	}
	return out, rows.Err()
}

func whatField(e Event) string {
	switch e.Type {
	case TransformationEvent:
		return "outputQuantityList"
	case AggregationEvent:
		return "childEPCs"
	}
	if len(e.EPCList) > 0 {
		return "epcList"
	}
	return "quantityList"
}

// epcisProblem turns a positioned EPCIS error into an apperr with the
// field path, so that the API's problem document names the event and
// field.
func epcisProblem(code apperr.Code, e *EPCISError) error {
	args := append([]any{e.Path()}, e.Args...)
	return &apperr.Error{Code: code, Key: "trace.epcis_at", Args: []any{e.Path()},
		Fields: []apperr.FieldError{apperr.Field(e.Path(), e.Key, args[1:]...)}, Err: e}
}

// EPCISProblem is epcisProblem for parse errors (always Invalid).
func EPCISProblem(err error) error {
	if e, ok := err.(*EPCISError); ok {
		return epcisProblem(apperr.Invalid, e)
	}
	return err
}

var vietnam = time.FixedZone("ICT", 7*3600)

// Steps of the simple event form, each an EPCIS event shape.
const (
	StepHarvest    = "harvest"    // ObjectEvent ADD, bizStep commissioning: raw material harvested or collected
	StepProcessing = "processing" // TransformationEvent: input lots (or the area) into this lot
	StepPacking    = "packing"    // ObjectEvent OBSERVE, bizStep packing
	StepShipping   = "shipping"   // ObjectEvent OBSERVE, bizStep shipping, disposition in_transit
	StepReceiving  = "receiving"  // ObjectEvent OBSERVE, bizStep receiving at a sale point
)

// Steps lists the form's steps in journey order.
var Steps = []string{StepHarvest, StepProcessing, StepPacking, StepShipping, StepReceiving}

// EventForm is the simple form a producer fills in on a phone.
type EventForm struct {
	Step     string  `json:"step"`
	Time     string  `json:"time"` // local Vietnam time, "2006-01-02T15:04"
	AreaID   int64   `json:"area_id"`
	Inputs   []int64 `json:"inputs"` // input lots of a processing step
	Place    string  `json:"place"`  // where (a sale point's name for receiving)
	Quantity float64 `json:"quantity"`
	// SalePointID is the market module's sale point that received the
	// lot (receiving only; 0 when the place is free text). The caller
	// checks that the point operates and gives its name in Place.
	SalePointID int64 `json:"sale_point_id,omitempty"`
}

// AddEvent records one event of a lot from the simple form, through the
// same path as an EPCIS capture.
func (s *Service) AddEvent(ctx context.Context, p *account.Principal, lotID int64, f EventForm) (Capture, error) {
	l, err := s.Lot(ctx, p, lotID)
	if err != nil {
		return Capture{}, err
	}
	var errs apperr.Errs
	t, terr := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f.Time), vietnam)
	if terr != nil {
		errs.Add("time", "trace.err_time")
	}
	if !contains(Steps, f.Step) {
		errs.Add("step", "trace.err_step")
	}
	f.Place = strings.TrimSpace(f.Place)
	if len([]rune(f.Place)) > 200 || (f.Step == StepReceiving && f.Place == "") {
		errs.Add("place", "trace.err_place_name")
	}
	checkClean(&errs, "place", f.Place)
	if !(f.Quantity >= 0 && f.Quantity <= 1e12) { // NaN and infinities fail
		errs.Add("quantity", "trace.err_quantity")
	}
	if err := errs.Err(); err != nil {
		return Capture{}, err
	}
	qty := []Quantity{{EPCClass: l.URI(), Quantity: f.Quantity, UOM: uom(l.Unit)}}
	if f.Quantity == 0 {
		qty[0].Quantity, qty[0].UOM = 0, ""
	}
	e := Event{EventTime: t.UTC(), TZOffset: "+07:00", BizLocation: &Place{ID: fmt.Sprintf("urn:ocop:producer:%d", l.ProducerID)}}
	switch f.Step {
	case StepHarvest:
		e.Type, e.Action, e.BizStep, e.Disposition, e.QuantityList = ObjectEvent, "ADD", "commissioning", "active", qty
		if f.AreaID != 0 {
			a, err := s.Area(ctx, p, f.AreaID)
			if err != nil || a.ProducerID != l.ProducerID {
				return Capture{}, apperr.Fields(apperr.Field("area_id", "trace.err_input_owner"))
			}
			e.ReadPoint = &Place{ID: a.URI()}
			if f.Place == "" {
				f.Place = a.Name
			}
		}
	case StepProcessing:
		e.Type, e.BizStep, e.Disposition, e.OutputQuantityList = TransformationEvent, "commissioning", "active", qty
		for i, id := range f.Inputs {
			in, err := s.Lot(ctx, p, id)
			if err != nil || in.ProducerID != l.ProducerID {
				return Capture{}, apperr.Fields(apperr.Field(fmt.Sprintf("inputs[%d]", i), "trace.err_input_owner"))
			}
			e.InputQuantityList = append(e.InputQuantityList, Quantity{EPCClass: in.URI()})
		}
	case StepPacking:
		e.Type, e.Action, e.BizStep, e.Disposition, e.QuantityList = ObjectEvent, "OBSERVE", "packing", "in_progress", qty
	case StepShipping:
		e.Type, e.Action, e.BizStep, e.Disposition, e.QuantityList = ObjectEvent, "OBSERVE", "shipping", "in_transit", qty
	case StepReceiving:
		e.Type, e.Action, e.BizStep, e.Disposition, e.QuantityList = ObjectEvent, "OBSERVE", "receiving", "sellable_accessible", qty
		e.BizLocation = &Place{ID: PlaceURI(f.Place)}
		if f.SalePointID > 0 {
			e.BizLocation = &Place{ID: SalePointURI(f.SalePointID)}
		}
	}
	if f.Place != "" {
		b, _ := json.Marshal(f.Place)
		e.Extra = map[string]json.RawMessage{placeNameKey: b}
	}
	c, err := s.Capture(ctx, p, []Event{e})
	var ae *apperr.Error
	if err != nil {
		if ae = apperr.As(err); ae != nil && ae.Key == "trace.epcis_at" && len(ae.Fields) == 1 {
			// The form has one time field: say it there.
			f := ae.Fields[0]
			if strings.HasSuffix(f.Field, "eventTime") {
				return c, &apperr.Error{Code: ae.Code, Key: f.Key, Args: f.Args, Fields: []apperr.FieldError{apperr.Field("time", f.Key, f.Args...)}}
			}
		}
	}
	return c, err
}

// PlaceURI is the bizLocation of a place known only by its name (a sale
// point until the market module's records can be referenced).
func PlaceURI(name string) string {
	return "urn:ocop:place:" + url.PathEscape(strings.ToLower(strings.Join(strings.Fields(name), "-")))
}

// SalePointURI is the bizLocation of a sale point of the market module.
func SalePointURI(id int64) string { return salePointPrefix + strconv.FormatInt(id, 10) }

const salePointPrefix = "urn:ocop:salepoint:"

// SalePointOf returns the sale point id of a bizLocation written by
// SalePointURI, or 0.
func SalePointOf(location string) int64 {
	rest, ok := strings.CutPrefix(location, salePointPrefix)
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// uom maps a lot unit to its UN/CEFACT Rec 20 code for EPCIS quantities.
func uom(unit string) string {
	switch unit {
	case "kg":
		return "KGM"
	case "g":
		return "GRM"
	case "t":
		return "TNE"
	case "l":
		return "LTR"
	case "ml":
		return "MLT"
	}
	return "H87" // piece
}
