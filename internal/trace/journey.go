package trace

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"ocop/internal/db"
	"ocop/internal/stamp"
)

// lotRange is a run of stamps of one batch in one lot.
type lotRange struct {
	from, to int
	st       stamp.LotState
}

type cachedRanges struct {
	r  []lotRange
	at time.Time
}

type cachedJourney struct {
	j  *Journey
	at time.Time
}

// stampLot is the stamp service's LotFunc: the lot of the stamp at
// position seq of a batch, from a per-batch cache of its lot ranges (one
// indexed read per batch per CacheTTL; a batch in no lot is cached too).
// It also warms the lot's journey for the verification page.
func (s *Service) stampLot(ctx context.Context, batchID int64, seq int) (stamp.LotState, error) {
	now := s.Now()
	s.mu.Lock()
	c, ok := s.ranges[batchID]
	s.mu.Unlock()
	if !ok || now.Sub(c.at) >= s.CacheTTL || now.Before(c.at) {
		rows, err := s.DB.QueryContext(ctx, `SELECT r.seq_from, r.seq_to, l.id, l.code, l.recalled_at IS NOT NULL
			FROM trace_lot_stamps r JOIN trace_lots l ON l.id = r.lot_id WHERE r.batch_id = ?`, batchID)
		if err != nil {
			return stamp.LotState{}, err
		}
		var rs []lotRange
		for rows.Next() {
			var r lotRange
			if err := rows.Scan(&r.from, &r.to, &r.st.LotID, &r.st.Code, &r.st.Recalled); err != nil {
				rows.Close()
				return stamp.LotState{}, err
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return stamp.LotState{}, err
		}
		c = cachedRanges{r: rs, at: now}
		s.mu.Lock()
		if len(s.ranges) > 50000 {
			clear(s.ranges)
		}
		s.ranges[batchID] = c
		s.mu.Unlock()
	}
	for _, r := range c.r {
		if seq >= r.from && seq <= r.to {
			if _, err := s.Journey(ctx, r.st.LotID); err != nil {
				return stamp.LotState{}, err
			}
			return r.st, nil
		}
	}
	return stamp.LotState{}, nil
}

func (s *Service) forgetBatch(id int64) {
	s.mu.Lock()
	delete(s.ranges, id)
	s.mu.Unlock()
}

// forgetLot drops a lot's journey and every batch's ranges (a recall
// changes the state the ranges carry; recalls are rare).
func (s *Service) forgetLot(id int64) {
	s.mu.Lock()
	delete(s.journeys, id)
	clear(s.ranges)
	clear(s.resolved)
	s.mu.Unlock()
}

// Step is one event of a lot's journey as consumers see it.
type Step struct {
	Kind        string    `json:"kind"` // harvest, processing, packing, shipping, receiving or other
	BizStep     string    `json:"biz_step"`
	Disposition string    `json:"disposition,omitempty"`
	Time        time.Time `json:"time"`
	TZOffset    string    `json:"tz_offset"`
	Place       string    `json:"place,omitempty"`
	Location    string    `json:"location,omitempty"`
}

// Journey is what the verification page shows of a lot: the Circular
// 02/2024 consumer fields (production and expiry dates, applied
// standards, the raw-material areas and their certifications) and the
// events in time order.
type Journey struct {
	LotID        int64      `json:"-"`
	ProductID    int64      `json:"-"`
	ProductName  string     `json:"product_name"`
	ProducerName string     `json:"producer_name"`
	Code         string     `json:"lot"`
	ProducedOn   string     `json:"produced_on"`
	ExpiresOn    string     `json:"expires_on,omitempty"`
	Quantity     float64    `json:"quantity"`
	Unit         string     `json:"unit"`
	Standards    string     `json:"standards,omitempty"`
	RecalledAt   *time.Time `json:"recalled_at,omitempty"`
	RecallReason string     `json:"recall_reason,omitempty"`
	Areas        []Area     `json:"areas,omitempty"`
	Steps        []Step     `json:"steps"`
	// Public is true when the lot's product and producer are both active:
	// only then does the public journey page show it.
	Public bool `json:"-"`
}

// StepKind names an event for people from its type and business step.
func StepKind(eventType, bizStep string) string {
	switch {
	case eventType == TransformationEvent:
		return StepProcessing
	case bizStep == "commissioning":
		return StepHarvest
	case bizStep == "packing", bizStep == "shipping":
		return bizStep
	case bizStep == "receiving", bizStep == "accepting", bizStep == "arriving":
		return StepReceiving
	}
	return "other"
}

// Journey returns a lot's public journey, cached for CacheTTL (and dropped
// at once by this instance's own changes). Anyone may read it: it is what
// the stamps of the lot show.
func (s *Service) Journey(ctx context.Context, lotID int64) (*Journey, error) {
	now := s.Now()
	s.mu.Lock()
	c, ok := s.journeys[lotID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.CacheTTL && !now.Before(c.at) {
		return c.j, nil
	}
	j, err := s.loadJourney(ctx, lotID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.journeys) > 20000 {
		clear(s.journeys)
	}
	s.journeys[lotID] = cachedJourney{j: j, at: now}
	s.mu.Unlock()
	return j, nil
}

// CachedJourney returns the journey the verification just warmed; it
// loads it if it was dropped meanwhile.
func (s *Service) CachedJourney(lotID int64) *Journey {
	s.mu.Lock()
	c, ok := s.journeys[lotID]
	s.mu.Unlock()
	if ok {
		return c.j
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	j, err := s.Journey(ctx, lotID)
	if err != nil {
		s.Log.Warn("trace journey", "lot", lotID, "err", err)
		return nil
	}
	return j
}

func (s *Service) loadJourney(ctx context.Context, lotID int64) (*Journey, error) {
	j := &Journey{LotID: lotID, Steps: []Step{}}
	var rec sql.NullTime
	err := s.DB.QueryRowContext(ctx, `SELECT l.code, l.produced_on, l.expires_on, l.quantity, l.unit, l.standards, l.recalled_at, l.recall_reason,
		p.id, p.name, pr.name, p.status = 'active' AND pr.status = 'active' FROM trace_lots l JOIN products p ON p.id = l.product_id JOIN producers pr ON pr.id = l.producer_id WHERE l.id = ?`, lotID).
		Scan(&j.Code, &j.ProducedOn, &j.ExpiresOn, &j.Quantity, &j.Unit, &j.Standards, &rec, &j.RecallReason, &j.ProductID, &j.ProductName, &j.ProducerName, &j.Public)
	if err != nil {
		return nil, db.Scan(err, "trace.err_lot_not_found")
	}
	if rec.Valid {
		t := rec.Time.UTC()
		j.RecalledAt = &t
	}
	// Areas: the lot's own and those of its input lots (one level).
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT a.id, a.name, a.commune_code, a.hectares, a.materials, a.certifications FROM trace_areas a
		WHERE a.id IN (SELECT area_id FROM trace_lot_inputs WHERE lot_id = ? AND area_id IS NOT NULL)
		OR a.id IN (SELECT i2.area_id FROM trace_lot_inputs i1 JOIN trace_lot_inputs i2 ON i2.lot_id = i1.input_lot_id WHERE i1.lot_id = ? AND i2.area_id IS NOT NULL)
		ORDER BY a.id`, lotID, lotID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a Area
		var certs string
		if err := rows.Scan(&a.ID, &a.Name, &a.CommuneCode, &a.Hectares, &a.Materials, &certs); err != nil {
			rows.Close()
			return nil, err
		}
		_ = json.Unmarshal([]byte(certs), &a.Certifications)
		j.Areas = append(j.Areas, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Events of the lot and of its input lots, in time order.
	rows, err = s.DB.QueryContext(ctx, `SELECT DISTINCT e.id, e.event_type, e.biz_step, e.disposition, e.event_time, e.tz_offset, e.location_name, e.biz_location
		FROM trace_events e JOIN trace_event_lots el ON el.event_id = e.id
		WHERE el.lot_id = ? OR el.lot_id IN (SELECT input_lot_id FROM trace_lot_inputs WHERE lot_id = ? AND input_lot_id IS NOT NULL)
		ORDER BY e.event_time, e.id LIMIT 200`, lotID, lotID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st Step
		var id int64
		var typ string
		if err := rows.Scan(&id, &typ, &st.BizStep, &st.Disposition, &st.Time, &st.TZOffset, &st.Place, &st.Location); err != nil {
			return nil, err
		}
		st.Time = st.Time.UTC()
		st.Kind = StepKind(typ, st.BizStep)
		j.Steps = append(j.Steps, st)
	}
	return j, rows.Err()
}
