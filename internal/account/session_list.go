package account

import (
	"context"
	"time"

	"ocop/internal/apperr"
	"ocop/internal/db"
)

// SessionInfo describes one signed-in browser of a user, for the user to
// recognise (and end) it. The session's secret is never shown.
type SessionInfo struct {
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
	// Current is the session the list is read from.
	Current bool
}

// Sessions lists the caller's own live sessions, the most recent first.
func (s *Service) Sessions(ctx context.Context, p *Principal) ([]SessionInfo, error) {
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.unauthenticated")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT created_at, last_seen_at, expires_at, ip, user_agent, csrf FROM sessions
		WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, created_at DESC`, p.UserID, s.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SessionInfo
	for rows.Next() {
		var si SessionInfo
		var csrf string
		if err := rows.Scan(&si.CreatedAt, &si.LastSeenAt, &si.ExpiresAt, &si.IP, &si.UserAgent, &csrf); err != nil {
			return nil, err
		}
		si.Current = p.SessionCSRF != "" && csrf == p.SessionCSRF
		out = append(out, si)
	}
	return out, rows.Err()
}

// RevokeOtherSessions signs the caller out of every session but the one
// it uses ("sign out everywhere else"), and returns how many ended.
func (s *Service) RevokeOtherSessions(ctx context.Context, p *Principal) (int, error) {
	if p == nil {
		return 0, apperr.New(apperr.Unauthenticated, "err.unauthenticated")
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND csrf <> ?", p.UserID, p.SessionCSRF)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return Audit(ctx, tx, p, "session.revoke_others", "user", p.UserID, "", nil, map[string]any{"sessions": n})
	})
	return int(n), err
}

// RevokeUserSessions signs a user out everywhere (an administrator's
// answer to a lost phone or a suspected break-in), and returns how many
// sessions ended. API tokens are revoked separately by their owner.
func (s *Service) RevokeUserSessions(ctx context.Context, p *Principal, userID int64) (int, error) {
	if p == nil || !p.Is(RoleAdmin) {
		return 0, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = ?", userID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return apperr.New(apperr.NotFound, "err.user_not_found")
		}
		keep := ""
		if p.UserID == userID {
			keep = p.SessionCSRF
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND csrf <> ?", userID, keep)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return Audit(ctx, tx, p, "user.sessions_revoke", "user", userID, "", nil, map[string]any{"sessions": n})
	})
	return int(n), err
}
