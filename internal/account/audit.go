package account

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"ocop/internal/db"
)

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID          int64
	At          time.Time
	ActorID     int64
	ActorName   string
	Action      string // e.g. "producer.create", "user.login"
	Entity      string // e.g. "producer"
	EntityID    string
	CommuneCode string // the commune the record belongs to, for scoped views
	Before      string // JSON, "" for creations
	After       string // JSON, "" for deletions
	IP          string
}

// Audit writes an audit row in tx, the transaction of the change itself.
// before and after are marshalled to JSON (nil for none).
func Audit(ctx context.Context, tx *db.Tx, p *Principal, action, entity string, entityID any, commune string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	var actor any
	ip := ""
	if p != nil {
		if p.UserID != 0 {
			actor = p.UserID
		}
		ip = p.IP
	}
	id := ""
	switch v := entityID.(type) {
	case int64:
		id = strconv.FormatInt(v, 10)
	case string:
		id = v
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, commune_code, before, after, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.Now(), actor, p.Name(), action, entity, id, commune, b, a, ip)
	return err
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// AuditFilter selects audit rows.
type AuditFilter struct {
	Entity   string
	EntityID string
	Actor    string // username
	Action   string // prefix, e.g. "producer."
	From, To time.Time
	Communes []string // limit to these communes (commune officers); non-nil and empty means none
	// BeforeID keeps only rows older than this id: exports page through
	// the log by id, which stays correct while new rows arrive and costs
	// no OFFSET scan.
	BeforeID int64
	Page     int
	PerPage  int
}

// ListAudit returns audit rows, newest first, and the total count.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	var where []string
	var args []any
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.Actor != "" {
		where = append(where, "actor_name = ?")
		args = append(args, strings.ToLower(strings.TrimSpace(f.Actor)))
	}
	if f.Action != "" {
		// Escape LIKE's wildcards: "producer_link." must not match
		// "producerXlink.".
		where = append(where, `action LIKE ? ESCAPE '\'`)
		args = append(args, likeEscaper.Replace(strings.TrimSpace(f.Action))+"%")
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	if f.Communes != nil {
		if len(f.Communes) == 0 {
			return nil, 0, nil
		}
		where = append(where, "commune_code IN ("+db.Placeholders(len(f.Communes))+")")
		for _, c := range f.Communes {
			args = append(args, c)
		}
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per := f.PerPage
	if per <= 0 || per > 200 {
		per = 50
	}
	page := max(f.Page, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, entity, entity_id, commune_code, before, after, ip
		FROM audit_log`+w+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Entity, &e.EntityID, &e.CommuneCode, &e.Before, &e.After, &e.IP); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
