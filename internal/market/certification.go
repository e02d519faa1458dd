package market

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// CertificationKinds are the certifications and standards buyers ask for
// (besides OCOP itself): good agricultural practice, food safety
// management, organic, geographical indication and trademarks.
var CertificationKinds = []string{"vietgap", "globalgap", "haccp", "iso22000", "organic", "gi", "collective_mark",
	"certification_mark", "trademark", "fssc22000", "halal", "other"}

// Certification is a producer's (ProductID nil) or one product's
// certification or standard.
type Certification struct {
	ID          int64     `json:"id"`
	ProducerID  int64     `json:"producer_id"`
	ProductID   *int64    `json:"product_id,omitempty"`
	Kind        string    `json:"kind"`
	Number      string    `json:"number"`
	Issuer      string    `json:"issuer"`
	Scope       string    `json:"scope"`
	ValidFrom   string    `json:"valid_from"`            // YYYY-MM-DD
	ValidUntil  string    `json:"valid_until,omitempty"` // YYYY-MM-DD; empty: no expiry
	DocumentURL string    `json:"document_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int       `json:"version"`
	// Valid is computed for the day asked: from ≤ today ≤ until.
	Valid bool `json:"valid"`
}

// CertificationInput is what a form or the API gives.
type CertificationInput struct {
	ProducerID  int64  `json:"producer_id"`
	ProductID   *int64 `json:"product_id"`
	Kind        string `json:"kind"`
	Number      string `json:"number"`
	Issuer      string `json:"issuer"`
	Scope       string `json:"scope"`
	ValidFrom   string `json:"valid_from"`
	ValidUntil  string `json:"valid_until"`
	DocumentURL string `json:"document_url"`
}

// ValidOn reports whether a certification is in force on day (dates are
// civil dates; an empty ValidUntil never expires).
func ValidOn(validFrom, validUntil string, day evaluation.Date) bool {
	d := day.String()
	return validFrom <= d && (validUntil == "" || d <= validUntil)
}

func (s *Service) validateCert(in *CertificationInput) error {
	var errs apperr.Errs
	if !slices.Contains(CertificationKinds, in.Kind) {
		errs.Add("kind", "market.err_cert_kind")
	}
	checkText(&errs, "number", &in.Number, 100, true)
	checkText(&errs, "issuer", &in.Issuer, 200, true)
	checkText(&errs, "scope", &in.Scope, 500, false)
	in.ValidFrom, in.ValidUntil = strings.TrimSpace(in.ValidFrom), strings.TrimSpace(in.ValidUntil)
	from, err := evaluation.ParseDate(in.ValidFrom)
	if err != nil {
		errs.Add("valid_from", "market.err_date")
	}
	if in.ValidUntil != "" {
		until, err2 := evaluation.ParseDate(in.ValidUntil)
		switch {
		case err2 != nil:
			errs.Add("valid_until", "market.err_date")
		case err == nil && until.Compare(from) < 0:
			errs.Add("valid_until", "market.err_until_before_from")
		}
	}
	in.DocumentURL = strings.TrimSpace(in.DocumentURL)
	if in.DocumentURL != "" {
		u, err := url.Parse(in.DocumentURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(in.DocumentURL) > 2000 {
			errs.Add("document_url", "market.err_url_https")
		}
	}
	if in.ProductID != nil && *in.ProductID <= 0 {
		in.ProductID = nil
	}
	return errs.Err()
}

// CreateCertification records a certification for a producer or one of
// its products: the office, the producer's commune officer, the producer.
func (s *Service) CreateCertification(ctx context.Context, p *account.Principal, in CertificationInput) (Certification, error) {
	if p == nil {
		return Certification{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleCommune, account.RoleProducer) {
		return Certification{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validateCert(&in); err != nil {
		return Certification{}, err
	}
	pr, err := s.Registry.Producer(ctx, p, in.ProducerID)
	if apperr.Is(err, apperr.NotFound) {
		return Certification{}, apperr.Fields(apperr.Field("producer_id", "err.producer_not_found"))
	}
	if err != nil {
		return Certification{}, err
	}
	if !registry.CanManageProducer(p, pr) {
		return Certification{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	var out Certification
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if in.ProductID != nil {
			var owner int64
			err := tx.QueryRowContext(ctx, "SELECT producer_id FROM products WHERE id = ?", *in.ProductID).Scan(&owner)
			if err != nil || owner != pr.ID {
				return apperr.Fields(apperr.Field("product_id", "market.err_product_of_other"))
			}
		}
		now := s.stamp()
		id, err := db.Insert(ctx, tx, `INSERT INTO certifications (producer_id, product_id, kind, number, issuer, scope, valid_from, valid_until,
			document_url, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			pr.ID, in.ProductID, in.Kind, in.Number, in.Issuer, in.Scope, in.ValidFrom, in.ValidUntil, in.DocumentURL, now, now)
		if err != nil {
			return err
		}
		out = Certification{ID: id, ProducerID: pr.ID, ProductID: in.ProductID, Kind: in.Kind, Number: in.Number, Issuer: in.Issuer,
			Scope: in.Scope, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, DocumentURL: in.DocumentURL, CreatedAt: now, UpdatedAt: now,
			Version: 1, Valid: ValidOn(in.ValidFrom, in.ValidUntil, s.Evaluation.Today())}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "certification.create", "certification", id, pr.CommuneCode, nil, out)
	})
	return out, err
}

// DeleteCertification removes a certification record.
func (s *Service) DeleteCertification(ctx context.Context, p *account.Principal, id int64) error {
	c, err := s.certification(ctx, s.DB, id)
	if err != nil {
		return err
	}
	pr, err := s.Registry.Producer(ctx, p, c.ProducerID)
	if err != nil {
		return err
	}
	if !registry.CanManageProducer(p, pr) {
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM certifications WHERE id = ?", id); err != nil {
			return err
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "certification.delete", "certification", id, pr.CommuneCode, c, nil)
	})
}

const certCols = `id, producer_id, product_id, kind, number, issuer, scope, valid_from, valid_until, document_url, created_at, updated_at, version`

func (s *Service) scanCerts(ctx context.Context, q db.Queryer, where string, args ...any) ([]Certification, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+certCols+" FROM certifications WHERE "+where+" ORDER BY valid_until = '', valid_until, id", args...)
	if err != nil {
		return nil, fmt.Errorf("certifications: %w", err)
	}
	defer rows.Close()
	today := s.Evaluation.Today()
	var out []Certification
	for rows.Next() {
		var c Certification
		if err := rows.Scan(&c.ID, &c.ProducerID, &c.ProductID, &c.Kind, &c.Number, &c.Issuer, &c.Scope, &c.ValidFrom, &c.ValidUntil,
			&c.DocumentURL, &c.CreatedAt, &c.UpdatedAt, &c.Version); err != nil {
			return nil, err
		}
		c.Valid = ValidOn(c.ValidFrom, c.ValidUntil, today)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) certification(ctx context.Context, q db.Queryer, id int64) (Certification, error) {
	cs, err := s.scanCerts(ctx, q, "id = ?", id)
	if err != nil {
		return Certification{}, err
	}
	if len(cs) == 0 {
		return Certification{}, apperr.New(apperr.NotFound, "err.not_found")
	}
	return cs[0], nil
}

// Certifications returns the certification records of the producers,
// producer id → records (producer-wide and per-product ones), each with
// Valid computed for today. This is the read the supply–demand matching
// (package trade) uses: one query, no scope check (the records are public
// facts about producers, shown on product pages).
func (s *Service) Certifications(ctx context.Context, producerIDs []int64) (map[int64][]Certification, error) {
	out := map[int64][]Certification{}
	for len(producerIDs) > 0 {
		n := min(len(producerIDs), 2000)
		args := make([]any, n)
		for i, id := range producerIDs[:n] {
			args[i] = id
		}
		cs, err := s.scanCerts(ctx, s.DB, "producer_id IN ("+db.Placeholders(n)+")", args...)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.ProducerID] = append(out[c.ProducerID], c)
		}
		producerIDs = producerIDs[n:]
	}
	return out, nil
}

// ProductCertifications returns what applies to one product: its own
// records and its producer's producer-wide ones.
func (s *Service) ProductCertifications(ctx context.Context, producerID, productID int64) ([]Certification, error) {
	return s.scanCerts(ctx, s.DB, "producer_id = ? AND (product_id IS NULL OR product_id = ?)", producerID, productID)
}

// ExpiringCertifications lists, for the office (or a commune officer's
// communes), the records whose validity ends within days from today, and
// those already expired in the last days: the expiry reminder list.
func (s *Service) ExpiringCertifications(ctx context.Context, p *account.Principal, days int) ([]Certification, error) {
	if !p.Province() && !p.Is(account.RoleCommune) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	today := s.Evaluation.Today()
	where := "valid_until <> '' AND valid_until >= ? AND valid_until <= ?"
	args := []any{today.AddDays(-days).String(), today.AddDays(days).String()}
	if !p.Province() {
		if len(p.Communes) == 0 {
			return nil, nil
		}
		where += " AND producer_id IN (SELECT id FROM producers WHERE commune_code IN (" + db.Placeholders(len(p.Communes)) + "))"
		for _, c := range p.Communes {
			args = append(args, c)
		}
	}
	return s.scanCerts(ctx, s.DB, where, args...)
}

// CertificationName is the display name of a certification kind (the
// standards' own names, the same in every language).
func CertificationName(kind string) string {
	switch kind {
	case "vietgap":
		return "VietGAP"
	case "globalgap":
		return "GlobalG.A.P."
	case "haccp":
		return "HACCP"
	case "iso22000":
		return "ISO 22000"
	case "fssc22000":
		return "FSSC 22000"
	case "organic":
		return "Organic"
	case "gi":
		return "Geographical indication"
	case "collective_mark":
		return "Collective mark"
	case "certification_mark":
		return "Certification mark"
	case "trademark":
		return "Trademark"
	case "halal":
		return "Halal"
	}
	return kind
}
