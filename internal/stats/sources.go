package stats

import (
	"context"
	"fmt"
	"slices"
)

// Sources report the figures that other modules record: sale points
// (market), trade-promotion events and supply–demand leads (trade), and
// which products have a recorded lot journey (trace). Package app wires
// them; a nil source leaves its part of the dashboard a labelled slot, so
// stats imports none of those packages.
type Sources struct {
	// SalePoints returns the operating sale points by current commune.
	SalePoints func(ctx context.Context) (map[string]int, error)
	// Events returns the events not yet started and those held this year.
	Events func(ctx context.Context) (upcoming, held int, err error)
	// Leads returns the supply–demand leads by state.
	Leads func(ctx context.Context) (map[string]int, error)
	// Traceable returns the products with at least one traced lot.
	Traceable func(ctx context.Context) (map[int64]bool, error)
}

// Market is the market-access part of the dashboard.
type Market struct {
	// SalePoints counts the operating sale points of the scope; Communes
	// the scope's communes; Without those that have none, listed.
	SalePoints, Communes int
	Without              []string
	// EventsKnown tells whether events are recorded; Upcoming and Held
	// count them (province-wide: events are the city's).
	EventsKnown    bool
	Upcoming, Held int
	// Leads counts the supply–demand leads by state (nil: not recorded).
	Leads      []KV
	LeadsTotal int
}

// KV is a named count.
type KV struct {
	Key   string
	Count int
}

// salePoints returns the operating sale points by commune, or nil when no
// source reports them.
func (s *Service) salePoints(ctx context.Context) (map[string]int, error) {
	if s.Sources.SalePoints == nil {
		return nil, nil
	}
	m, err := s.Sources.SalePoints(ctx)
	if err != nil {
		return nil, fmt.Errorf("sale points: %w", err)
	}
	if m == nil {
		m = map[string]int{}
	}
	return m, nil
}

// market computes the market part of a scope's dashboard: nil when no
// market source is wired.
func (s *Service) market(ctx context.Context, sc Scope) (*Market, error) {
	src := s.Sources
	if src.SalePoints == nil && src.Events == nil && src.Leads == nil {
		return nil, nil
	}
	m := &Market{}
	points, err := s.salePoints(ctx)
	if err != nil {
		return nil, err
	}
	communes := sc.Communes
	if sc.All {
		communes = nil
		for _, w := range s.Registry.Units().WardsOf(s.Province) {
			communes = append(communes, w.Code)
		}
	}
	m.Communes = len(communes)
	for _, c := range communes {
		m.SalePoints += points[c]
		if points[c] == 0 {
			m.Without = append(m.Without, c)
		}
	}
	if src.Events != nil {
		m.EventsKnown = true
		if m.Upcoming, m.Held, err = src.Events(ctx); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
	}
	if src.Leads != nil {
		byState, err := src.Leads(ctx)
		if err != nil {
			return nil, fmt.Errorf("leads: %w", err)
		}
		m.Leads = []KV{}
		for k, n := range byState {
			m.Leads = append(m.Leads, KV{k, n})
			m.LeadsTotal += n
		}
		slices.SortFunc(m.Leads, func(a, b KV) int { return compareKV(a, b) })
	}
	return m, nil
}

// leadOrder is the order of the lead states on the page.
var leadOrder = map[string]int{"contacted": 1, "sample_sent": 2, "negotiating": 3, "ordered": 4, "declined": 5}

func compareKV(a, b KV) int {
	oa, ob := leadOrder[a.Key], leadOrder[b.Key]
	if oa == 0 {
		oa = 99
	}
	if ob == 0 {
		ob = 99
	}
	if oa != ob {
		return oa - ob
	}
	if a.Key < b.Key {
		return -1
	}
	if a.Key > b.Key {
		return 1
	}
	return 0
}
