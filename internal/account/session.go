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

// MaxFailedLogins is how many wrong passwords in a row lock an account (for
// LockBase, growing with each further lock: see LockAfter).
const MaxFailedLogins = LockAfter

// Session is a signed-in browser session. Token goes into the cookie; the
// database keeps only its hash.
type Session struct {
	Token     string
	CSRF      string
	ExpiresAt time.Time
}

// Login checks a username and password and opens a session. Wrong
// credentials give one message whatever was wrong, and take the same time.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (Session, *Principal, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var id int64
	var hash, status string
	var failed int
	var lockedUntil sql.NullTime
	err := s.db.QueryRowContext(ctx, "SELECT id, password_hash, status, failed_logins, locked_until FROM users WHERE username = ?", username).
		Scan(&id, &hash, &status, &failed, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash(), password)
		return Session{}, nil, apperr.New(apperr.Unauthenticated, "err.login_failed")
	}
	if err != nil {
		return Session{}, nil, err
	}
	now := s.now()
	if lockedUntil.Valid && now.Before(lockedUntil.Time) {
		// Locked: the password is not even checked (no guessing goes on
		// behind the lock), but the answer takes as long as if it were.
		CheckPassword(dummyHash(), password)
		return Session{}, nil, apperr.New(apperr.Forbidden, "recovery.err_locked", max(int(lockedUntil.Time.Sub(now).Round(time.Minute)/time.Minute), 1))
	}
	if !CheckPassword(hash, password) {
		_ = s.db.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", id); err != nil {
				return err
			}
			if err := Audit(ctx, tx, &Principal{UserID: id, Username: username, IP: ip}, "user.login_failed", "user", id, "", nil, nil); err != nil {
				return err
			}
			// The count after this failure, as the database has it (another
			// failure may have come in meanwhile).
			if err := tx.QueryRowContext(ctx, "SELECT failed_logins FROM users WHERE id = ?", id).Scan(&failed); err != nil {
				return err
			}
			if d := lockFor(failed); d > 0 {
				until := now.Add(d)
				if _, err := tx.ExecContext(ctx, "UPDATE users SET locked_until = ? WHERE id = ?", until, id); err != nil {
					return err
				}
				return Audit(ctx, tx, &Principal{UserID: id, Username: username, IP: ip}, "user.locked", "user", id, "", nil,
					map[string]any{"failed_logins": failed, "locked_until": until})
			}
			return nil
		})
		return Session{}, nil, apperr.New(apperr.Unauthenticated, "err.login_failed")
	}
	if status != "active" {
		return Session{}, nil, apperr.New(apperr.Forbidden, "err.account_disabled")
	}
	sess := Session{Token: randomToken(32), CSRF: randomToken(24)}
	sess.ExpiresAt = now.Add(s.opt.SessionTTL)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, last_seen_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, hashToken(sess.Token), id, sess.CSRF, now, sess.ExpiresAt, now, ip, userAgent); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET last_login_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?", now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < ?", now); err != nil {
			return err
		}
		return Audit(ctx, tx, &Principal{UserID: id, Username: username, IP: ip}, "user.login", "user", id, "", nil, nil)
	})
	if err != nil {
		return Session{}, nil, err
	}
	p, err := s.principal(ctx, id)
	if err != nil {
		return Session{}, nil, err
	}
	p.IP, p.SessionCSRF = ip, sess.CSRF
	return sess, p, nil
}

// Authenticate returns the principal of a session token, or nil when the
// session is unknown, expired or idle too long. It refreshes last_seen_at
// at most once a minute so that reads stay reads.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	var uid int64
	var csrf string
	var expires, seen time.Time
	err := s.db.QueryRowContext(ctx, `SELECT s.user_id, s.csrf, s.expires_at, s.last_seen_at FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.status = 'active'`, hashToken(token)).Scan(&uid, &csrf, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.After(expires) || now.Sub(seen) > s.opt.SessionIdle {
		_, _ = s.db.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashToken(token))
		return nil, nil
	}
	if now.Sub(seen) > time.Minute {
		_, _ = s.db.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", now, hashToken(token))
	}
	p, err := s.principal(ctx, uid)
	if err != nil {
		return nil, err
	}
	p.IP, p.SessionCSRF = ip, csrf
	return p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, p *Principal, token string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashToken(token)); err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		return Audit(ctx, tx, p, "user.logout", "user", p.UserID, "", nil, nil)
	})
}

// principal loads a user's role and scopes.
func (s *Service) principal(ctx context.Context, id int64) (*Principal, error) {
	var p Principal
	var role string
	var verified sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, username, display_name, role, locale, verified_at, must_change_password
		FROM users WHERE id = ? AND status = 'active'`, id).Scan(&p.UserID, &p.Username, &p.DisplayName, &role, &p.Locale, &verified, &p.MustChangePassword)
	if err != nil {
		return nil, db.Scan(err, "err.user_not_found")
	}
	p.Role = Role(role)
	p.Verified = verified.Valid
	switch p.Role {
	case RoleCommune:
		if p.Communes, err = s.communesOf(ctx, s.db, id); err != nil {
			return nil, err
		}
	case RoleProducer:
		rows, err := s.db.QueryContext(ctx, "SELECT producer_id FROM producer_links WHERE user_id = ? AND status = 'verified' ORDER BY producer_id", id)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var pid int64
			if err := rows.Scan(&pid); err != nil {
				return nil, err
			}
			p.Producers = append(p.Producers, pid)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// Token is an API token's public description.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TokenPrefix starts every API token, so that leaked tokens are easy to find.
const TokenPrefix = "ocop_"

// CreateToken issues an API token for the principal and returns the secret
// once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, p *Principal, name string) (string, Token, error) {
	if p == nil {
		return "", Token{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, apperr.Fields(apperr.Field("name", "err.required"))
	}
	secret := TokenPrefix + randomToken(30)
	t := Token{Name: name, Prefix: secret[:len(TokenPrefix)+6], CreatedAt: s.now()}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		t.ID, err = db.Insert(ctx, tx, "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
			p.UserID, name, hashToken(secret), t.Prefix, t.CreatedAt)
		if err != nil {
			return err
		}
		return Audit(ctx, tx, p, "token.create", "api_token", t.ID, "", nil, t)
	})
	return secret, t, err
}

// Tokens lists the principal's API tokens.
func (s *Service) Tokens(ctx context.Context, p *Principal) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", p.ID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &revoked); err != nil {
			return nil, err
		}
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the principal's tokens.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", s.now(), id, p.ID())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.token_not_found")
		}
		return Audit(ctx, tx, p, "token.revoke", "api_token", id, "", nil, nil)
	})
}

// AuthenticateToken returns the principal of an API token, or nil.
func (s *Service) AuthenticateToken(ctx context.Context, secret, ip string) (*Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, nil
	}
	var id, uid int64
	var used sql.NullTime
	err := s.db.QueryRowContext(ctx, "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", hashToken(secret)).Scan(&id, &uid, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !used.Valid || now.Sub(used.Time) > time.Minute {
		_, _ = s.db.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id)
	}
	p, err := s.principal(ctx, uid)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil, nil
		}
		return nil, err
	}
	p.IP, p.ViaToken = ip, true
	return p, nil
}
