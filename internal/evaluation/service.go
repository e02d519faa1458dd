package evaluation

import (
	"time"

	"ocop/internal/account"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// Service runs the evaluation process over the database: rounds, dossiers,
// the commune and province steps, councils and scoring, results, decisions,
// certificates and their life after. Its methods enforce the state machine
// (workflow.go) and the scope rules on the server, and write every state
// change with its audit row in one transaction.
type Service struct {
	db        *db.DB
	reg       *registry.Service
	acc       *account.Service
	cards     *Scorecards
	now       func() time.Time
	holidays  HolidayCalendar
	mediaDir  string
	maxUpload int64
}

// Options configure a Service.
type Options struct {
	Now       func() time.Time
	Holidays  HolidayCalendar // nil: DefaultHolidays()
	MediaDir  string          // where evidence files go (by content hash)
	MaxUpload int64           // largest evidence file in bytes
}

// NewService returns the evaluation service.
func NewService(d *db.DB, reg *registry.Service, acc *account.Service, cards *Scorecards, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Holidays == nil {
		opt.Holidays = DefaultHolidays()
	}
	if opt.MaxUpload == 0 {
		opt.MaxUpload = 20 << 20
	}
	if cards != nil && cards.InUse == nil {
		// A scorecard version that dossiers were assessed or scored with is
		// never corrected in place: corrections go to a new version.
		cards.InUse = ScoredWith
	}
	return &Service{db: d, reg: reg, acc: acc, cards: cards, now: opt.Now, holidays: opt.Holidays, mediaDir: opt.MediaDir, maxUpload: opt.MaxUpload}
}

// Today is the current date in Vietnam, the day the decision's deadlines
// count from.
func (s *Service) Today() Date { return VietnamDate(s.now()) }

// stampNow is the instant for created_at/updated_at columns.
func (s *Service) stampNow() time.Time { return s.now().UTC().Truncate(time.Second) }

// Scorecards returns the scorecard service.
func (s *Service) Scorecards() *Scorecards { return s.cards }
