// Package trade is trade promotion and buyer connection: fairs, festivals
// and livestream events with producer registration, booths and outcomes;
// the supply–demand board (verified buyers' demands, producers' offers, the
// matching engine and leads); support programmes and training courses.
package trade

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

// Service is the trade service.
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
