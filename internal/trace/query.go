package trace

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// EventFilter selects events for the EPCIS query interface (a subset of
// SimpleEventQuery's parameters).
type EventFilter struct {
	EventTypes []string  // eventType
	EPCs       []string  // MATCH_epc, MATCH_anyEPC, MATCH_epcClass: lot or stamp identifiers
	LotID      int64     // lot (the platform's id)
	BizSteps   []string  // EQ_bizStep
	From, To   time.Time // GE_eventTime, LT_eventTime (zero: open)
	After      int64     // nextPageToken: events with a larger id
	Limit      int       // perPage (default 100, at most 1000)
}

// Events returns the events p may see that match f, as EPCIS JSON-LD, in
// the order they were stored, and the token of the next page (0: none).
func (s *Service) Events(ctx context.Context, p *account.Principal, f EventFilter) ([]json.RawMessage, int64, error) {
	if err := needLogin(p); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	cond, args := scopeFilter(p, "e.commune_code", "e.producer_id")
	where := []string{cond}
	in := func(col string, vals []any) {
		where = append(where, col+" IN ("+db.Placeholders(len(vals))+")")
		args = append(args, vals...)
	}
	if len(f.EventTypes) > 0 {
		v := make([]any, len(f.EventTypes))
		for i, t := range f.EventTypes {
			v[i] = t
		}
		in("e.event_type", v)
	}
	if len(f.BizSteps) > 0 {
		v := make([]any, len(f.BizSteps))
		for i, b := range f.BizSteps {
			short, ok := normaliseCBV(b, "bizstep", BizSteps)
			if !ok {
				return nil, 0, apperr.Fields(apperr.Field("EQ_bizStep", "trace.epcis_bizstep", b))
			}
			v[i] = short
		}
		in("e.biz_step", v)
	}
	var lots []any
	if f.LotID != 0 {
		lots = append(lots, f.LotID)
	}
	if len(f.EPCs) > 0 {
		r := &resolver{s: s, ctx: ctx, q: s.DB, cache: map[string]*lotRef{}}
		for _, u := range f.EPCs {
			l, err := r.lot(u)
			if err == nil {
				lots = append(lots, l.id)
			} else if !apperr.Is(err, apperr.NotFound) && err != errNotLot {
				return nil, 0, err
			}
		}
		if len(lots) == 0 {
			return []json.RawMessage{}, 0, nil
		}
	}
	if len(lots) > 0 {
		where = append(where, "e.id IN (SELECT event_id FROM trace_event_lots WHERE lot_id IN ("+db.Placeholders(len(lots))+"))")
		args = append(args, lots...)
	}
	if !f.From.IsZero() {
		where = append(where, "e.event_time >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "e.event_time < ?")
		args = append(args, f.To.UTC())
	}
	if f.After > 0 {
		where = append(where, "e.id > ?")
		args = append(args, f.After)
	}
	args = append(args, f.Limit+1)
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.document FROM trace_events e WHERE `+strings.Join(where, " AND ")+` ORDER BY e.id LIMIT ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []json.RawMessage{}
	var last, next int64
	for rows.Next() {
		var id int64
		var doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, 0, err
		}
		if len(out) == f.Limit {
			next = last
			break
		}
		out = append(out, json.RawMessage(doc))
		last = id
	}
	return out, next, rows.Err()
}

// Resolution is what the Digital Link resolver knows of a link: the
// product (public), its current certificate and the lot, if one was named.
type Resolution struct {
	ProductID   int64
	ProductName string
	ProductCode string
	Certificate string // number of the valid certificate, "" when none
	LotID       int64
	LotCode     string
	Recalled    bool
}

type cachedResolution struct {
	r   Resolution
	err error
	at  time.Time
}

// Resolve finds the public product of a Digital Link's GTIN and, when the
// link names one, the lot. Answers (found or not) are cached for CacheTTL.
func (s *Service) Resolve(ctx context.Context, d DigitalLink) (Resolution, error) {
	key := d.GTIN + "/" + d.Lot
	now := s.Now()
	s.mu.Lock()
	c, ok := s.resolved[key]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.CacheTTL && !now.Before(c.at) {
		return c.r, c.err
	}
	r, err := s.resolve(ctx, d)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return r, err
	}
	s.mu.Lock()
	if len(s.resolved) > 50000 {
		clear(s.resolved)
	}
	s.resolved[key] = cachedResolution{r: r, err: err, at: now}
	s.mu.Unlock()
	return r, err
}

func (s *Service) resolve(ctx context.Context, d DigitalLink) (Resolution, error) {
	var r Resolution
	v := gtinVariants(d.GTIN)
	err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.name, p.code FROM products p JOIN producers pr ON pr.id = p.producer_id
		WHERE p.gtin IN (`+db.Placeholders(len(v))+`) AND p.status = 'active' AND pr.status = 'active'`, v...).Scan(&r.ProductID, &r.ProductName, &r.ProductCode)
	if err != nil {
		return r, db.Scan(err, "trace.err_gtin_unknown")
	}
	if d.Lot != "" {
		err := s.DB.QueryRowContext(ctx, `SELECT id, code, recalled_at IS NOT NULL FROM trace_lots WHERE product_id = ? AND code = ?`, r.ProductID, d.Lot).
			Scan(&r.LotID, &r.LotCode, &r.Recalled)
		if err != nil {
			return r, db.Scan(err, "trace.err_lot_not_found")
		}
	}
	cert, err := s.Evaluation.CurrentCertificate(ctx, r.ProductID)
	switch {
	case apperr.Is(err, apperr.NotFound):
	case err != nil:
		return r, err
	case cert.Status.Valid():
		r.Certificate = cert.Number
	}
	return r, nil
}

// TraceableProducts returns the products that have at least one lot with
// at least one trace event (one grouped read over the events' lot index):
// the "share of products with traceability" the statistics targets need.
func (s *Service) TraceableProducts(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT l.product_id FROM trace_lots l WHERE EXISTS (SELECT 1 FROM trace_events e WHERE e.lot_id = l.id)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
