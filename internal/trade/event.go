package trade

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Vietnam is the programme's time zone (UTC+7, no daylight saving): forms
// are filled in and pages shown in it; the database holds UTC.
var Vietnam = time.FixedZone("ICT", 7*3600)

// EventKinds are the kinds of trade-promotion event.
var EventKinds = []string{"fair", "festival", "product_week", "livestream"}

// Event is a trade-promotion event (hội chợ, lễ hội, tuần hàng, phiên
// livestream such as "Chợ đêm trên mây" on Friday nights).
type Event struct {
	ID                   int64     `json:"id"`
	Kind                 string    `json:"kind"`
	Title                string    `json:"title"`
	Description          string    `json:"description"`
	Place                string    `json:"place"`
	OnlineURL            string    `json:"online_url"`
	StartsAt             time.Time `json:"starts_at"`
	EndsAt               time.Time `json:"ends_at"`
	RegistrationDeadline time.Time `json:"registration_deadline"`
	BoothCapacity        int       `json:"booth_capacity"`
	BoothsTaken          int       `json:"booths_taken"`
	Status               string    `json:"status"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
	Version              int       `json:"version"`
}

// Remaining is the number of booths (or livestream places) still free.
func (e Event) Remaining() int { return max(0, e.BoothCapacity-e.BoothsTaken) }

// EventInput is what the office fills in. Repeat > 0 also creates that
// many more events, one week apart each (a weekly livestream night).
type EventInput struct {
	Kind                 string    `json:"kind"`
	Title                string    `json:"title"`
	Description          string    `json:"description"`
	Place                string    `json:"place"`
	OnlineURL            string    `json:"online_url"`
	StartsAt             time.Time `json:"starts_at"`
	EndsAt               time.Time `json:"ends_at"`
	RegistrationDeadline time.Time `json:"registration_deadline"`
	BoothCapacity        int       `json:"booth_capacity"`
	Status               string    `json:"status"`
	Repeat               int       `json:"repeat"`
	Version              int       `json:"version"`
}

func office(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// checkURL accepts an empty value or an http(s) URL with a host.
func checkURL(errs *apperr.Errs, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || !cleanText(s) || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs.Add(field, "trade.err_url")
	}
}

// checkYear refuses a time outside the years the platform schedules in
// (2000–2100): year 0 or 9999 typed into a date field cannot be stored
// alike on both engines, and a weekly repeat must not run past year 9999.
func checkYear(errs *apperr.Errs, field string, t time.Time) {
	if !t.IsZero() && (t.Year() < 2000 || t.Year() > 2100) {
		errs.Add(field, "trade.err_year")
	}
}

func validateEvent(in *EventInput) error {
	var errs apperr.Errs
	checkText(&errs, "title", &in.Title, true, 200)
	checkText(&errs, "description", &in.Description, false, 5000)
	checkText(&errs, "place", &in.Place, false, 300)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	checkURL(&errs, "online_url", in.OnlineURL)
	if !slices.Contains(EventKinds, in.Kind) {
		errs.Add("kind", "trade.err_event_kind")
	}
	if in.Kind == "livestream" && in.OnlineURL == "" {
		errs.Add("online_url", "trade.err_livestream_url")
	}
	if in.Kind != "livestream" && in.Place == "" {
		errs.Add("place", "err.required")
	}
	if in.StartsAt.IsZero() {
		errs.Add("starts_at", "err.required")
	}
	if in.EndsAt.IsZero() || !in.EndsAt.After(in.StartsAt) {
		errs.Add("ends_at", "trade.err_event_end")
	}
	if in.RegistrationDeadline.IsZero() || in.RegistrationDeadline.After(in.StartsAt) {
		errs.Add("registration_deadline", "trade.err_event_deadline")
	}
	checkYear(&errs, "starts_at", in.StartsAt)
	checkYear(&errs, "ends_at", in.EndsAt)
	checkYear(&errs, "registration_deadline", in.RegistrationDeadline)
	if in.BoothCapacity < 0 || in.BoothCapacity > 100000 {
		errs.Add("booth_capacity", "trade.err_capacity_range")
	}
	if in.Status == "" {
		in.Status = "published"
	}
	if in.Status != "published" && in.Status != "cancelled" {
		errs.Add("status", "trade.err_status")
	}
	if in.Repeat < 0 || in.Repeat > 52 {
		errs.Add("repeat", "trade.err_repeat")
	}
	return errs.Err()
}

// CreateEvent creates an event (and its weekly repeats) for the office.
func (s *Service) CreateEvent(ctx context.Context, p *account.Principal, in EventInput) (Event, error) {
	if err := office(p); err != nil {
		return Event{}, err
	}
	if err := validateEvent(&in); err != nil {
		return Event{}, err
	}
	var out Event
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		for i := 0; i <= in.Repeat; i++ {
			shift := time.Duration(i) * 7 * 24 * time.Hour
			id, err := db.Insert(ctx, tx, `INSERT INTO trade_events (kind, title, description, place, online_url, starts_at, ends_at,
				registration_deadline, booth_capacity, status, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				in.Kind, in.Title, in.Description, in.Place, in.OnlineURL, in.StartsAt.UTC().Add(shift), in.EndsAt.UTC().Add(shift),
				in.RegistrationDeadline.UTC().Add(shift), in.BoothCapacity, in.Status, now, now)
			if err != nil {
				return fmt.Errorf("create event: %w", err)
			}
			e, err := s.event(ctx, tx, id)
			if err != nil {
				return err
			}
			if i == 0 {
				out = e
			}
			if err := account.Audit(ctx, tx, p, "trade.event.create", "trade_event", id, "", nil, e); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// UpdateEvent changes an event (the office).
func (s *Service) UpdateEvent(ctx context.Context, p *account.Principal, id int64, in EventInput) (Event, error) {
	if err := office(p); err != nil {
		return Event{}, err
	}
	in.Repeat = 0
	if err := validateEvent(&in); err != nil {
		return Event{}, err
	}
	var out Event
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.event(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE trade_events SET kind = ?, title = ?, description = ?, place = ?, online_url = ?, starts_at = ?,
			ends_at = ?, registration_deadline = ?, booth_capacity = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Kind, in.Title, in.Description, in.Place, in.OnlineURL, in.StartsAt.UTC(), in.EndsAt.UTC(), in.RegistrationDeadline.UTC(),
			in.BoothCapacity, in.Status, s.now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if out, err = s.event(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.event.update", "trade_event", id, "", before, out)
	})
	return out, err
}

const eventCols = `e.id, e.kind, e.title, e.description, e.place, e.online_url, e.starts_at, e.ends_at, e.registration_deadline,
	e.booth_capacity, COALESCE((SELECT SUM(r.booths) FROM trade_registrations r WHERE r.event_id = e.id AND r.status IN ('pending', 'approved')), 0),
	e.status, e.created_at, e.updated_at, e.version`

func scanEvent(sc interface{ Scan(...any) error }) (Event, error) {
	var e Event
	err := sc.Scan(&e.ID, &e.Kind, &e.Title, &e.Description, &e.Place, &e.OnlineURL, &e.StartsAt, &e.EndsAt, &e.RegistrationDeadline,
		&e.BoothCapacity, &e.BoothsTaken, &e.Status, &e.CreatedAt, &e.UpdatedAt, &e.Version)
	return e, err
}

func (s *Service) event(ctx context.Context, q db.Queryer, id int64) (Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, "SELECT "+eventCols+" FROM trade_events e WHERE e.id = ?", id))
	if err != nil {
		return Event{}, db.Scan(err, "trade.err_event_not_found")
	}
	return e, nil
}

// Event returns one event; events are public.
func (s *Service) Event(ctx context.Context, id int64) (Event, error) { return s.event(ctx, s.DB, id) }

// Events lists events that end after from and start before to (zero
// times: no bound), in start order; at most limit (0: 1,000).
func (s *Service) Events(ctx context.Context, from, to time.Time, limit int) ([]Event, error) {
	var conds []string
	var args []any
	if !from.IsZero() {
		conds, args = append(conds, "e.ends_at >= ?"), append(args, from.UTC())
	}
	if !to.IsZero() {
		conds, args = append(conds, "e.starts_at < ?"), append(args, to.UTC())
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+eventCols+" FROM trade_events e"+where+" ORDER BY e.starts_at, e.id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Upcoming lists the next n published events that have not ended.
func (s *Service) Upcoming(ctx context.Context, n int) ([]Event, error) {
	es, err := s.Events(ctx, s.now(), time.Time{}, n*2+10)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range es {
		if e.Status == "published" && len(out) < n {
			out = append(out, e)
		}
	}
	return out, nil
}

// CheckRegistration decides whether a producer may register for an event
// now for booths places, given the places already requested or granted:
// refused when the event is cancelled or over, after the deadline, or over
// capacity (with what is left).
func CheckRegistration(e Event, taken, booths int, now time.Time) error {
	switch {
	case e.Status != "published":
		return apperr.New(apperr.Invalid, "trade.err_event_cancelled")
	case !now.Before(e.RegistrationDeadline):
		return apperr.New(apperr.Invalid, "trade.err_deadline_passed", e.RegistrationDeadline.In(Vietnam).Format("02/01/2006 15:04"))
	case booths < 1 || booths > 100:
		return apperr.Fields(apperr.Field("booths", "trade.err_booths"))
	case taken+booths > e.BoothCapacity:
		return apperr.New(apperr.Invalid, "trade.err_over_capacity", max(0, e.BoothCapacity-taken), e.BoothCapacity)
	}
	return nil
}

// Registration is a producer's registration for an event.
type Registration struct {
	ID           int64      `json:"id"`
	EventID      int64      `json:"event_id"`
	EventTitle   string     `json:"event_title"`
	ProducerID   int64      `json:"producer_id"`
	ProducerName string     `json:"producer_name"`
	Booths       int        `json:"booths"`
	Note         string     `json:"note"`
	Status       string     `json:"status"`
	BoothLabel   string     `json:"booth_label"`
	SalesVND     int64      `json:"sales_vnd"`
	Contacts     int        `json:"contacts"`
	Orders       int        `json:"orders"`
	OutcomeAt    *time.Time `json:"outcome_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	Version      int        `json:"version"`
}

const regCols = `r.id, r.event_id, e.title, r.producer_id, pr.name, r.booths, r.note, r.status, r.booth_label, r.sales_vnd, r.contacts,
	r.orders, r.outcome_at, r.created_at, r.version`

const regFrom = ` FROM trade_registrations r JOIN trade_events e ON e.id = r.event_id JOIN producers pr ON pr.id = r.producer_id`

func scanReg(sc interface{ Scan(...any) error }) (Registration, error) {
	var r Registration
	var out sql.NullTime
	err := sc.Scan(&r.ID, &r.EventID, &r.EventTitle, &r.ProducerID, &r.ProducerName, &r.Booths, &r.Note, &r.Status, &r.BoothLabel,
		&r.SalesVND, &r.Contacts, &r.Orders, &out, &r.CreatedAt, &r.Version)
	if out.Valid {
		r.OutcomeAt = &out.Time
	}
	return r, err
}

func (s *Service) registration(ctx context.Context, q db.Queryer, id int64) (Registration, error) {
	r, err := scanReg(q.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.id = ?", id))
	if err != nil {
		return Registration{}, db.Scan(err, "trade.err_registration_not_found")
	}
	return r, nil
}

// Register registers a producer (one the account acts for) for an event.
// The capacity check and the insert happen in one transaction that first
// locks the event row, so two producers cannot take the last booth.
func (s *Service) Register(ctx context.Context, p *account.Principal, eventID, producerID int64, booths int, note string) (Registration, error) {
	if err := canEditOffer(p, producerID); err != nil {
		return Registration{}, err
	}
	var out Registration
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE trade_events SET version = version WHERE id = ?", eventID); err != nil {
			return err
		}
		e, err := s.event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var dup int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM trade_registrations WHERE event_id = ? AND producer_id = ?", eventID, producerID).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return apperr.New(apperr.Conflict, "trade.err_already_registered")
		}
		if err := CheckRegistration(e, e.BoothsTaken, booths, s.now()); err != nil {
			return err
		}
		var errs apperr.Errs
		checkText(&errs, "note", &note, false, 1000)
		if err := errs.Err(); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO trade_registrations (event_id, producer_id, booths, note, status, booth_label, sales_vnd, contacts, orders, created_at, version)
			VALUES (?, ?, ?, ?, 'pending', '', 0, 0, 0, ?, 1)`, eventID, producerID, booths, note, s.now())
		if err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.New(apperr.Conflict, "trade.err_already_registered")
			}
			return err
		}
		if out, err = s.registration(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.event.register", "trade_registration", id, "", nil, out)
	})
	return out, err
}

// Registrations lists an event's registrations: all for the office, a
// producer account's own otherwise (none for others).
func (s *Service) Registrations(ctx context.Context, p *account.Principal, eventID int64) ([]Registration, error) {
	where, args := " WHERE r.event_id = ?", []any{eventID}
	switch {
	case p.Province():
	case p.Is(account.RoleProducer) && len(p.Producers) > 0:
		where += " AND r.producer_id IN (" + db.Placeholders(len(p.Producers)) + ")"
		for _, id := range p.Producers {
			args = append(args, id)
		}
	default:
		return nil, nil
	}
	return s.regs(ctx, where, args...)
}

// ProducerRegistrations lists the registrations of the producers a
// producer account acts for (all for the office).
func (s *Service) ProducerRegistrations(ctx context.Context, p *account.Principal) ([]Registration, error) {
	switch {
	case p.Province():
		return s.regs(ctx, "")
	case p.Is(account.RoleProducer) && len(p.Producers) > 0:
		args := make([]any, len(p.Producers))
		for i, id := range p.Producers {
			args[i] = id
		}
		return s.regs(ctx, " WHERE r.producer_id IN ("+db.Placeholders(len(args))+")", args...)
	}
	return nil, nil
}

func (s *Service) regs(ctx context.Context, where string, args ...any) ([]Registration, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+regCols+regFrom+where+" ORDER BY e.starts_at DESC, r.id LIMIT 2000", args...)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanReg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Decide approves (with the booth assigned) or rejects a registration.
func (s *Service) Decide(ctx context.Context, p *account.Principal, regID int64, approve bool, booth string, version int) error {
	if err := office(p); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.registration(ctx, tx, regID)
		if err != nil {
			return err
		}
		// Lock the event as Register does: places are counted below.
		if _, err := tx.ExecContext(ctx, "UPDATE trade_events SET version = version WHERE id = ?", r.EventID); err != nil {
			return err
		}
		e, err := s.event(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		var errs apperr.Errs
		checkText(&errs, "booth_label", &booth, approve && e.Kind != "livestream", 50)
		if err := errs.Err(); err != nil {
			return err
		}
		// A rejected registration holds no places: approving it again
		// takes them anew and must still fit (another producer may have
		// taken them meanwhile).
		if approve && r.Status == "rejected" && e.BoothsTaken+r.Booths > e.BoothCapacity {
			return apperr.New(apperr.Invalid, "trade.err_over_capacity", max(0, e.BoothCapacity-e.BoothsTaken), e.BoothCapacity)
		}
		status := "rejected"
		if approve {
			status = "approved"
		} else {
			booth = ""
		}
		res, err := tx.ExecContext(ctx, `UPDATE trade_registrations SET status = ?, booth_label = ?, decided_by = ?, decided_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, status, booth, p.UserID, s.now(), regID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		return account.Audit(ctx, tx, p, "trade.event.decide", "trade_registration", regID, "", map[string]any{"status": r.Status},
			map[string]any{"status": status, "booth": booth})
	})
}

// ReportOutcome records what a registration produced (sales in VND,
// business contacts, orders): by its producer or the office, once the
// event has started.
func (s *Service) ReportOutcome(ctx context.Context, p *account.Principal, regID int64, sales int64, contacts, orders int) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.registration(ctx, tx, regID)
		if err != nil {
			return err
		}
		if !p.Province() && !p.ActsFor(r.ProducerID) {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		e, err := s.event(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		var errs apperr.Errs
		if r.Status != "approved" {
			errs.Add("sales_vnd", "trade.err_outcome_not_approved")
		} else if s.now().Before(e.StartsAt) {
			errs.Add("sales_vnd", "trade.err_outcome_early")
		}
		switch {
		case sales < 0 || contacts < 0 || orders < 0:
			errs.Add("sales_vnd", "trade.err_outcome_negative")
		case sales > MaxVND || contacts > MaxCount || orders > MaxCount:
			// Sums over registrations must stay within BIGINT and the
			// counts within INTEGER columns.
			errs.Add("sales_vnd", "trade.err_too_large")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE trade_registrations SET sales_vnd = ?, contacts = ?, orders = ?, outcome_at = ?, version = version + 1 WHERE id = ?",
			sales, contacts, orders, s.now(), regID); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.event.outcome", "trade_registration", regID, "",
			map[string]any{"sales_vnd": r.SalesVND, "contacts": r.Contacts, "orders": r.Orders}, map[string]any{"sales_vnd": sales, "contacts": contacts, "orders": orders})
	})
}

// MaxVND bounds one amount of money (a budget, a grant, an event's sales):
// 10^15 đồng, so that any sum of them stays far within int64; MaxCount
// bounds a reported count (contacts, orders).
const (
	MaxVND   = 1_000_000_000_000_000
	MaxCount = 1_000_000
)

// EventOutcome sums the outcomes reported for one event.
type EventOutcome struct {
	EventID                        int64
	Title                          string
	Kind                           string
	StartsAt                       time.Time
	Registered, Approved, Reported int
	SalesVND                       int64
	Contacts, Orders               int
}

// EventOutcomes sums reported outcomes per event and in total (last row,
// EventID 0), for the office.
func (s *Service) EventOutcomes(ctx context.Context, p *account.Principal) ([]EventOutcome, error) {
	if err := office(p); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.title, e.kind, e.starts_at, COUNT(r.id),
		COALESCE(SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.outcome_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(r.sales_vnd), 0), COALESCE(SUM(r.contacts), 0), COALESCE(SUM(r.orders), 0)
		FROM trade_events e LEFT JOIN trade_registrations r ON r.event_id = e.id
		GROUP BY e.id, e.title, e.kind, e.starts_at ORDER BY e.starts_at DESC, e.id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("event outcomes: %w", err)
	}
	defer rows.Close()
	var out []EventOutcome
	total := EventOutcome{Title: "total"}
	for rows.Next() {
		var o EventOutcome
		if err := rows.Scan(&o.EventID, &o.Title, &o.Kind, &o.StartsAt, &o.Registered, &o.Approved, &o.Reported, &o.SalesVND, &o.Contacts, &o.Orders); err != nil {
			return nil, err
		}
		out = append(out, o)
		total.Registered += o.Registered
		total.Approved += o.Approved
		total.Reported += o.Reported
		total.SalesVND += o.SalesVND
		total.Contacts += o.Contacts
		total.Orders += o.Orders
	}
	return append(out, total), rows.Err()
}

// EventCounts are the event figures for the statistics dashboard.
type EventCounts struct {
	// Upcoming counts published events that have not started; PastThisYear
	// those that ended this calendar year (Vietnam time) and were not
	// cancelled.
	Upcoming, PastThisYear int
}

// EventFigures counts upcoming and past-this-year events.
func (s *Service) EventFigures(ctx context.Context) (EventCounts, error) {
	now := s.now()
	y := now.In(Vietnam).Year()
	start := time.Date(y, 1, 1, 0, 0, 0, 0, Vietnam).UTC()
	var c EventCounts
	err := s.DB.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN starts_at > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ends_at <= ? AND ends_at >= ? THEN 1 ELSE 0 END), 0)
		FROM trade_events WHERE status = 'published'`, now, now, start).Scan(&c.Upcoming, &c.PastThisYear)
	if err != nil {
		return c, fmt.Errorf("event figures: %w", err)
	}
	return c, nil
}

// RegistrationEvent returns the event a registration belongs to.
func (s *Service) RegistrationEvent(ctx context.Context, regID int64) (int64, error) {
	var id int64
	if err := s.DB.QueryRowContext(ctx, "SELECT event_id FROM trade_registrations WHERE id = ?", regID).Scan(&id); err != nil {
		return 0, db.Scan(err, "trade.err_registration_not_found")
	}
	return id, nil
}
