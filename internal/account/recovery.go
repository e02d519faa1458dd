package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Lockout: every LockAfter wrong passwords in a row lock the account for a
// while — LockBase the first time, twice as long each time after, at most
// LockMax. A locked account refuses every sign-in, right password or not,
// until the time passes, the user resets the password by e-mail link, or
// an administrator resets it. Timed rather than permanent so that anyone
// who knows a username cannot lock its owner out for good.
const (
	LockAfter = 5
	LockBase  = 15 * time.Minute
	LockMax   = 24 * time.Hour
)

// lockFor is how long the failed-th wrong password in a row locks the
// account for (0: it does not).
func lockFor(failed int) time.Duration {
	if failed < LockAfter || failed%LockAfter != 0 {
		return 0
	}
	d := LockBase
	for i := failed / LockAfter; i > 1 && d < LockMax; i-- {
		d *= 2
	}
	return min(d, LockMax)
}

// Password-reset links.
const (
	// ResetTTL is how long a reset link works.
	ResetTTL = time.Hour
	// ResetsPerHour is the most reset links one account is sent in an hour;
	// further requests are answered the same way and send nothing.
	ResetsPerHour = 3
)

// ResetMail is a reset link to send: to whom, in which language, and the
// one-time token that goes into the link (the database keeps its hash).
type ResetMail struct {
	UserID      int64
	Username    string
	DisplayName string
	Email       string
	Locale      string
	Token       string
	ExpiresAt   time.Time
}

// RequestReset starts a self-service password reset for the active
// account(s) whose username or e-mail address is who: it records a one-time
// token per account (valid ResetTTL; earlier unused links of the account
// stop working) and returns the e-mails to send. Whether or not an account
// matches, the caller answers the same; accounts without an e-mail address,
// disabled ones and accounts already sent ResetsPerHour links in the last
// hour get nothing. Each link issued is audited.
func (s *Service) RequestReset(ctx context.Context, who, ip string) ([]ResetMail, error) {
	who = strings.ToLower(strings.TrimSpace(who))
	if who == "" || len(who) > 254 {
		return nil, apperr.Fields(apperr.Field("who", "recovery.err_who"))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, username, display_name, email, locale FROM users
		WHERE status = 'active' AND email <> '' AND (username = ? OR LOWER(email) = ?) ORDER BY id LIMIT 5`, who, who)
	if err != nil {
		return nil, err
	}
	var found []ResetMail
	for rows.Next() {
		var m ResetMail
		if err := rows.Scan(&m.UserID, &m.Username, &m.DisplayName, &m.Email, &m.Locale); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []ResetMail
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, m := range found {
			var recent int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND created_at > ?`,
				m.UserID, now.Add(-time.Hour)).Scan(&recent); err != nil {
				return err
			}
			if recent >= ResetsPerHour {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, m.UserID); err != nil {
				return err
			}
			m.Token, m.ExpiresAt = randomToken(32), now.Add(ResetTTL)
			if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)`,
				m.UserID, hashToken(m.Token), now, m.ExpiresAt, ip); err != nil {
				return err
			}
			if err := Audit(ctx, tx, &Principal{UserID: m.UserID, Username: m.Username, IP: ip}, "user.reset_requested", "user", m.UserID, "", nil,
				map[string]any{"expires_at": m.ExpiresAt}); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errBadLink is the one answer for a reset token that is unknown, used,
// expired or of a disabled account.
var errBadLink = apperr.New(apperr.Invalid, "recovery.err_link")

// resetOwner returns the user a usable reset token belongs to.
func (s *Service) resetOwner(ctx context.Context, q db.Queryer, token string) (id, userID int64, username string, err error) {
	if token == "" || len(token) > 100 {
		return 0, 0, "", errBadLink
	}
	var expires time.Time
	var used sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT r.id, r.user_id, u.username, r.expires_at, r.used_at FROM password_resets r
		JOIN users u ON u.id = r.user_id WHERE r.token_hash = ? AND u.status = 'active'`, hashToken(token)).Scan(&id, &userID, &username, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, "", errBadLink
	}
	if err != nil {
		return 0, 0, "", err
	}
	if used.Valid || !s.now().Before(expires) {
		return 0, 0, "", errBadLink
	}
	return id, userID, username, nil
}

// CheckResetToken reports whether a reset link can still be used, and for
// which username.
func (s *Service) CheckResetToken(ctx context.Context, token string) (string, error) {
	_, _, username, err := s.resetOwner(ctx, s.db, token)
	return username, err
}

// ResetWithToken sets a new password through a reset link, in one
// transaction: the link is used up (and every other link of the account),
// the password replaced, the account unlocked, every session of the user
// ended, and the reset audited. A link used twice, expired or unknown
// fails with recovery.err_link.
func (s *Service) ResetWithToken(ctx context.Context, token, password, ip string) error {
	_, _, username, err := s.resetOwner(ctx, s.db, token)
	if err != nil {
		return err
	}
	if err := ValidatePassword("password", password, username); err != nil {
		return err
	}
	hash, err := HashPassword(password, s.opt.Password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		id, userID, username, err := s.resetOwner(ctx, tx, token)
		if err != nil {
			return err
		}
		now := s.now()
		// Single use even against a concurrent request with the same link.
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL`, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadLink
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = FALSE, failed_logins = 0, locked_until = NULL,
			updated_at = ?, version = version + 1 WHERE id = ?`, hash, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return Audit(ctx, tx, &Principal{UserID: userID, Username: username, IP: ip}, "user.reset_by_link", "user", userID, "", nil,
			map[string]any{"sessions_ended": true, "unlocked": true})
	})
}
