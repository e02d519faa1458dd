// Package trace records where an OCOP product comes from: raw-material areas,
// production lots, EPCIS 2.0 trace events, the GS1 Digital Link resolver and
// recalls.
//
// It owns the tables trace_areas, trace_lots, trace_lot_inputs,
// trace_lot_stamps, trace_events and trace_event_lots (migration 0012). It
// imports account, registry, evaluation and stamp; stamp learns about lots
// through the LotFunc this package installs (stamp.Service.SetLotFunc), so
// that a stamp of a recalled lot verifies as "recalled" without stamp
// importing trace. Scope: the programme office sees and changes every
// record, a commune officer those of its communes, a producer its own.
package trace

import (
	"log/slog"
	"sync"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
)

// Deps are what the service is built from.
type Deps struct {
	DB         *db.DB
	Accounts   *account.Service
	Registry   *registry.Service
	Evaluation *evaluation.Service
	Stamps     *stamp.Service
	Log        *slog.Logger
	Now        func() time.Time
	// CacheTTL is how long the verification hot path keeps a batch's lot
	// ranges and a lot's journey in memory (default 10 s, as stamp views).
	// Changes made through this instance drop them at once.
	CacheTTL time.Duration
}

// Service is the trace service.
type Service struct {
	Deps

	mu       sync.Mutex
	ranges   map[int64]cachedRanges  // batch id → lot ranges
	journeys map[int64]cachedJourney // lot id → journey
	resolved map[string]cachedResolution
}

// New returns the service and installs its lot lookup in the stamp
// service, so that verification knows each stamp's lot and recall.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.CacheTTL == 0 {
		d.CacheTTL = 10 * time.Second
	}
	s := &Service{Deps: d, ranges: map[int64]cachedRanges{}, journeys: map[int64]cachedJourney{}, resolved: map[string]cachedResolution{}}
	if d.Stamps != nil {
		d.Stamps.SetLotFunc(s.stampLot)
	}
	return s
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// canManage reports whether p may change (and see) a record of producerID
// in commune: the office any, a commune officer those of its communes, a
// producer its own — the registry's rule.
func canManage(p *account.Principal, commune string, producerID int64) bool {
	return p.Province() || p.InCommune(commune) || p.ActsFor(producerID)
}

func forbidden() error { return apperr.New(apperr.Forbidden, "err.out_of_scope") }

// CanKeep reports whether p's role keeps trace records at all (the
// office, commune officers, producers); the records themselves are then
// checked one by one.
func CanKeep(p *account.Principal) bool { return needLogin(p) == nil }

func needLogin(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleCommune, account.RoleProducer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// scopeFilter limits a list to what p may see; communeCol and producerCol
// name the listed table's columns.
func scopeFilter(p *account.Principal, communeCol, producerCol string) (string, []any) {
	switch {
	case p.Province():
		return "1 = 1", nil
	case p.Is(account.RoleCommune):
		if len(p.Communes) == 0 {
			return "1 = 0", nil
		}
		args := make([]any, len(p.Communes))
		for i, c := range p.Communes {
			args[i] = c
		}
		return communeCol + " IN (" + db.Placeholders(len(args)) + ")", args
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			return "1 = 0", nil
		}
		args := make([]any, len(p.Producers))
		for i, id := range p.Producers {
			args[i] = id
		}
		return producerCol + " IN (" + db.Placeholders(len(args)) + ")", args
	}
	return "1 = 0", nil
}
