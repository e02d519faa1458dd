package trace

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/stamp"
)

// Lot is a production lot (lô sản xuất) of one product.
type Lot struct {
	ID           int64      `json:"id"`
	Code         string     `json:"code"`
	ProductID    int64      `json:"product_id"`
	ProductCode  string     `json:"product_code"`
	ProductName  string     `json:"product_name"`
	GTIN         string     `json:"gtin,omitempty"`
	ProducerID   int64      `json:"producer_id"`
	ProducerName string     `json:"producer_name"`
	CommuneCode  string     `json:"commune_code"`
	ProducedOn   string     `json:"produced_on"`
	ExpiresOn    string     `json:"expires_on,omitempty"`
	Quantity     float64    `json:"quantity"`
	Unit         string     `json:"unit"`
	Standards    string     `json:"standards,omitempty"` // applied standards (tiêu chuẩn áp dụng)
	Note         string     `json:"note,omitempty"`
	Inputs       []LotInput `json:"inputs"`
	Stamps       int        `json:"stamps"`
	RecalledAt   *time.Time `json:"recalled_at,omitempty"`
	RecallReason string     `json:"recall_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`
}

// LotInput is one input of a lot: another lot or a raw-material area.
type LotInput struct {
	LotID  int64  `json:"lot_id,omitempty"`
	AreaID int64  `json:"area_id,omitempty"`
	Name   string `json:"name,omitempty"` // filled on reads
}

// LotForm is what a form or the API gives for a lot.
type LotForm struct {
	ProductID  int64      `json:"product_id"`
	Code       string     `json:"code"`
	ProducedOn string     `json:"produced_on"`
	ExpiresOn  string     `json:"expires_on"`
	Quantity   float64    `json:"quantity"`
	Unit       string     `json:"unit"`
	Standards  string     `json:"standards"`
	Note       string     `json:"note"`
	Inputs     []LotInput `json:"inputs"`
	Version    int        `json:"version"`
}

// Recalled reports whether the lot was recalled.
func (l Lot) Recalled() bool { return l.RecalledAt != nil }

// URI is the lot's class-level identifier in EPCIS events: a GS1 Digital
// Link with AI 10 when the product has a GTIN, else an ocop URN.
func (l Lot) URI() string { return LotURI(l.GTIN, l.ProductCode, l.Code) }

// LotURI builds a lot identifier (see Lot.URI).
func LotURI(gtin, productCode, code string) string {
	if gtin != "" {
		return "https://id.gs1.org/01/" + stamp.GTIN14(gtin) + "/10/" + code
	}
	return "urn:ocop:lot:" + productCode + ":" + code
}

// ValidLotCode reports whether s may be a lot number: 1–20 characters
// from the GS1 AI (10) set that need no escaping in a URI path
// (letters, digits, '-', '.', '_').
func ValidLotCode(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// Units are the units a lot's quantity may be in.
var Units = []string{"kg", "g", "t", "l", "ml", "piece", "box", "bottle", "bag", "jar"}

func (in *LotForm) validate() error {
	var errs apperr.Errs
	in.Code, in.Unit = strings.TrimSpace(in.Code), strings.TrimSpace(in.Unit)
	in.Standards, in.Note = strings.TrimSpace(in.Standards), strings.TrimSpace(in.Note)
	in.ProducedOn, in.ExpiresOn = strings.TrimSpace(in.ProducedOn), strings.TrimSpace(in.ExpiresOn)
	if in.ProductID == 0 {
		errs.Add("product_id", "trace.err_product")
	}
	if !ValidLotCode(in.Code) {
		errs.Add("code", "trace.err_lot_code")
	}
	if !validDate(in.ProducedOn) {
		errs.Add("produced_on", "trace.err_date")
	}
	if in.ExpiresOn != "" && (!validDate(in.ExpiresOn) || in.ExpiresOn < in.ProducedOn) {
		errs.Add("expires_on", "trace.err_expiry")
	}
	if in.Quantity < 0 || in.Quantity > 1e12 || math.IsNaN(in.Quantity) {
		errs.Add("quantity", "trace.err_quantity")
	}
	if !contains(Units, in.Unit) {
		errs.Add("unit", "trace.err_unit")
	}
	if len([]rune(in.Standards)) > 300 {
		errs.Add("standards", "trace.err_standards")
	}
	if len([]rune(in.Note)) > 2000 {
		errs.Add("note", "trace.err_note")
	}
	checkClean(&errs, "standards", in.Standards)
	checkClean(&errs, "note", in.Note)
	if len(in.Inputs) > 50 {
		errs.Add("inputs", "trace.err_inputs")
	}
	for i, x := range in.Inputs {
		if (x.LotID == 0) == (x.AreaID == 0) {
			errs.Add(fmt.Sprintf("inputs[%d]", i), "trace.err_input")
		}
	}
	return errs.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// productOwner returns what a lot needs to know of its product.
func (s *Service) productOwner(ctx context.Context, q db.Queryer, productID int64) (producerID int64, commune string, err error) {
	err = q.QueryRowContext(ctx, `SELECT p.producer_id, pr.commune_code FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = ?`, productID).
		Scan(&producerID, &commune)
	if err != nil {
		return 0, "", db.Scan(err, "err.product_not_found")
	}
	return producerID, commune, nil
}

// checkInputs verifies that a lot's inputs exist and belong to the same
// producer (a producer cannot claim another's lot or area as its input).
func (s *Service) checkInputs(ctx context.Context, tx *db.Tx, producerID, self int64, in []LotInput) error {
	var errs apperr.Errs
	for i, x := range in {
		var owner int64
		var err error
		if x.LotID != 0 {
			err = tx.QueryRowContext(ctx, `SELECT producer_id FROM trace_lots WHERE id = ?`, x.LotID).Scan(&owner)
		} else {
			err = tx.QueryRowContext(ctx, `SELECT producer_id FROM trace_areas WHERE id = ?`, x.AreaID).Scan(&owner)
		}
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if err == sql.ErrNoRows || owner != producerID || (x.LotID != 0 && x.LotID == self) {
			errs.Add(fmt.Sprintf("inputs[%d]", i), "trace.err_input_owner")
		}
	}
	return errs.Err()
}

func writeInputs(ctx context.Context, tx *db.Tx, lotID int64, in []LotInput) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM trace_lot_inputs WHERE lot_id = ?`, lotID); err != nil {
		return err
	}
	for _, x := range in {
		var lot, area any
		if x.LotID != 0 {
			lot = x.LotID
		} else {
			area = x.AreaID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO trace_lot_inputs (lot_id, input_lot_id, area_id) VALUES (?, ?, ?)`, lotID, lot, area); err != nil {
			return err
		}
	}
	return nil
}

// CreateLot records a production lot of a product.
func (s *Service) CreateLot(ctx context.Context, p *account.Principal, in LotForm) (Lot, error) {
	if err := needLogin(p); err != nil {
		return Lot{}, err
	}
	if err := in.validate(); err != nil {
		return Lot{}, err
	}
	producer, commune, err := s.productOwner(ctx, s.DB, in.ProductID)
	if apperr.Is(err, apperr.NotFound) {
		return Lot{}, apperr.Fields(apperr.Field("product_id", "trace.err_product"))
	}
	if err != nil {
		return Lot{}, err
	}
	if !canManage(p, commune, producer) {
		return Lot{}, forbidden()
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkInputs(ctx, tx, producer, 0, in.Inputs); err != nil {
			return err
		}
		now := s.now()
		var err error
		id, err = db.Insert(ctx, tx, `INSERT INTO trace_lots (product_id, producer_id, commune_code, code, produced_on, expires_on, quantity, unit,
			standards, note, recall_reason, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, 1)`,
			in.ProductID, producer, commune, in.Code, in.ProducedOn, in.ExpiresOn, in.Quantity, in.Unit, in.Standards, in.Note, now, now)
		if _, dup := db.IsUnique(err); dup {
			return apperr.Fields(apperr.Field("code", "trace.err_lot_taken", in.Code))
		}
		if err != nil {
			return err
		}
		if err := writeInputs(ctx, tx, id, in.Inputs); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trace.lot_create", "trace_lot", id, commune, nil, in)
	})
	if err != nil {
		return Lot{}, fmt.Errorf("create lot %q: %w", in.Code, err)
	}
	return s.Lot(ctx, p, id)
}

// UpdateLot changes a lot's details; in.Version must be the version read.
// The product of a lot never changes.
func (s *Service) UpdateLot(ctx context.Context, p *account.Principal, id int64, in LotForm) (Lot, error) {
	old, err := s.Lot(ctx, p, id)
	if err != nil {
		return Lot{}, err
	}
	in.ProductID = old.ProductID
	if err := in.validate(); err != nil {
		return Lot{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkInputs(ctx, tx, old.ProducerID, id, in.Inputs); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE trace_lots SET code = ?, produced_on = ?, expires_on = ?, quantity = ?, unit = ?, standards = ?,
			note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Code, in.ProducedOn, in.ExpiresOn, in.Quantity, in.Unit, in.Standards, in.Note, s.now(), id, in.Version)
		if _, dup := db.IsUnique(err); dup {
			return apperr.Fields(apperr.Field("code", "trace.err_lot_taken", in.Code))
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if err := writeInputs(ctx, tx, id, in.Inputs); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trace.lot_update", "trace_lot", id, old.CommuneCode, old, in)
	})
	if err != nil {
		return Lot{}, fmt.Errorf("update lot %d: %w", id, err)
	}
	s.forgetLot(id)
	return s.Lot(ctx, p, id)
}

const lotCols = `l.id, l.code, l.product_id, p.code, p.name, COALESCE(p.gtin, ''), l.producer_id, pr.name, l.commune_code, l.produced_on,
	l.expires_on, l.quantity, l.unit, l.standards, l.note, l.recalled_at, l.recall_reason, l.created_at, l.updated_at, l.version,
	(SELECT COALESCE(SUM(seq_to - seq_from + 1), 0) FROM trace_lot_stamps r WHERE r.lot_id = l.id)
	FROM trace_lots l JOIN products p ON p.id = l.product_id JOIN producers pr ON pr.id = l.producer_id`

func scanLot(sc interface{ Scan(...any) error }) (Lot, error) {
	var l Lot
	var rec sql.NullTime
	err := sc.Scan(&l.ID, &l.Code, &l.ProductID, &l.ProductCode, &l.ProductName, &l.GTIN, &l.ProducerID, &l.ProducerName, &l.CommuneCode,
		&l.ProducedOn, &l.ExpiresOn, &l.Quantity, &l.Unit, &l.Standards, &l.Note, &rec, &l.RecallReason, &l.CreatedAt, &l.UpdatedAt,
		&l.Version, &l.Stamps)
	if rec.Valid {
		t := rec.Time.UTC()
		l.RecalledAt = &t
	}
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	l.Inputs = []LotInput{}
	return l, err
}

// lot reads a lot with its inputs, without a scope check.
func (s *Service) lot(ctx context.Context, q db.Queryer, id int64) (Lot, error) {
	l, err := scanLot(q.QueryRowContext(ctx, `SELECT `+lotCols+` WHERE l.id = ?`, id))
	if err != nil {
		return l, db.Scan(err, "trace.err_lot_not_found")
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(i.input_lot_id, 0), COALESCE(i.area_id, 0), COALESCE(il.code, a.name, '')
		FROM trace_lot_inputs i LEFT JOIN trace_lots il ON il.id = i.input_lot_id LEFT JOIN trace_areas a ON a.id = i.area_id
		WHERE i.lot_id = ? ORDER BY i.id`, id)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var x LotInput
		if err := rows.Scan(&x.LotID, &x.AreaID, &x.Name); err != nil {
			return l, err
		}
		l.Inputs = append(l.Inputs, x)
	}
	return l, rows.Err()
}

// Lot returns a lot the caller may manage.
func (s *Service) Lot(ctx context.Context, p *account.Principal, id int64) (Lot, error) {
	if err := needLogin(p); err != nil {
		return Lot{}, err
	}
	l, err := s.lot(ctx, s.DB, id)
	if err != nil {
		return l, err
	}
	if !canManage(p, l.CommuneCode, l.ProducerID) {
		return Lot{}, forbidden()
	}
	return l, nil
}

// ListLots lists the lots the caller may see, newest production first.
func (s *Service) ListLots(ctx context.Context, p *account.Principal) ([]Lot, error) {
	if err := needLogin(p); err != nil {
		return nil, err
	}
	cond, args := scopeFilter(p, "l.commune_code", "l.producer_id")
	rows, err := s.DB.QueryContext(ctx, `SELECT `+lotCols+` WHERE `+cond+` ORDER BY l.produced_on DESC, l.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Lot{}
	for rows.Next() {
		l, err := scanLot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Assignment assigns stamps to a lot: positions From..To of a stamp batch
// (both 0: the whole batch), or a list of serials.
type Assignment struct {
	Batch   string   `json:"batch"`
	From    int      `json:"from"`
	To      int      `json:"to"`
	Serials []string `json:"serials"`
}

type seqRange struct {
	batch    int64
	from, to int
}

// AssignStamps links stamps to a lot. The stamps must be of the lot's
// product and not already in a lot; it returns how many were assigned.
func (s *Service) AssignStamps(ctx context.Context, p *account.Principal, lotID int64, a Assignment) (int, error) {
	l, err := s.Lot(ctx, p, lotID)
	if err != nil {
		return 0, err
	}
	if l.Recalled() {
		return 0, apperr.New(apperr.Conflict, "trace.err_recalled")
	}
	if len(a.Serials) > 100_000 {
		return 0, apperr.Fields(apperr.Field("serials", "trace.err_serials_many"))
	}
	var ranges []seqRange
	total := 0
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if strings.TrimSpace(a.Batch) != "" {
			var id, product int64
			var count int
			var errs apperr.Errs
			if checkClean(&errs, "batch", a.Batch); errs.Err() != nil {
				return apperr.Fields(apperr.Field("batch", "trace.err_batch"))
			}
			err := tx.QueryRowContext(ctx, `SELECT id, product_id, count FROM stamp_batches WHERE code = ?`, strings.ToUpper(strings.TrimSpace(a.Batch))).
				Scan(&id, &product, &count)
			if err == sql.ErrNoRows || (err == nil && product != l.ProductID) {
				return apperr.Fields(apperr.Field("batch", "trace.err_batch"))
			}
			if err != nil {
				return err
			}
			from, to := a.From, a.To
			if from == 0 && to == 0 {
				from, to = 1, count
			}
			if from < 1 || to < from || to > count {
				return apperr.Fields(apperr.Field("from", "trace.err_range", count))
			}
			ranges = append(ranges, seqRange{id, from, to})
		}
		var seqs []seqRange
		for i, raw := range a.Serials {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			serial, ok := stamp.ParseSerial(raw)
			var id, product int64
			var seq int
			err := sql.ErrNoRows
			if ok {
				err = tx.QueryRowContext(ctx, `SELECT s.batch_id, s.seq, b.product_id FROM stamps s JOIN stamp_batches b ON b.id = s.batch_id
					WHERE s.serial = ?`, serial).Scan(&id, &seq, &product)
			}
			if err == sql.ErrNoRows || (err == nil && product != l.ProductID) {
				return apperr.Fields(apperr.Field(fmt.Sprintf("serials[%d]", i), "trace.err_serial", raw))
			}
			if err != nil {
				return err
			}
			seqs = append(seqs, seqRange{id, seq, seq})
		}
		ranges = append(ranges, runs(seqs)...)
		if len(ranges) == 0 {
			return apperr.Fields(apperr.Field("batch", "trace.err_nothing"))
		}
		for _, r := range ranges {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM trace_lot_stamps WHERE batch_id = ? AND seq_from <= ? AND seq_to >= ?`,
				r.batch, r.to, r.from).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Fields(apperr.Field("batch", "trace.err_overlap"))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO trace_lot_stamps (batch_id, seq_from, seq_to, lot_id) VALUES (?, ?, ?, ?)`,
				r.batch, r.from, r.to, lotID); err != nil {
				if _, dup := db.IsUnique(err); dup {
					return apperr.Fields(apperr.Field("batch", "trace.err_overlap"))
				}
				return err
			}
			total += r.to - r.from + 1
		}
		return account.Audit(ctx, tx, p, "trace.lot_stamps", "trace_lot", lotID, l.CommuneCode, nil,
			map[string]any{"batch": a.Batch, "from": a.From, "to": a.To, "serials": len(a.Serials), "stamps": total})
	})
	if err != nil {
		return 0, fmt.Errorf("assign stamps to lot %s: %w", l.Code, err)
	}
	for _, r := range ranges {
		s.forgetBatch(r.batch)
	}
	return total, nil
}

// runs merges single positions into ranges of consecutive positions per
// batch (duplicates collapse).
func runs(in []seqRange) []seqRange {
	sort.Slice(in, func(i, j int) bool {
		if in[i].batch != in[j].batch {
			return in[i].batch < in[j].batch
		}
		return in[i].from < in[j].from
	})
	var out []seqRange
	for _, r := range in {
		if n := len(out); n > 0 && out[n-1].batch == r.batch && r.from <= out[n-1].to+1 {
			out[n-1].to = max(out[n-1].to, r.to)
			continue
		}
		out = append(out, r)
	}
	return out
}

// Recall recalls a lot with a reason: every stamp of the lot then
// verifies as "recalled". in.Version must be the version read.
func (s *Service) Recall(ctx context.Context, p *account.Principal, lotID int64, reason string, version int) (Lot, error) {
	l, err := s.Lot(ctx, p, lotID)
	if err != nil {
		return Lot{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 2000 {
		return Lot{}, apperr.Fields(apperr.Field("reason", "trace.err_reason"))
	}
	var errs apperr.Errs
	if checkClean(&errs, "reason", reason); errs.Err() != nil {
		return Lot{}, errs.Err()
	}
	if l.Recalled() {
		return Lot{}, apperr.New(apperr.Conflict, "trace.err_recalled")
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE trace_lots SET recalled_at = ?, recall_reason = ?, recalled_by = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND recalled_at IS NULL`, s.now(), reason, nullID(p.UserID), s.now(), lotID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		return account.Audit(ctx, tx, p, "trace.lot_recall", "trace_lot", lotID, l.CommuneCode, nil, map[string]any{"lot": l.Code, "reason": reason})
	})
	if err != nil {
		return Lot{}, fmt.Errorf("recall lot %s: %w", l.Code, err)
	}
	s.forgetLot(lotID)
	return s.Lot(ctx, p, lotID)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Receiver is a place that received a lot (a receiving event's
// bizLocation): where a recall must reach.
type Receiver struct {
	Location string    `json:"location"`
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
	// SalePointID is the market module's sale point, when the location
	// names one (urn:ocop:salepoint:{id}); 0 otherwise.
	SalePointID int64 `json:"sale_point_id,omitempty"`
}

// Receivers lists the places that received the lot, from its receiving
// events, earliest first.
func (s *Service) Receivers(ctx context.Context, p *account.Principal, lotID int64) ([]Receiver, error) {
	if _, err := s.Lot(ctx, p, lotID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT e.biz_location, e.location_name, e.event_time FROM trace_events e
		JOIN trace_event_lots el ON el.event_id = e.id WHERE el.lot_id = ? AND e.biz_step IN ('receiving', 'accepting', 'arriving', 'retail_selling')
		ORDER BY e.event_time, e.id`, lotID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Receiver{}
	seen := map[string]bool{}
	for rows.Next() {
		var r Receiver
		if err := rows.Scan(&r.Location, &r.Name, &r.At); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		r.SalePointID = SalePointOf(r.Location)
		if k := r.Location + "\x00" + r.Name; !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out, rows.Err()
}
