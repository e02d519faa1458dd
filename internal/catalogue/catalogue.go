// Package catalogue is the public catalogue: search in Vietnamese, facets, product, producer and craft-village pages, the map.
package catalogue

import (
	"log/slog"
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
}

// Service is the catalogue service.
type Service struct {
	Deps
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
