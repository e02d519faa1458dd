// Package trade is trade promotion and buyer connection: fairs, festivals
// and livestream events with producer registration, booths and outcomes;
// the supply–demand board (verified buyers' demands, producers' offers, the
// matching engine and leads); support programmes and training courses.
package trade

import (
	"log/slog"
	"sync/atomic"
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
	// Certifications, when set, gives each producer's verified
	// certifications for the matching engine (market.Service's records);
	// nil means only what producers declare in their offers is known.
	Certifications CertificationSource
}

// Service is the trade service.
type Service struct {
	Deps
	stars starCache
	certs atomic.Pointer[CertificationSource]
}

// UseCertifications sets (or, with nil, removes) the source of verified
// certifications the matching engine reads; safe while serving.
func (s *Service) UseCertifications(src CertificationSource) {
	if src == nil {
		s.certs.Store(nil)
		return
	}
	s.certs.Store(&src)
}

// certSource is the current source of verified certifications, or nil.
func (s *Service) certSource() CertificationSource {
	if p := s.certs.Load(); p != nil {
		return *p
	}
	return nil
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{Deps: d}
	s.UseCertifications(d.Certifications)
	return s
}
