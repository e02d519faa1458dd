// Package stats computes the programme's statistics, targets and reports:
// the dashboard of the programme office and of commune officers, the
// drill-down lists behind every number, the office's targets with their
// progress, the monthly and yearly programme reports (XLSX and PDF) and the
// public headline figures.
//
// Every figure is a pure function of Facts, the records of a scope read in
// a handful of queries (LoadFacts). "Evaluated since 2019" (Cumulative)
// counts each product ever certified once, at the level of its latest
// certificate; "currently valid" (Valid) counts the products holding a
// certificate valid today, the status computed as package evaluation
// computes it.
//
// It imports account, apperr, db, evaluation and registry.
package stats

import (
	"log/slog"
	"sync"
	"time"

	"ocop/internal/account"
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
	// Stamps reports the stamp figures (nil: the dashboard shows none).
	Stamps *stamp.Service
	Log    *slog.Logger
	Now    func() time.Time
	// Sources report the market, trade and traceability figures (each
	// nil: not recorded, shown as a labelled slot).
	Sources Sources
	// Province is the code of the province whose programme the figures
	// describe (default "01", Hanoi): the communes and old districts
	// listed with zeros.
	Province string
}

// Service is the stats service.
type Service struct {
	Deps
	cache factsCache
	// raw keeps the registry rows and the certificates the facts are
	// assembled from, each at the value of its own change counter.
	raw struct {
		mu      sync.Mutex
		reg     *registryRead
		certKey string
		certs   []*Cert
	}
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Province == "" {
		d.Province = "01"
	}
	return &Service{Deps: d}
}
