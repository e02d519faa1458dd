// Package trace records where an OCOP product comes from: raw-material areas,
// production lots, EPCIS 2.0 trace events, the GS1 Digital Link resolver and
// recalls.
package trace

import (
	"log/slog"
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
	Stamps     *stamp.Service
	Log        *slog.Logger
	Now        func() time.Time
}

// Service is the trace service.
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
