package stamp

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// Alert is a counterfeit signal for officers.
type Alert struct {
	ID          int64      `json:"id"`
	Kind        AlertKind  `json:"kind"`
	Serial      string     `json:"serial,omitempty"`
	ProductID   int64      `json:"product_id,omitempty"`
	ProductName string     `json:"product_name,omitempty"`
	ProducerID  int64      `json:"producer_id,omitempty"`
	Producer    string     `json:"producer_name,omitempty"`
	CommuneCode string     `json:"commune_code,omitempty"`
	Detail      string     `json:"detail,omitempty"`
	Place       Place      `json:"-"`
	Hits        int        `json:"hits"`
	CreatedAt   time.Time  `json:"created_at"`
	LastAt      time.Time  `json:"last_at"`
	Status      string     `json:"status"`
	ReviewedAt  *time.Time `json:"reviewed_at,omitempty"`
	ReviewNote  string     `json:"review_note,omitempty"`
}

// AlertFilter selects alerts.
type AlertFilter struct {
	ProductID  int64
	ProducerID int64
	Commune    string
	Kind       string
	Status     string // open, reviewed, "" for all
	Limit      int
}

// ListAlerts lists the alerts p may see, newest first: the office sees all,
// a commune officer those of the producers of their communes, a producer
// those of its own products. Alerts about unknown serials belong to no
// product and only the office sees them.
func (s *Service) ListAlerts(ctx context.Context, p *account.Principal, f AlertFilter) ([]Alert, error) {
	cond, args, err := scopeCond(p, "a.commune_code", "a.producer_id")
	if err != nil {
		return nil, err
	}
	conds := []string{cond}
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.ProductID != 0 {
		add("a.product_id = ?", f.ProductID)
	}
	if f.ProducerID != 0 {
		add("a.producer_id = ?", f.ProducerID)
	}
	if f.Commune != "" {
		add("a.commune_code = ?", f.Commune)
	}
	if f.Kind != "" {
		add("a.kind = ?", f.Kind)
	}
	if f.Status != "" {
		add("a.status = ?", f.Status)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 300
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.kind, a.serial, COALESCE(a.product_id, 0), COALESCE(p.name, ''), COALESCE(a.producer_id, 0),
		COALESCE(pr.name, ''), a.commune_code, a.detail, a.latitude, a.longitude, a.hits, a.created_at, a.last_at, a.status, a.reviewed_at, a.review_note
		FROM stamp_alerts a LEFT JOIN products p ON p.id = a.product_id LEFT JOIN producers pr ON pr.id = a.producer_id
		WHERE `+strings.Join(conds, " AND ")+fmt.Sprintf(" ORDER BY a.last_at DESC, a.id DESC LIMIT %d", f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var kind string
		var lat, lon sql.NullFloat64
		var rev sql.NullTime
		if err := rows.Scan(&a.ID, &kind, &a.Serial, &a.ProductID, &a.ProductName, &a.ProducerID, &a.Producer, &a.CommuneCode, &a.Detail,
			&lat, &lon, &a.Hits, &a.CreatedAt, &a.LastAt, &a.Status, &rev, &a.ReviewNote); err != nil {
			return nil, err
		}
		a.Kind = AlertKind(kind)
		a.CreatedAt, a.LastAt = a.CreatedAt.UTC(), a.LastAt.UTC()
		if lat.Valid && lon.Valid {
			a.Place = Place{Lat: lat.Float64, Lon: lon.Float64, Known: true}
		}
		if rev.Valid {
			t := rev.Time.UTC()
			a.ReviewedAt = &t
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReviewAlert closes an alert with a note. Closing the last open copy
// alert of a stamp lifts its "suspected copy" flag.
func (s *Service) ReviewAlert(ctx context.Context, p *account.Principal, id int64, note string) error {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 1000 {
		return apperr.Fields(apperr.Field("note", "stamp.err_note"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var kind, serial, commune, status string
		var producer int64
		err := tx.QueryRowContext(ctx, `SELECT kind, serial, commune_code, COALESCE(producer_id, 0), status FROM stamp_alerts WHERE id = ?`, id).
			Scan(&kind, &serial, &commune, &producer, &status)
		if err != nil {
			return db.Scan(err, "stamp.err_alert_not_found")
		}
		if p == nil {
			return apperr.New(apperr.Unauthenticated, "err.login_required")
		}
		// Reviewing is an officer's job: the office, or the commune officer
		// of the producer's commune. Producers see their alerts only.
		if !p.Province() && !(producer != 0 && p.InCommune(commune)) {
			return apperr.New(apperr.Forbidden, "err.out_of_scope")
		}
		if status != "open" {
			return nil
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stamp_alerts SET status = 'reviewed', reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ?`,
			nullID(p.UserID), now, note, id); err != nil {
			return err
		}
		if AlertKind(kind).Copy() && serial != "" {
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM stamp_alerts WHERE serial = ? AND status = 'open' AND kind IN ('too_many_scans', 'impossible_travel')`,
				serial).Scan(&open); err != nil {
				return err
			}
			if open == 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE stamps SET flagged_at = NULL WHERE serial = ?`, serial); err != nil {
					return err
				}
			}
		}
		return account.Audit(ctx, tx, p, "stamp.alert_review", "stamp_alert", id, commune, map[string]any{"status": status}, map[string]any{"status": "reviewed", "note": note})
	})
}

// Report is a consumer's report of a suspected fake.
type Report struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	Serial      string    `json:"serial,omitempty"`
	ProductID   int64     `json:"product_id,omitempty"`
	ProductName string    `json:"product_name,omitempty"`
	CommuneCode string    `json:"commune_code,omitempty"`
	Place       string    `json:"place"`
	Note        string    `json:"note"`
	Photo       string    `json:"photo,omitempty"`
}

// ReportInput is what the report form sends.
type ReportInput struct {
	Serial string
	Place  string
	Note   string
	Photo  io.Reader // optional JPEG or PNG, checked by content
	Client string
}

// maxReportPhoto bounds the photo of a report.
const maxReportPhoto = 5 << 20

// Report records a consumer report from the verification page. The serial
// may be unknown (that is often the point); it is kept as typed once
// normalised.
func (s *Service) Report(ctx context.Context, in ReportInput) (Report, error) {
	var errs apperr.Errs
	in.Place, in.Note = strings.TrimSpace(in.Place), strings.TrimSpace(in.Note)
	if in.Place == "" || len([]rune(in.Place)) > 200 {
		errs.Add("place", "stamp.err_place")
	}
	if len([]rune(in.Note)) > 2000 {
		errs.Add("note", "stamp.err_note")
	}
	var photo []byte
	var im registry.Image
	if in.Photo != nil {
		var err error
		photo, im, err = registry.CheckImage(in.Photo, maxReportPhoto)
		if err != nil {
			if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
				for _, f := range e.Fields {
					errs.Add("photo", f.Key, f.Args...)
				}
			} else {
				errs.Add("photo", "err.upload_not_image")
			}
		}
	}
	if err := errs.Err(); err != nil {
		return Report{}, err
	}
	serial, _ := ParseSerial(in.Serial)
	r := Report{At: s.now(), Serial: serial, Place: in.Place, Note: in.Note}
	var producer int64
	if serial != "" {
		_ = s.DB.QueryRowContext(ctx, `SELECT b.product_id, b.producer_id, b.commune_code FROM stamps st JOIN stamp_batches b ON b.id = st.batch_id WHERE st.serial = ?`, serial).
			Scan(&r.ProductID, &producer, &r.CommuneCode)
	}
	if photo != nil {
		path := s.Registry.MediaPath(im.Hash)
		if path == "" {
			return Report{}, apperr.New(apperr.Invalid, "err.uploads_disabled")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return Report{}, err
		}
		if _, err := os.Stat(path); err != nil {
			tmp := path + ".tmp"
			if err := os.WriteFile(tmp, photo, 0o640); err != nil {
				return Report{}, err
			}
			if err := os.Rename(tmp, path); err != nil {
				return Report{}, err
			}
		}
		r.Photo = im.Hash
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if r.Photo != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO media (hash, content_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
				im.Hash, im.ContentType, len(photo), im.Width, im.Height, r.At); err != nil {
				return err
			}
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO stamp_reports (at, serial, product_id, producer_id, commune_code, place, note, photo_hash, client)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.At, r.Serial, nullID(r.ProductID), nullID(producer), r.CommuneCode, r.Place, r.Note, db.NullString(r.Photo), in.Client)
		r.ID = id
		return err
	})
	return r, err
}

// ListReports lists the consumer reports p may see, newest first.
func (s *Service) ListReports(ctx context.Context, p *account.Principal, f AlertFilter) ([]Report, error) {
	cond, args, err := scopeCond(p, "r.commune_code", "r.producer_id")
	if err != nil {
		return nil, err
	}
	conds := []string{cond}
	if f.ProductID != 0 {
		conds, args = append(conds, "r.product_id = ?"), append(args, f.ProductID)
	}
	if f.ProducerID != 0 {
		conds, args = append(conds, "r.producer_id = ?"), append(args, f.ProducerID)
	}
	if f.Commune != "" {
		conds, args = append(conds, "r.commune_code = ?"), append(args, f.Commune)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.at, r.serial, COALESCE(r.product_id, 0), COALESCE(p.name, ''), r.commune_code, r.place, r.note, COALESCE(r.photo_hash, '')
		FROM stamp_reports r LEFT JOIN products p ON p.id = r.product_id WHERE `+strings.Join(conds, " AND ")+" ORDER BY r.at DESC, r.id DESC LIMIT 300", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.At, &r.Serial, &r.ProductID, &r.ProductName, &r.CommuneCode, &r.Place, &r.Note, &r.Photo); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
