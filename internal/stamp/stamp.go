// Package stamp issues serialised OCOP stamps (QR codes), prints them, verifies them for consumers and detects counterfeits.
package stamp

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

// Service is the stamp service.
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
