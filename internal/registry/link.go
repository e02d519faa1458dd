package registry

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Link is a producer account's request to act for a producer record. It
// takes effect only when a commune officer of the producer's commune (or
// the programme office) verifies it.
type Link struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	Username     string     `json:"username"`
	DisplayName  string     `json:"display_name"`
	Phone        string     `json:"phone"`
	ProducerID   int64      `json:"producer_id"`
	ProducerName string     `json:"producer_name"`
	CommuneCode  string     `json:"commune_code"`
	Status       string     `json:"status"` // pending | verified | rejected
	Note         string     `json:"note"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

// ProducerSignup is what a producer gives to sign up: an account, and
// either the registration number of a producer already in the registry or
// the details of a new one.
type ProducerSignup struct {
	Account account.NewUser
	// Existing asks to act for the producer already in the registry under
	// RegistrationNo. A non-empty RegistrationNo implies it.
	Existing       bool
	RegistrationNo string        // an existing producer's number
	Producer       ProducerInput // the new producer, when not Existing
}

// SignupProducer creates a producer account and a pending link, and a
// draft producer record when the registry does not have it yet. All in one
// transaction: a failure leaves nothing behind. Every problem of the form
// (account and producer alike) is reported at once. A phone number is
// required: the commune officer calls it to check who is asking.
func (s *Service) SignupProducer(ctx context.Context, ip string, in ProducerSignup) (account.User, Link, error) {
	in.Account.Role = account.RoleProducer
	in.Account.Communes = nil
	in.Account.MustChangePassword = false
	regNo := strings.ToUpper(strings.TrimSpace(in.RegistrationNo))
	existing := in.Existing || regNo != ""
	var errs apperr.Errs
	in.Account.Phone = strings.TrimSpace(in.Account.Phone)
	if in.Account.Phone == "" {
		errs.Add("phone", "err.required")
	}
	pin := in.Producer
	if existing {
		if regNo == "" {
			errs.Add("registration_no", "err.required")
		}
	} else {
		pin.Status = StatusDraft
		if pin.Phone == "" {
			pin.Phone = in.Account.Phone
		}
		if pin.Email == "" {
			pin.Email = strings.TrimSpace(in.Account.Email)
		}
		if err := s.validateProducer(&pin); err != nil {
			errs = append(errs, apperr.As(err).Fields...)
		}
	}
	var u account.User
	var l Link
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var producerID int64
		if existing && regNo != "" {
			err := tx.QueryRowContext(ctx, "SELECT id FROM producers WHERE registration_no = ?", regNo).Scan(&producerID)
			if err == sql.ErrNoRows {
				errs.Add("registration_no", "err.producer_not_found_by_regno", regNo)
			} else if err != nil {
				return err
			}
		}
		// The new account is the actor of its own creation; it has no id
		// yet, so the audit row carries its name and the client's address.
		anon := &account.Principal{Username: strings.ToLower(strings.TrimSpace(in.Account.Username)), IP: ip}
		var err error
		u, err = s.accounts.CreateUserTx(ctx, tx, anon, in.Account)
		if err := account.MergeInvalid(errs.Err(), err); err != nil {
			return err
		}
		self := &account.Principal{UserID: u.ID, Username: u.Username, Role: account.RoleProducer, IP: ip}
		if !existing {
			x, err := s.insertProducer(ctx, tx, self, pin)
			if err != nil {
				return err
			}
			producerID = x.ID
		}
		l, err = s.requestLinkTx(ctx, tx, self, producerID)
		return err
	})
	if err != nil {
		return account.User{}, Link{}, err
	}
	return u, l, nil
}

// RequestLink asks that the signed-in producer account may act for a
// producer, found by its registration number.
func (s *Service) RequestLink(ctx context.Context, p *account.Principal, registrationNo string) (Link, error) {
	if !p.Is(account.RoleProducer) {
		return Link{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var l Link
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		regNo := strings.ToUpper(strings.TrimSpace(registrationNo))
		err := tx.QueryRowContext(ctx, "SELECT id FROM producers WHERE registration_no = ?", regNo).Scan(&id)
		if err == sql.ErrNoRows || regNo == "" {
			return apperr.Fields(apperr.Field("registration_no", "err.producer_not_found_by_regno", regNo))
		}
		if err != nil {
			return err
		}
		l, err = s.requestLinkTx(ctx, tx, p, id)
		return err
	})
	return l, err
}

func (s *Service) requestLinkTx(ctx context.Context, tx *db.Tx, p *account.Principal, producerID int64) (Link, error) {
	id, err := db.Insert(ctx, tx, `INSERT INTO producer_links (user_id, producer_id, status, note, created_at) VALUES (?, ?, 'pending', '', ?)`,
		p.UserID, producerID, s.stamp())
	if err != nil {
		if _, ok := db.IsUnique(err); ok {
			return Link{}, apperr.Fields(apperr.Field("registration_no", "err.link_exists"))
		}
		return Link{}, err
	}
	l, err := s.link(ctx, tx, id)
	if err != nil {
		return Link{}, err
	}
	return l, account.Audit(ctx, tx, p, "producer_link.request", "producer_link", id, l.CommuneCode, nil, l)
}

const linkQuery = `SELECT l.id, l.user_id, u.username, u.display_name, u.phone, l.producer_id, p.name, p.commune_code, l.status, l.note,
	l.created_at, l.decided_at FROM producer_links l JOIN users u ON u.id = l.user_id JOIN producers p ON p.id = l.producer_id`

func scanLink(sc interface{ Scan(...any) error }) (Link, error) {
	var l Link
	var decided sql.NullTime
	err := sc.Scan(&l.ID, &l.UserID, &l.Username, &l.DisplayName, &l.Phone, &l.ProducerID, &l.ProducerName, &l.CommuneCode, &l.Status,
		&l.Note, &l.CreatedAt, &decided)
	if decided.Valid {
		l.DecidedAt = &decided.Time
	}
	return l, err
}

func (s *Service) link(ctx context.Context, q db.Queryer, id int64) (Link, error) {
	l, err := scanLink(q.QueryRowContext(ctx, linkQuery+" WHERE l.id = ?", id))
	return l, db.Scan(err, "err.link_not_found")
}

// ListLinks lists link requests p may decide (commune officers: their
// communes; province staff: all), or a producer's own requests.
func (s *Service) ListLinks(ctx context.Context, p *account.Principal, status string) ([]Link, error) {
	var w where
	switch {
	case p.Province():
	case p.Is(account.RoleCommune):
		cond, args := scopeFilter(p, "p.commune_code", "", "p.status")
		w.add(cond, args...)
	case p.Is(account.RoleProducer):
		w.add("l.user_id = ?", p.UserID)
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if status != "" {
		w.add("l.status = ?", status)
	}
	rows, err := s.db.QueryContext(ctx, linkQuery+w.sql()+" ORDER BY l.id DESC LIMIT 500", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// activateSignupProducer makes a draft producer (one created at sign-up)
// active once its account is verified, with its own audit row: the record
// becomes public, and the log must say who made it so.
func (s *Service) activateSignupProducer(ctx context.Context, tx *db.Tx, p *account.Principal, id int64) error {
	before, err := s.producer(ctx, tx, id)
	if err != nil {
		return err
	}
	if before.Status != StatusDraft {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE producers SET status = 'active', updated_at = ?, version = version + 1 WHERE id = ?",
		s.stamp(), id); err != nil {
		return err
	}
	after, err := s.producer(ctx, tx, id)
	if err != nil {
		return err
	}
	return account.Audit(ctx, tx, p, "producer.activate", "producer", id, after.CommuneCode, before, after)
}

// DecideLink verifies or rejects a pending link. Verifying also activates a
// producer record created at sign-up.
func (s *Service) DecideLink(ctx context.Context, p *account.Principal, id int64, verify bool, note string) (Link, error) {
	var out Link
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		l, err := s.link(ctx, tx, id)
		if err != nil {
			return err
		}
		if !(p.Province() || p.InCommune(l.CommuneCode)) {
			return forbidden()
		}
		if l.Status != "pending" {
			return apperr.New(apperr.Conflict, "err.link_decided")
		}
		var errs apperr.Errs
		checkText(&errs, "note", &note, 500, !verify)
		if err := errs.Err(); err != nil {
			return err
		}
		status := "rejected"
		if verify {
			status = "verified"
			if err := s.activateSignupProducer(ctx, tx, p, l.ProducerID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE producer_links SET status = ?, note = ?, decided_at = ?, decided_by = ? WHERE id = ?",
			status, note, s.stamp(), p.UserID, id); err != nil {
			return err
		}
		if out, err = s.link(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "producer_link."+status, "producer_link", id, l.CommuneCode, l, out)
	})
	return out, err
}
