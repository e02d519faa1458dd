package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Round statuses.
const (
	RoundOpen   = "open"   // takes dossiers
	RoundClosed = "closed" // done; kept for the record
)

// RegularRounds is how many rounds a year the decision requires of each
// level (Điều 5); rounds numbered above it are extra rounds, which the
// council's rules may add.
const RegularRounds = 2

// RoundRecord is an evaluation round (đợt) as the office opened it: a
// Round of the decision's calendar (rules.go) or an extra round with its
// own deadlines.
type RoundRecord struct {
	ID             int64     `json:"id"`
	Level          Level     `json:"level"`
	Year           int       `json:"year"`
	No             int       `json:"no"`
	Title          string    `json:"title"`
	ProposedBefore Date      `json:"proposed_before"`
	DecidedBefore  Date      `json:"decided_before"`
	Extra          bool      `json:"extra"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	Version        int       `json:"version"`
	// Dossiers counts the dossiers the office assigned to the round.
	Dossiers int `json:"dossiers"`
}

// RoundInput opens a round. Dates left empty on a regular round take the
// deadlines of Điều 5 (RoundDefaults); an extra round needs its own.
type RoundInput struct {
	Level          Level  `json:"level"`
	Year           int    `json:"year"`
	No             int    `json:"no"`
	Title          string `json:"title"`
	ProposedBefore string `json:"proposed_before"`
	DecidedBefore  string `json:"decided_before"`
}

// RoundDefaults returns the Điều 5 deadlines of regular round no of a
// year at a level, and false for an extra round (which has none).
func RoundDefaults(level Level, year, no int) (Round, bool) {
	var rs [2]Round
	switch level {
	case LevelProvince:
		rs = ProvincialRounds(year)
	case LevelMinistry:
		rs = MinistryRounds(year)
	default:
		return Round{}, false
	}
	for _, r := range rs {
		if r.No == no {
			return r, true
		}
	}
	return Round{}, false
}

const roundCols = `r.id, r.level, r.year, r.no, r.title, r.proposed_before, r.decided_before, r.extra, r.status, r.created_at, r.version,
	(SELECT COUNT(*) FROM dossiers d WHERE d.round_id = r.id)`

func scanRound(sc interface{ Scan(...any) error }) (RoundRecord, error) {
	var r RoundRecord
	err := sc.Scan(&r.ID, &r.Level, &r.Year, &r.No, &r.Title, &r.ProposedBefore, &r.DecidedBefore, &r.Extra, &r.Status, &r.CreatedAt,
		&r.Version, &r.Dossiers)
	return r, err
}

func loadRound(ctx context.Context, q db.Queryer, id int64) (RoundRecord, error) {
	r, err := scanRound(q.QueryRowContext(ctx, "SELECT "+roundCols+" FROM rounds r WHERE r.id = ?", id))
	if err != nil {
		return r, db.Scan(err, "dossier.err_round_not_found")
	}
	return r, nil
}

// needProvince is the guard of the office's own actions.
func needProvince(p *account.Principal) error {
	if err := needLogin(p); err != nil {
		return err
	}
	if !p.Province() {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// mayListRounds: the rounds and their deadlines are for everyone who
// works on dossiers in the back office.
func mayListRounds(p *account.Principal) error {
	if err := needLogin(p); err != nil {
		return err
	}
	if !p.Is(account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleCouncil, account.RoleProducer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// ListRounds lists the rounds, newest first (year 0: all years).
func (s *Service) ListRounds(ctx context.Context, p *account.Principal, year int) ([]RoundRecord, error) {
	if err := mayListRounds(p); err != nil {
		return nil, err
	}
	q := "SELECT " + roundCols + " FROM rounds r"
	var args []any
	if year != 0 {
		q += " WHERE r.year = ?"
		args = append(args, year)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY r.year DESC, r.level DESC, r.proposed_before DESC, r.no DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RoundRecord
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateRound opens a round (the programme office, Điều 5).
func (s *Service) CreateRound(ctx context.Context, p *account.Principal, in RoundInput) (RoundRecord, error) {
	if err := needProvince(p); err != nil {
		return RoundRecord{}, err
	}
	if in.Level == "" {
		in.Level = LevelProvince
	}
	var errs apperr.Errs
	if in.Level != LevelProvince && in.Level != LevelMinistry {
		errs.Add("level", "dossier.err_round_level")
	}
	if in.Year < 2019 || in.Year > 2100 {
		errs.Add("year", "err.year_range")
	}
	if in.No < 1 || in.No > 99 {
		errs.Add("no", "dossier.err_round_no")
	}
	checkDossierText(&errs, "title", &in.Title, 200, true)
	def, regular := RoundDefaults(in.Level, in.Year, in.No)
	date := func(field, v string, fallback Date) Date {
		if v == "" {
			if regular {
				return fallback
			}
			errs.Add(field, "dossier.err_round_date_required")
			return Date{}
		}
		d, err := ParseDate(v)
		if err != nil {
			errs.Add(field, "dossier.err_date")
		}
		return d
	}
	r := RoundRecord{Level: in.Level, Year: in.Year, No: in.No, Title: in.Title, Extra: !regular, Status: RoundOpen, Version: 1}
	r.ProposedBefore = date("proposed_before", in.ProposedBefore, def.ProposedBefore)
	r.DecidedBefore = date("decided_before", in.DecidedBefore, def.DecidedBefore)
	if !r.ProposedBefore.IsZero() && !r.DecidedBefore.IsZero() && r.DecidedBefore.Before(r.ProposedBefore) {
		errs.Add("decided_before", "dossier.err_round_dates")
	}
	if err := errs.Err(); err != nil {
		return RoundRecord{}, err
	}
	r.CreatedAt = s.stampNow()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		r.ID, err = db.Insert(ctx, tx, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, r.Level, r.Year, r.No, r.Title, dateText(r.ProposedBefore), dateText(r.DecidedBefore),
			r.Extra, r.Status, r.CreatedAt)
		if _, dup := db.IsUnique(err); dup {
			return apperr.Fields(apperr.Field("no", "dossier.err_round_exists", r.No, r.Year))
		}
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "round.create", "round", r.ID, "", nil, r)
	})
	return r, err
}

// CloseRound closes an open round.
func (s *Service) CloseRound(ctx context.Context, p *account.Principal, id int64, version int) (RoundRecord, error) {
	if err := needProvince(p); err != nil {
		return RoundRecord{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := loadRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status == RoundClosed {
			return apperr.New(apperr.Conflict, "dossier.err_round_closed")
		}
		res, err := tx.ExecContext(ctx, "UPDATE rounds SET status = 'closed', version = version + 1 WHERE id = ? AND version = ?", id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		return account.Audit(ctx, tx, p, "round.close", "round", id, "", map[string]any{"status": r.Status}, map[string]any{"status": RoundClosed})
	})
	if err != nil {
		return RoundRecord{}, err
	}
	return loadRound(ctx, s.db, id)
}

// Placement is the round a dossier falls into: the round the office
// assigned it to, or else the provincial round of Điều 5 for the day the
// commune proposed it (ProvincialRoundFor), or — not yet proposed — for
// today, as an expectation.
type Placement struct {
	Rule Round
	// Record is the round as the office opened it, when it exists.
	Record *RoundRecord
	// Assigned is true when the office assigned the round explicitly.
	Assigned bool
	// Expected is true while the dossier is not yet proposed: the round is
	// the one it would join if proposed today.
	Expected bool
}

// Placement returns the round a dossier falls into.
func (s *Service) Placement(ctx context.Context, d *Dossier) (Placement, error) {
	if d.RoundID != 0 {
		r, err := loadRound(ctx, s.db, d.RoundID)
		if err != nil {
			return Placement{}, err
		}
		return Placement{Rule: Round{Level: r.Level, Year: r.Year, No: r.No, ProposedBefore: r.ProposedBefore, DecidedBefore: r.DecidedBefore},
			Record: &r, Assigned: true}, nil
	}
	on, expected := d.ProposedOn, false
	if on.IsZero() {
		on, expected = s.Today(), true
	}
	pl := Placement{Rule: ProvincialRoundFor(on), Expected: expected}
	r, err := scanRound(s.db.QueryRowContext(ctx, "SELECT "+roundCols+" FROM rounds r WHERE r.level = ? AND r.year = ? AND r.no = ?",
		pl.Rule.Level, pl.Rule.Year, pl.Rule.No))
	switch {
	case err == nil:
		pl.Record = &r
	case !errors.Is(err, sql.ErrNoRows):
		return pl, err
	}
	return pl, nil
}

// roundCondition is the list filter for the dossiers of a round: those
// assigned to it, and those not assigned whose proposal date puts them in
// it under Điều 5 (regular provincial rounds only).
func (s *Service) roundCondition(ctx context.Context, id int64) (string, []any, error) {
	r, err := loadRound(ctx, s.db, id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return "", nil, apperr.Fields(apperr.Field("round", "dossier.err_round_not_found"))
		}
		return "", nil, err
	}
	if r.Level != LevelProvince || r.Extra {
		return "d.round_id = ?", []any{id}, nil
	}
	// Round 1 of year Y takes proposals from the cut-off of round 2 of
	// Y-1; round 2 from the cut-off of round 1 of Y.
	rs := ProvincialRounds(r.Year)
	from, to := ProvincialRounds(r.Year - 1)[1].ProposedBefore, rs[0].ProposedBefore
	if r.No == 2 {
		from, to = rs[0].ProposedBefore, rs[1].ProposedBefore
	}
	return "(d.round_id = ? OR (d.round_id IS NULL AND d.proposed_on <> '' AND d.proposed_on >= ? AND d.proposed_on < ?))",
		[]any{id, dateText(from), dateText(to)}, nil
}

// AssignRound puts a dossier the province has received into a round the
// office opened, overriding the round of Điều 5 (for an extra round, or a
// dossier carried over).
func (s *Service) AssignRound(ctx context.Context, p *account.Principal, dossierID, roundID int64, version int) (Dossier, error) {
	if err := needProvince(p); err != nil {
		return Dossier{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := loadDossier(ctx, tx, dossierID)
		if err != nil {
			return err
		}
		if d.Version != version {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if d.State != StateProposed && d.State != StateAccepted {
			return apperr.New(apperr.Conflict, "dossier.err_round_state")
		}
		r, err := loadRound(ctx, tx, roundID)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return apperr.Fields(apperr.Field("round", "dossier.err_round_not_found"))
			}
			return err
		}
		if r.Status != RoundOpen || r.Level != LevelProvince {
			return apperr.Fields(apperr.Field("round", "dossier.err_round_not_open"))
		}
		if err := s.bumpDossier(ctx, tx, &d, "round_id = ?", roundID); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.assign_round", "dossier", dossierID, d.CommuneCode,
			map[string]any{"round_id": d.RoundID}, map[string]any{"round_id": roundID})
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, dossierID)
}
