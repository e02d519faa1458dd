// Package catalogue is the public catalogue: search in Vietnamese, facets,
// product, producer and craft-village pages, the map and the sitemap.
//
// Search folds the query like the registry's search keys (textfold), runs
// it against the full-text index of each engine (SQLite FTS5, PostgreSQL
// tsvector/GIN), replaces words that match nothing by their nearest
// indexed words (typo tolerance over an in-memory vocabulary), and ranks by
// relevance then by the product's current valid star. Stars come from the
// derived table catalogue_stars, rebuilt from the certificates whenever
// they (or the day) change, so every list agrees with the certificate
// pages.
package catalogue

import (
	"log/slog"
	"sync"
	"time"

	"ocop/internal/account"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// Deps are what the service is built from.
type Deps struct {
	DB         *db.DB
	Accounts   *account.Service
	Registry   *registry.Service
	Evaluation *evaluation.Service
	Log        *slog.Logger
	Now        func() time.Time
	// NoCache turns the result cache off (benchmarks of the cold path).
	NoCache bool
}

// Service is the catalogue service.
type Service struct {
	Deps

	mu      sync.Mutex // guards voc, snap and starsFP
	voc     *vocabulary
	snap    *snapshot
	starsFP string
	// vocabBuild and starsBuild let one request rebuild while the others
	// wait for its result instead of rebuilding too.
	vocabBuild sync.Mutex
	starsBuild sync.Mutex
	snapBuild  sync.Mutex
	cache      resultCache
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d}
}

// Known returns the validator of the codes a catalogue URL may name.
func (s *Service) Known() Known { return known{s} }

type known struct{ s *Service }

func (k known) Category(code string) bool { _, ok := k.s.Registry.Categories().Get(code); return ok }
func (k known) Ward(code string) bool     { _, ok := k.s.Registry.Units().Ward(code); return ok }
func (k known) District(code string) bool { _, ok := k.s.Registry.Units().OldDistrict(code); return ok }

// resultCache keeps recent search answers. Keys carry the fingerprints of
// the data, so an entry is never stale: it is simply never asked for again
// once anything changed. The cache empties itself when full.
type resultCache struct {
	mu sync.Mutex
	m  map[string]Result
}

// maxCached bounds the cache (a result page is a few kilobytes).
const maxCached = 2000

func (c *resultCache) get(key string) (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	if ok {
		// Callers may change the top-level slices; the items are shared
		// and read-only.
		r.Facets = append([]Facet(nil), r.Facets...)
		r.Notes = nil
	}
	return r, ok
}

func (c *resultCache) put(key string, r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]Result{}
	}
	r.Facets = append([]Facet(nil), r.Facets...)
	c.m[key] = r
}
