package trade

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// ProgrammeKinds are the kinds of support the city gives producers.
var ProgrammeKinds = []string{"packaging_design", "stamps", "trademark", "logistics_ecommerce", "quality_testing"}

// Programme is a support programme (chương trình hỗ trợ) with its budget
// and what has been given against it.
type Programme struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Year      int    `json:"year"`
	BudgetVND int64  `json:"budget_vnd"`
	SpentVND  int64  `json:"spent_vnd"`
	Producers int    `json:"producers"`
	Version   int    `json:"version"`
}

// RemainingVND is what is left of the budget.
func (p Programme) RemainingVND() int64 { return p.BudgetVND - p.SpentVND }

// Support is one grant of support to a producer.
type Support struct {
	ID            int64     `json:"id"`
	ProgrammeID   int64     `json:"programme_id"`
	ProgrammeName string    `json:"programme_name"`
	ProducerID    int64     `json:"producer_id"`
	ProducerName  string    `json:"producer_name"`
	AmountVND     int64     `json:"amount_vnd"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

// CreateProgramme records a programme and its budget (the office).
func (s *Service) CreateProgramme(ctx context.Context, p *account.Principal, kind, name string, year int, budget int64) (Programme, error) {
	if err := office(p); err != nil {
		return Programme{}, err
	}
	var errs apperr.Errs
	checkText(&errs, "name", &name, true, 200)
	if !slices.Contains(ProgrammeKinds, kind) {
		errs.Add("kind", "trade.err_programme_kind")
	}
	if year < 2019 || year > 2100 {
		errs.Add("year", "trade.err_year")
	}
	if budget <= 0 {
		errs.Add("budget_vnd", "trade.err_budget")
	} else if budget > MaxVND {
		errs.Add("budget_vnd", "trade.err_too_large")
	}
	if err := errs.Err(); err != nil {
		return Programme{}, err
	}
	var out Programme
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		id, err := db.Insert(ctx, tx, "INSERT INTO trade_programmes (kind, name, year, budget_vnd, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
			kind, name, year, budget, now, now)
		if err != nil {
			return fmt.Errorf("create programme: %w", err)
		}
		out = Programme{ID: id, Kind: kind, Name: name, Year: year, BudgetVND: budget, Version: 1}
		return account.Audit(ctx, tx, p, "trade.programme.create", "trade_programme", id, "", nil, out)
	})
	return out, err
}

const programmeSelect = `SELECT g.id, g.kind, g.name, g.year, g.budget_vnd, COALESCE(SUM(s.amount_vnd), 0), COUNT(DISTINCT s.producer_id), g.version
	FROM trade_programmes g LEFT JOIN trade_support s ON s.programme_id = g.id`

func scanProgramme(sc interface{ Scan(...any) error }) (Programme, error) {
	var g Programme
	err := sc.Scan(&g.ID, &g.Kind, &g.Name, &g.Year, &g.BudgetVND, &g.SpentVND, &g.Producers, &g.Version)
	return g, err
}

func (s *Service) programme(ctx context.Context, q db.Queryer, id int64) (Programme, error) {
	g, err := scanProgramme(q.QueryRowContext(ctx, programmeSelect+" WHERE g.id = ? GROUP BY g.id, g.kind, g.name, g.year, g.budget_vnd, g.version", id))
	if err != nil {
		return Programme{}, db.Scan(err, "trade.err_programme_not_found")
	}
	return g, nil
}

// Programmes lists programmes with what was spent (the office).
func (s *Service) Programmes(ctx context.Context, p *account.Principal) ([]Programme, error) {
	if err := office(p); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, programmeSelect+" GROUP BY g.id, g.kind, g.name, g.year, g.budget_vnd, g.version ORDER BY g.year DESC, g.id")
	if err != nil {
		return nil, fmt.Errorf("list programmes: %w", err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		g, err := scanProgramme(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Programme returns one programme (the office).
func (s *Service) Programme(ctx context.Context, p *account.Principal, id int64) (Programme, error) {
	if err := office(p); err != nil {
		return Programme{}, err
	}
	return s.programme(ctx, s.DB, id)
}

// Grant records support given to a producer under a programme; refused
// when it would take the programme over its budget (nothing written). The
// programme row is locked first so two grants cannot both fit.
func (s *Service) Grant(ctx context.Context, p *account.Principal, programmeID, producerID int64, amount int64, note string) (Support, error) {
	if err := office(p); err != nil {
		return Support{}, err
	}
	var out Support
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE trade_programmes SET version = version WHERE id = ?", programmeID); err != nil {
			return err
		}
		g, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		var errs apperr.Errs
		checkText(&errs, "note", &note, false, 1000)
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM producers WHERE id = ?", producerID).Scan(&status); err != nil {
			errs.Add("producer_id", "trade.err_producer_not_found")
		}
		switch {
		case amount <= 0:
			errs.Add("amount_vnd", "trade.err_amount")
		case amount > g.RemainingVND():
			errs.Add("amount_vnd", "trade.err_over_budget", g.RemainingVND(), g.BudgetVND)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, "INSERT INTO trade_support (programme_id, producer_id, amount_vnd, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			programmeID, producerID, amount, note, userRef(p), s.now())
		if err != nil {
			return fmt.Errorf("grant: %w", err)
		}
		out = Support{ID: id, ProgrammeID: programmeID, ProgrammeName: g.Name, ProducerID: producerID, AmountVND: amount, Note: note, CreatedAt: s.now()}
		return account.Audit(ctx, tx, p, "trade.support.grant", "trade_programme", programmeID, "", nil, out)
	})
	return out, err
}

// Supports lists support given: under one programme (programmeID > 0,
// the office), or to the producers a producer account acts for.
func (s *Service) Supports(ctx context.Context, p *account.Principal, programmeID int64) ([]Support, error) {
	where, args := "", []any{}
	switch {
	case p == nil:
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province() && programmeID > 0:
		where, args = " WHERE s.programme_id = ?", []any{programmeID}
	case p.Province():
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			return nil, nil
		}
		where = " WHERE s.producer_id IN (" + db.Placeholders(len(p.Producers)) + ")"
		for _, id := range p.Producers {
			args = append(args, id)
		}
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT s.id, s.programme_id, g.name, s.producer_id, pr.name, s.amount_vnd, s.note, s.created_at
		FROM trade_support s JOIN trade_programmes g ON g.id = s.programme_id JOIN producers pr ON pr.id = s.producer_id`+where+" ORDER BY s.id DESC LIMIT 2000", args...)
	if err != nil {
		return nil, fmt.Errorf("list support: %w", err)
	}
	defer rows.Close()
	var out []Support
	for rows.Next() {
		var x Support
		if err := rows.Scan(&x.ID, &x.ProgrammeID, &x.ProgrammeName, &x.ProducerID, &x.ProducerName, &x.AmountVND, &x.Note, &x.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// CourseTopics are the topics of training courses.
var CourseTopics = []string{"sales", "storefront", "branding", "livestream"}

// Course is a training course (lớp tập huấn) for producers.
type Course struct {
	ID         int64     `json:"id"`
	Topic      string    `json:"topic"`
	Title      string    `json:"title"`
	Place      string    `json:"place"`
	StartsAt   time.Time `json:"starts_at"`
	Capacity   int       `json:"capacity"`
	Registered int       `json:"registered"`
	Attended   int       `json:"attended"`
}

// Participant is a producer registered for a course.
type Participant struct {
	ProducerID   int64  `json:"producer_id"`
	ProducerName string `json:"producer_name"`
	CommuneCode  string `json:"commune_code"`
	Attended     bool   `json:"attended"`
}

// CreateCourse records a course (the office).
func (s *Service) CreateCourse(ctx context.Context, p *account.Principal, topic, title, place string, starts time.Time, capacity int) (Course, error) {
	if err := office(p); err != nil {
		return Course{}, err
	}
	var errs apperr.Errs
	checkText(&errs, "title", &title, true, 200)
	checkText(&errs, "place", &place, false, 300)
	if !slices.Contains(CourseTopics, topic) {
		errs.Add("topic", "trade.err_topic")
	}
	if starts.IsZero() {
		errs.Add("starts_at", "err.required")
	}
	checkYear(&errs, "starts_at", starts)
	if capacity < 1 || capacity > 10000 {
		errs.Add("capacity", "trade.err_course_capacity")
	}
	if err := errs.Err(); err != nil {
		return Course{}, err
	}
	var out Course
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.Insert(ctx, tx, "INSERT INTO trade_courses (topic, title, place, starts_at, capacity, created_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
			topic, title, place, starts.UTC(), capacity, s.now())
		if err != nil {
			return fmt.Errorf("create course: %w", err)
		}
		out = Course{ID: id, Topic: topic, Title: title, Place: place, StartsAt: starts.UTC(), Capacity: capacity}
		return account.Audit(ctx, tx, p, "trade.course.create", "trade_course", id, "", nil, out)
	})
	return out, err
}

const courseSelect = `SELECT c.id, c.topic, c.title, c.place, c.starts_at, c.capacity, COUNT(t.id),
	COALESCE(SUM(CASE WHEN t.attended THEN 1 ELSE 0 END), 0) FROM trade_courses c LEFT JOIN trade_participants t ON t.course_id = c.id`

const courseGroup = " GROUP BY c.id, c.topic, c.title, c.place, c.starts_at, c.capacity"

func scanCourse(sc interface{ Scan(...any) error }) (Course, error) {
	var c Course
	err := sc.Scan(&c.ID, &c.Topic, &c.Title, &c.Place, &c.StartsAt, &c.Capacity, &c.Registered, &c.Attended)
	return c, err
}

// Courses lists courses, newest first (the office and producer accounts).
func (s *Service) Courses(ctx context.Context, p *account.Principal) ([]Course, error) {
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleProducer) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	rows, err := s.DB.QueryContext(ctx, courseSelect+courseGroup+" ORDER BY c.starts_at DESC, c.id LIMIT 500")
	if err != nil {
		return nil, fmt.Errorf("list courses: %w", err)
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Course returns a course with its participants: all for the office, the
// account's own producers for a producer account.
func (s *Service) Course(ctx context.Context, p *account.Principal, id int64) (Course, []Participant, error) {
	if p == nil {
		return Course{}, nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleProducer) {
		return Course{}, nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	c, err := scanCourse(s.DB.QueryRowContext(ctx, courseSelect+" WHERE c.id = ?"+courseGroup, id))
	if err != nil {
		return Course{}, nil, db.Scan(err, "trade.err_course_not_found")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.producer_id, pr.name, pr.commune_code, t.attended FROM trade_participants t
		JOIN producers pr ON pr.id = t.producer_id WHERE t.course_id = ? ORDER BY pr.name, pr.id`, id)
	if err != nil {
		return Course{}, nil, err
	}
	defer rows.Close()
	var ps []Participant
	for rows.Next() {
		var x Participant
		if err := rows.Scan(&x.ProducerID, &x.ProducerName, &x.CommuneCode, &x.Attended); err != nil {
			return Course{}, nil, err
		}
		if p.Province() || p.ActsFor(x.ProducerID) {
			ps = append(ps, x)
		}
	}
	return c, ps, rows.Err()
}

// RegisterCourse registers a producer for a course: a producer account
// for its own producers, the office for anyone; refused when full.
func (s *Service) RegisterCourse(ctx context.Context, p *account.Principal, courseID, producerID int64) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.ActsFor(producerID) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE trade_courses SET version = version WHERE id = ?", courseID); err != nil {
			return err
		}
		c, err := scanCourse(tx.QueryRowContext(ctx, courseSelect+" WHERE c.id = ?"+courseGroup, courseID))
		if err != nil {
			return db.Scan(err, "trade.err_course_not_found")
		}
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM producers WHERE id = ?", producerID).Scan(&status); err != nil {
			return apperr.Fields(apperr.Field("producer_id", "trade.err_producer_not_found"))
		}
		if c.Registered >= c.Capacity {
			return apperr.New(apperr.Invalid, "trade.err_course_full", c.Capacity)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO trade_participants (course_id, producer_id, attended, registered_at) VALUES (?, ?, FALSE, ?)",
			courseID, producerID, s.now()); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.New(apperr.Conflict, "trade.err_course_registered")
			}
			return err
		}
		return account.Audit(ctx, tx, p, "trade.course.register", "trade_course", courseID, "", nil, map[string]any{"producer_id": producerID})
	})
}

// MarkAttendance records whether registered producers attended (the office).
func (s *Service) MarkAttendance(ctx context.Context, p *account.Principal, courseID int64, attended map[int64]bool) error {
	if err := office(p); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for pid, yes := range attended {
			if _, err := tx.ExecContext(ctx, "UPDATE trade_participants SET attended = ? WHERE course_id = ? AND producer_id = ?", yes, courseID, pid); err != nil {
				return err
			}
		}
		return account.Audit(ctx, tx, p, "trade.course.attendance", "trade_course", courseID, "", nil, attended)
	})
}

// NotReached lists active producers that have attended no course yet
// (those registered but absent included): whom training must still reach.
func (s *Service) NotReached(ctx context.Context, p *account.Principal, limit int) ([]Participant, int, error) {
	if err := office(p); err != nil {
		return nil, 0, err
	}
	const where = ` FROM producers pr WHERE pr.status = 'active' AND NOT EXISTS
		(SELECT 1 FROM trade_participants t WHERE t.producer_id = pr.id AND t.attended)`
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+where).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT pr.id, pr.name, pr.commune_code"+where+" ORDER BY pr.commune_code, pr.name, pr.id LIMIT ?", limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var x Participant
		if err := rows.Scan(&x.ProducerID, &x.ProducerName, &x.CommuneCode); err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}
