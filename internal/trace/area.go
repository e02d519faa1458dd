package trace

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Certification is a certificate of a raw-material area (VietGAP, organic,
// GlobalGAP…) with its validity.
type Certification struct {
	Name       string `json:"name"`
	Number     string `json:"number,omitempty"`
	ValidUntil string `json:"valid_until,omitempty"` // YYYY-MM-DD
}

// Area is a raw-material area (vùng nguyên liệu) of a producer.
type Area struct {
	ID             int64           `json:"id"`
	ProducerID     int64           `json:"producer_id"`
	ProducerName   string          `json:"producer_name"`
	CommuneCode    string          `json:"commune_code"`
	Name           string          `json:"name"`
	Hectares       float64         `json:"hectares"`
	Latitude       *float64        `json:"latitude,omitempty"`
	Longitude      *float64        `json:"longitude,omitempty"`
	Outline        string          `json:"outline,omitempty"` // GeoJSON geometry
	Materials      string          `json:"materials"`
	Certifications []Certification `json:"certifications"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	Version        int             `json:"version"`
}

// AreaInput is what a form or the API gives for an area.
type AreaInput struct {
	ProducerID     int64           `json:"producer_id"`
	CommuneCode    string          `json:"commune_code"` // default: the producer's
	Name           string          `json:"name"`
	Hectares       float64         `json:"hectares"`
	Latitude       *float64        `json:"latitude"`
	Longitude      *float64        `json:"longitude"`
	Outline        string          `json:"outline"`
	Materials      string          `json:"materials"`
	Certifications []Certification `json:"certifications"`
	Version        int             `json:"version"`
}

// URI is the area's identifier in trace events (readPoint of a harvest).
func (a Area) URI() string { return fmt.Sprintf("urn:ocop:area:%d", a.ID) }

func (in *AreaInput) validate() error {
	var errs apperr.Errs
	in.Name, in.Materials, in.Outline = strings.TrimSpace(in.Name), strings.TrimSpace(in.Materials), strings.TrimSpace(in.Outline)
	in.CommuneCode = strings.TrimSpace(in.CommuneCode)
	if in.Name == "" || len([]rune(in.Name)) > 200 {
		errs.Add("name", "trace.err_name")
	}
	if in.Hectares < 0 || in.Hectares > 1e6 || math.IsNaN(in.Hectares) {
		errs.Add("hectares", "trace.err_hectares")
	}
	// The bounds are written so that NaN fails them.
	if (in.Latitude == nil) != (in.Longitude == nil) ||
		(in.Latitude != nil && !(*in.Latitude >= -90 && *in.Latitude <= 90 && *in.Longitude >= -180 && *in.Longitude <= 180)) {
		errs.Add("latitude", "trace.err_place")
	}
	if in.Outline != "" {
		var g struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if len(in.Outline) > 200_000 || json.Unmarshal([]byte(in.Outline), &g) != nil || (g.Type != "Polygon" && g.Type != "MultiPolygon") || len(g.Coordinates) == 0 {
			errs.Add("outline", "trace.err_outline")
		}
	}
	if len([]rune(in.Materials)) > 500 {
		errs.Add("materials", "trace.err_materials")
	}
	for i := range in.Certifications {
		c := &in.Certifications[i]
		c.Name, c.Number, c.ValidUntil = strings.TrimSpace(c.Name), strings.TrimSpace(c.Number), strings.TrimSpace(c.ValidUntil)
		if c.Name == "" || len(c.Name) > 100 || len(c.Number) > 100 {
			errs.Add(fmt.Sprintf("certifications[%d].name", i), "trace.err_cert_name")
		}
		if c.ValidUntil != "" && !validDate(c.ValidUntil) {
			errs.Add(fmt.Sprintf("certifications[%d].valid_until", i), "trace.err_date")
		}
	}
	if len(in.Certifications) > 20 {
		errs.Add("certifications", "trace.err_cert_name")
	}
	checkClean(&errs, "name", in.Name)
	checkClean(&errs, "materials", in.Materials)
	checkClean(&errs, "outline", in.Outline)
	for i, c := range in.Certifications {
		checkClean(&errs, fmt.Sprintf("certifications[%d].name", i), c.Name+c.Number+c.ValidUntil)
	}
	return errs.Err()
}

// checkClean refuses text with NUL bytes or bytes that are not UTF-8:
// PostgreSQL cannot store them in TEXT, and no form sends them.
func checkClean(errs *apperr.Errs, field, s string) {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		errs.Add(field, "err.control_chars")
	}
}

// validDate reports whether s is a real YYYY-MM-DD date within 1900–2200
// (year 0000 parses, but no lot or certificate dates from it).
func validDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Year() >= 1900 && t.Year() <= 2200
}

// producerCommune returns a producer's commune, or NotFound.
func producerCommune(ctx context.Context, q db.Queryer, id int64) (string, error) {
	var c string
	err := q.QueryRowContext(ctx, `SELECT commune_code FROM producers WHERE id = ?`, id).Scan(&c)
	return c, db.Scan(err, "err.producer_not_found")
}

// CreateArea records a raw-material area for a producer.
func (s *Service) CreateArea(ctx context.Context, p *account.Principal, in AreaInput) (Area, error) {
	if err := needLogin(p); err != nil {
		return Area{}, err
	}
	if in.ProducerID == 0 && len(p.Producers) == 1 {
		in.ProducerID = p.Producers[0]
	}
	if err := in.validate(); err != nil {
		return Area{}, err
	}
	commune, err := producerCommune(ctx, s.DB, in.ProducerID)
	if apperr.Is(err, apperr.NotFound) {
		return Area{}, apperr.Fields(apperr.Field("producer_id", "err.producer_not_found"))
	}
	if err != nil {
		return Area{}, err
	}
	if !canManage(p, commune, in.ProducerID) {
		return Area{}, forbidden()
	}
	if in.CommuneCode == "" {
		in.CommuneCode = commune
	}
	certs, _ := json.Marshal(nonNil(in.Certifications))
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var err error
		id, err = db.Insert(ctx, tx, `INSERT INTO trace_areas (producer_id, commune_code, name, hectares, latitude, longitude, outline, materials,
			certifications, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			in.ProducerID, in.CommuneCode, in.Name, in.Hectares, in.Latitude, in.Longitude, in.Outline, in.Materials, string(certs), now, now)
		if db.IsForeignKey(err) {
			return apperr.Fields(apperr.Field("commune_code", "trace.err_commune"))
		}
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trace.area_create", "trace_area", id, in.CommuneCode, nil, in)
	})
	if err != nil {
		return Area{}, fmt.Errorf("create area %q: %w", in.Name, err)
	}
	return s.Area(ctx, p, id)
}

// UpdateArea changes an area; in.Version must be the version read.
func (s *Service) UpdateArea(ctx context.Context, p *account.Principal, id int64, in AreaInput) (Area, error) {
	old, err := s.Area(ctx, p, id)
	if err != nil {
		return Area{}, err
	}
	in.ProducerID = old.ProducerID
	if in.CommuneCode == "" {
		in.CommuneCode = old.CommuneCode
	}
	if err := in.validate(); err != nil {
		return Area{}, err
	}
	if !canManage(p, in.CommuneCode, old.ProducerID) {
		return Area{}, forbidden()
	}
	certs, _ := json.Marshal(nonNil(in.Certifications))
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE trace_areas SET commune_code = ?, name = ?, hectares = ?, latitude = ?, longitude = ?, outline = ?,
			materials = ?, certifications = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.CommuneCode, in.Name, in.Hectares, in.Latitude, in.Longitude, in.Outline, in.Materials, string(certs), s.now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		return account.Audit(ctx, tx, p, "trace.area_update", "trace_area", id, in.CommuneCode, old, in)
	})
	if err != nil {
		return Area{}, fmt.Errorf("update area %d: %w", id, err)
	}
	return s.Area(ctx, p, id)
}

const areaCols = `a.id, a.producer_id, pr.name, a.commune_code, a.name, a.hectares, a.latitude, a.longitude, a.outline, a.materials,
	a.certifications, a.created_at, a.updated_at, a.version FROM trace_areas a JOIN producers pr ON pr.id = a.producer_id`

func scanArea(sc interface{ Scan(...any) error }) (Area, error) {
	var a Area
	var lat, lon sql.NullFloat64
	var certs string
	err := sc.Scan(&a.ID, &a.ProducerID, &a.ProducerName, &a.CommuneCode, &a.Name, &a.Hectares, &lat, &lon, &a.Outline, &a.Materials,
		&certs, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	if err != nil {
		return a, err
	}
	if lat.Valid && lon.Valid {
		a.Latitude, a.Longitude = &lat.Float64, &lon.Float64
	}
	_ = json.Unmarshal([]byte(certs), &a.Certifications)
	a.Certifications = nonNil(a.Certifications)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// Area returns an area the caller may manage.
func (s *Service) Area(ctx context.Context, p *account.Principal, id int64) (Area, error) {
	if err := needLogin(p); err != nil {
		return Area{}, err
	}
	a, err := scanArea(s.DB.QueryRowContext(ctx, `SELECT `+areaCols+` WHERE a.id = ?`, id))
	if err != nil {
		return a, db.Scan(err, "trace.err_area_not_found")
	}
	if !canManage(p, a.CommuneCode, a.ProducerID) {
		return Area{}, forbidden()
	}
	return a, nil
}

// ListAreas lists the areas the caller may see, by name.
func (s *Service) ListAreas(ctx context.Context, p *account.Principal) ([]Area, error) {
	if err := needLogin(p); err != nil {
		return nil, err
	}
	cond, args := scopeFilter(p, "a.commune_code", "a.producer_id")
	rows, err := s.DB.QueryContext(ctx, `SELECT `+areaCols+` WHERE `+cond+` ORDER BY a.name, a.id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Area{}
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
