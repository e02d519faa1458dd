package stamp

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Batch statuses.
const (
	BatchIssued      = "issued"      // printed or printable, not yet on goods
	BatchActive      = "active"      // applied to goods: verifies as genuine
	BatchDeactivated = "deactivated" // lost, stolen or withdrawn
)

// Batch is a batch (lô tem) of stamps for one certified product.
type Batch struct {
	ID                int64      `json:"-"`
	Code              string     `json:"code"`
	ProductID         int64      `json:"product_id"`
	ProductCode       string     `json:"product_code"`
	ProductName       string     `json:"product_name"`
	GTIN              string     `json:"gtin,omitempty"`
	ProducerID        int64      `json:"producer_id"`
	ProducerName      string     `json:"producer_name"`
	CommuneCode       string     `json:"commune_code"`
	CertificateID     int64      `json:"-"`
	CertificateNumber string     `json:"certificate_number"`
	Star              int        `json:"star"`
	Lot               string     `json:"lot,omitempty"`
	Count             int        `json:"count"`
	Deactivated       int        `json:"deactivated_stamps"`
	Status            string     `json:"status"`
	CreatedAt         time.Time  `json:"created_at"`
	ActivatedAt       *time.Time `json:"activated_at,omitempty"`
	DeactivatedAt     *time.Time `json:"deactivated_at,omitempty"`
	DeactivateReason  string     `json:"deactivate_reason,omitempty"`
	Version           int        `json:"version"`
}

// BatchInput asks for a new batch: the product by id or code, the number
// of stamps and an optional production lot.
type BatchInput struct {
	ProductID   int64  `json:"product_id"`
	ProductCode string `json:"product_code"`
	Count       int    `json:"count"`
	Lot         string `json:"lot"`
}

// productRow is what issuing needs to know of a product.
type productRow struct {
	ID          int64
	Code        string
	Name        string
	GTIN        string
	ProducerID  int64
	CommuneCode string
	Status      string
}

func (s *Service) productFor(ctx context.Context, in BatchInput) (productRow, error) {
	var r productRow
	where, arg := "p.id = ?", any(in.ProductID)
	if in.ProductID == 0 {
		where, arg = "p.code = ?", strings.TrimSpace(in.ProductCode)
	}
	err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.code, p.name, COALESCE(p.gtin, ''), p.producer_id, pr.commune_code, p.status
		FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE `+where, arg).
		Scan(&r.ID, &r.Code, &r.Name, &r.GTIN, &r.ProducerID, &r.CommuneCode, &r.Status)
	if err != nil {
		return r, db.Scan(err, "stamp.err_product")
	}
	return r, nil
}

// CanIssue reports whether p may issue, print, activate and deactivate the
// stamps of a product of producerID: the programme office for any product,
// a producer for its own.
func CanIssue(p *account.Principal, producerID int64) bool {
	return p.Province() || p.ActsFor(producerID)
}

// canSee reports whether p may see a batch, its alerts and reports in the
// back office: those who may issue, and commune officers for their communes.
func canSee(p *account.Principal, commune string, producerID int64) bool {
	return CanIssue(p, producerID) || p.InCommune(commune)
}

// Issue creates a batch of in.Count stamps with fresh random serials for a
// product whose certificate is valid today. A producer stays within the
// quota per product; the office is not limited by it.
func (s *Service) Issue(ctx context.Context, p *account.Principal, in BatchInput) (Batch, error) {
	if p == nil {
		return Batch{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	// Only the office and producers issue stamps; say so before asking
	// anyone to fix a form they may not use.
	if !p.Province() && !p.Is(account.RoleProducer) {
		return Batch{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	in.Lot = strings.TrimSpace(in.Lot)
	if in.ProductID == 0 && strings.TrimSpace(in.ProductCode) == "" {
		errs.Add("product", "stamp.err_product_required")
	}
	if in.Count < 1 || in.Count > s.opt.MaxBatch {
		errs.Add("count", "stamp.err_count", s.opt.MaxBatch)
	}
	if len([]rune(in.Lot)) > 64 {
		errs.Add("lot", "stamp.err_lot")
	}
	if err := errs.Err(); err != nil {
		return Batch{}, err
	}
	pr, err := s.productFor(ctx, in)
	if err != nil {
		return Batch{}, err
	}
	if !CanIssue(p, pr.ProducerID) {
		return Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	cert, err := s.Evaluation.CurrentCertificate(ctx, pr.ID)
	if apperr.Is(err, apperr.NotFound) {
		return Batch{}, apperr.New(apperr.Invalid, "stamp.err_no_certificate")
	}
	if err != nil {
		return Batch{}, err
	}
	if !cert.Status.Valid() {
		return Batch{}, apperr.New(apperr.Invalid, "stamp.err_certificate_"+certWord(string(cert.Status)), cert.Number)
	}
	var b Batch
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !p.Province() {
			// Two requests of one producer must not both fit in the same
			// remaining quota: lock the product row (SQLite transactions
			// already take the write lock at BEGIN).
			if tx.Dialect() == db.Postgres {
				var id int64
				if err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE id = ? FOR UPDATE`, pr.ID).Scan(&id); err != nil {
					return err
				}
			}
			var used int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(count), 0) FROM stamp_batches WHERE product_id = ?`, pr.ID).Scan(&used); err != nil {
				return err
			}
			if used+in.Count > s.opt.Quota {
				return apperr.Fields(apperr.Field("count", "stamp.err_quota", s.opt.Quota, max(0, s.opt.Quota-used)))
			}
		}
		now := s.now()
		code := newBatchCode()
		id, err := db.Insert(ctx, tx, `INSERT INTO stamp_batches (code, product_id, producer_id, commune_code, certificate_id, lot, count, status,
			created_by, created_at, deactivate_reason, version) VALUES (?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, '', 1)`,
			code, pr.ID, pr.ProducerID, pr.CommuneCode, cert.ID, in.Lot, in.Count, nullID(p.UserID), now)
		if err != nil {
			return err
		}
		if err := insertSerials(ctx, tx, id, 1, in.Count); err != nil {
			return err
		}
		b = Batch{ID: id, Code: code, ProductID: pr.ID, ProductCode: pr.Code, ProductName: pr.Name, GTIN: pr.GTIN, ProducerID: pr.ProducerID,
			CommuneCode: pr.CommuneCode, CertificateID: cert.ID, CertificateNumber: cert.Number, Star: int(cert.Star), Lot: in.Lot,
			Count: in.Count, Status: BatchIssued, CreatedAt: now, Version: 1}
		return account.Audit(ctx, tx, p, "stamp.issue", "stamp_batch", code, pr.CommuneCode, nil,
			map[string]any{"product": pr.Code, "count": in.Count, "lot": in.Lot, "certificate": cert.Number})
	})
	if err != nil {
		return Batch{}, fmt.Errorf("issue stamps for %s: %w", pr.Code, err)
	}
	return b, nil
}

func certWord(status string) string {
	if status == "revoked" {
		return "revoked"
	}
	return "expired"
}

// newBatchCode returns a batch identifier: "B" and ten random base32
// symbols (50 bits), short enough to read over the phone.
func newBatchCode() string {
	var rnd [10]byte
	_, _ = rand.Read(rnd[:])
	b := []byte{'B'}
	for _, x := range rnd {
		b = append(b, crockford[x&31])
	}
	return string(b)
}

// serialChunk is the number of rows of one multi-row INSERT: the serials
// are written as literals (they come from our own alphabet, never from
// input), so only the statement size limits it.
const serialChunk = 10000

// insertSerials inserts stamps seq from..from+n-1 of a batch with fresh
// serials, in multi-row INSERTs. Within a statement the rows are listed in
// serial order (each keeping its random position), so that the unique
// index on serial is walked once per statement instead of at random: that
// keeps a million-stamp batch fast when the index outgrows the cache. A
// serial that collides with an existing one (never seen in practice: 80
// random bits) makes the chunk be drawn again.
func insertSerials(ctx context.Context, tx *db.Tx, batchID int64, from, n int) error {
	if tx.Dialect() == db.SQLite && n > serialChunk {
		// A bigger page cache for this connection while the index grows.
		if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = -131072"); err != nil {
			return err
		}
		defer tx.ExecContext(ctx, "PRAGMA cache_size = -2000") //nolint:errcheck // back to SQLite's default
	}
	type row struct {
		seq    int
		serial string
	}
	rows := make([]row, 0, min(n, serialChunk))
	var sb strings.Builder
	bid := strconv.FormatInt(batchID, 10)
	tries := 0
	for start := 0; start < n; start += serialChunk {
		m := min(serialChunk, n-start)
		rows = rows[:0]
		for i := 0; i < m; i++ {
			rows = append(rows, row{from + start + i, NewSerial()})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].serial < rows[j].serial })
		sb.Reset()
		sb.Grow(64 + m*(len(bid)+30))
		sb.WriteString("INSERT INTO stamps (batch_id, seq, serial) VALUES ")
		for i, r := range rows {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			sb.WriteString(bid)
			sb.WriteByte(',')
			sb.WriteString(strconv.Itoa(r.seq))
			sb.WriteString(",'")
			sb.WriteString(r.serial)
			sb.WriteString("')")
		}
		// A collision with an existing serial (never seen: 80 random bits)
		// fails the statement; its savepoint is rolled back and the chunk
		// drawn again. Plain INSERT is a quarter faster than ON CONFLICT on
		// PostgreSQL.
		stmt := sb.String()
		err := tx.Savepoint(ctx, "serials", func() error {
			_, err := tx.ExecContext(ctx, stmt)
			return err
		})
		if _, dup := db.IsUnique(err); dup && tries < 3 {
			tries++
			start -= serialChunk
			continue
		}
		if err != nil {
			return err
		}
		tries = 0
	}
	return nil
}

const batchCols = `b.id, b.code, b.product_id, p.code, p.name, COALESCE(p.gtin, ''), b.producer_id, pr.name, b.commune_code, b.certificate_id,
	c.number, c.star, b.lot, b.count, b.status, b.created_at, b.activated_at, b.deactivated_at, b.deactivate_reason, b.version,
	(SELECT COUNT(*) FROM stamps st WHERE st.batch_id = b.id AND st.deactivated_at IS NOT NULL)`

const batchFrom = ` FROM stamp_batches b JOIN products p ON p.id = b.product_id JOIN producers pr ON pr.id = b.producer_id
	JOIN certificates c ON c.id = b.certificate_id`

func scanBatch(sc interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var act, deact sql.NullTime
	err := sc.Scan(&b.ID, &b.Code, &b.ProductID, &b.ProductCode, &b.ProductName, &b.GTIN, &b.ProducerID, &b.ProducerName, &b.CommuneCode,
		&b.CertificateID, &b.CertificateNumber, &b.Star, &b.Lot, &b.Count, &b.Status, &b.CreatedAt, &act, &deact, &b.DeactivateReason,
		&b.Version, &b.Deactivated)
	if act.Valid {
		t := act.Time.UTC()
		b.ActivatedAt = &t
	}
	if deact.Valid {
		t := deact.Time.UTC()
		b.DeactivatedAt = &t
	}
	b.CreatedAt = b.CreatedAt.UTC()
	return b, err
}

// Batch returns a batch p may see, by its code.
func (s *Service) Batch(ctx context.Context, p *account.Principal, code string) (Batch, error) {
	b, err := s.batch(ctx, s.DB, code)
	if err != nil {
		return b, err
	}
	if !canSee(p, b.CommuneCode, b.ProducerID) {
		if p == nil {
			return Batch{}, apperr.New(apperr.Unauthenticated, "err.login_required")
		}
		return Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return b, nil
}

func (s *Service) batch(ctx context.Context, q db.Queryer, code string) (Batch, error) {
	b, err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchCols+batchFrom+" WHERE b.code = ?", strings.ToUpper(strings.TrimSpace(code))))
	if err != nil {
		return b, db.Scan(err, "stamp.err_batch_not_found")
	}
	return b, nil
}

// BatchFilter selects batches in the back-office list.
type BatchFilter struct {
	ProductID  int64
	ProducerID int64
	Commune    string
	Status     string
	Limit      int
}

// ListBatches lists the batches p may see, newest first.
func (s *Service) ListBatches(ctx context.Context, p *account.Principal, f BatchFilter) ([]Batch, error) {
	cond, args, err := scopeCond(p, "b.commune_code", "b.producer_id")
	if err != nil {
		return nil, err
	}
	conds := []string{cond}
	if f.ProductID != 0 {
		conds, args = append(conds, "b.product_id = ?"), append(args, f.ProductID)
	}
	if f.ProducerID != 0 {
		conds, args = append(conds, "b.producer_id = ?"), append(args, f.ProducerID)
	}
	if f.Commune != "" {
		conds, args = append(conds, "b.commune_code = ?"), append(args, f.Commune)
	}
	if f.Status != "" {
		conds, args = append(conds, "b.status = ?"), append(args, f.Status)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+batchCols+batchFrom+" WHERE "+strings.Join(conds, " AND ")+
		fmt.Sprintf(" ORDER BY b.created_at DESC, b.id DESC LIMIT %d", f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// scopeCond limits a back-office list to what p may see: everything for
// the office, the communes of a commune officer, the producers of a
// producer account.
func scopeCond(p *account.Principal, communeCol, producerCol string) (string, []any, error) {
	switch {
	case p == nil:
		return "", nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province():
		return "1 = 1", nil, nil
	case p.Is(account.RoleCommune):
		if len(p.Communes) == 0 {
			return "1 = 0", nil, nil
		}
		args := make([]any, len(p.Communes))
		for i, c := range p.Communes {
			args[i] = c
		}
		return communeCol + " IN (" + db.Placeholders(len(args)) + ")", args, nil
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			return "1 = 0", nil, nil
		}
		args := make([]any, len(p.Producers))
		for i, c := range p.Producers {
			args[i] = c
		}
		return producerCol + " IN (" + db.Placeholders(len(args)) + ")", args, nil
	}
	return "", nil, apperr.New(apperr.Forbidden, "err.forbidden")
}

// managed loads a batch for a change by p.
func (s *Service) managed(ctx context.Context, tx *db.Tx, p *account.Principal, code string) (Batch, error) {
	if p == nil {
		return Batch{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	b, err := s.batch(ctx, tx, code)
	if err != nil {
		return b, err
	}
	if !CanIssue(p, b.ProducerID) {
		return Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return b, nil
}

// Activate marks a batch as applied to goods: its stamps verify as genuine
// from now on (while the certificate is valid).
func (s *Service) Activate(ctx context.Context, p *account.Principal, code string) (Batch, error) {
	var out Batch
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.managed(ctx, tx, p, code)
		if err != nil {
			return err
		}
		switch b.Status {
		case BatchActive:
			out = b
			return nil
		case BatchDeactivated:
			return apperr.New(apperr.Conflict, "stamp.err_batch_deactivated")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stamp_batches SET status = 'active', activated_at = ?, version = version + 1 WHERE id = ?`, now, b.ID); err != nil {
			return err
		}
		if err := account.Audit(ctx, tx, p, "stamp.activate", "stamp_batch", b.Code, b.CommuneCode, map[string]any{"status": b.Status}, map[string]any{"status": BatchActive}); err != nil {
			return err
		}
		b.Status, b.ActivatedAt, b.Version = BatchActive, &now, b.Version+1
		out = b
		return nil
	})
	if err == nil {
		s.forgetBatch(out.ID)
	}
	return out, err
}

// Deactivation withdraws a whole batch (From = To = 0) or the stamps at
// positions From..To of it (a lost roll), with the reason.
type Deactivation struct {
	From   int    `json:"from"`
	To     int    `json:"to"`
	Reason string `json:"reason"`
}

// Deactivate withdraws a batch or a range of it; the stamps then verify as
// "deactivated". It returns the batch and the number of stamps withdrawn.
func (s *Service) Deactivate(ctx context.Context, p *account.Principal, code string, d Deactivation) (Batch, int, error) {
	// Scope first: someone who may not touch the batch learns nothing from
	// the validation of their form.
	if b, err := s.batch(ctx, s.DB, code); err != nil {
		return Batch{}, 0, err
	} else if p == nil {
		return Batch{}, 0, apperr.New(apperr.Unauthenticated, "err.login_required")
	} else if !CanIssue(p, b.ProducerID) {
		return Batch{}, 0, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	var errs apperr.Errs
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Reason == "" || len([]rune(d.Reason)) > 500 {
		errs.Add("reason", "stamp.err_reason")
	}
	whole := d.From == 0 && d.To == 0
	if !whole && (d.From < 1 || d.To < d.From) {
		errs.Add("from", "stamp.err_range")
	}
	if err := errs.Err(); err != nil {
		return Batch{}, 0, err
	}
	var out Batch
	var n int
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.managed(ctx, tx, p, code)
		if err != nil {
			return err
		}
		if !whole && d.To > b.Count {
			return apperr.Fields(apperr.Field("to", "stamp.err_range_count", b.Count))
		}
		now := s.now()
		if whole {
			if b.Status == BatchDeactivated {
				return apperr.New(apperr.Conflict, "stamp.err_batch_deactivated")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE stamp_batches SET status = 'deactivated', deactivated_at = ?, deactivate_reason = ?, version = version + 1 WHERE id = ?`,
				now, d.Reason, b.ID); err != nil {
				return err
			}
			n = b.Count - b.Deactivated
			b.Status, b.DeactivatedAt, b.DeactivateReason = BatchDeactivated, &now, d.Reason
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE stamps SET deactivated_at = ?, deactivate_reason = ? WHERE batch_id = ? AND seq >= ? AND seq <= ? AND deactivated_at IS NULL`,
				now, d.Reason, b.ID, d.From, d.To)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n = int(k)
			b.Deactivated += n
		}
		out = b
		return account.Audit(ctx, tx, p, "stamp.deactivate", "stamp_batch", b.Code, b.CommuneCode, nil,
			map[string]any{"from": d.From, "to": d.To, "reason": d.Reason, "stamps": n})
	})
	if err == nil {
		s.forgetBatch(out.ID)
	}
	return out, n, err
}

// Code is one stamp of a batch as printed.
type Code struct {
	Seq    int
	Serial string
}

// Codes calls fn for the stamps of a batch in printing order.
func (s *Service) Codes(ctx context.Context, p *account.Principal, code string, fn func(Code) error) (Batch, error) {
	b, err := s.Batch(ctx, p, code)
	if err != nil {
		return b, err
	}
	if !CanIssue(p, b.ProducerID) {
		return Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, serial FROM stamps WHERE batch_id = ? ORDER BY seq`, b.ID)
	if err != nil {
		return b, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Code
		if err := rows.Scan(&c.Seq, &c.Serial); err != nil {
			return b, err
		}
		if err := fn(c); err != nil {
			return b, err
		}
	}
	return b, rows.Err()
}
