// Package market is market access (issue 7): OCOP sale points (QĐ 950)
// with their operators and shelves and the "nearest points that stock this
// product" index and their photos, marketplace storefront links and the exports (Google
// Merchant Center feed, bulk-upload CSV, open data), certifications and
// standards (VietGAP, HACCP, …) with expiry reminders, retail chains,
// design centres (QĐ 6385) and tourism routes. It owns the tables of
// migrations 0013, 0017 (sale-point photos) and 0018 (reminders sent) and
// imports account, registry and evaluation; events, the
// supply–demand board and support programmes are package trade, which
// reads certifications through Service.Certifications.
package market

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

// Service is the market service.
type Service struct {
	Deps
	cache indexCache
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
