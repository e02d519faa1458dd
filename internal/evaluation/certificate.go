package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// CertSuperseded is the state of a certificate replaced by a newer one of
// the same product (a re-rating or an upgrade was certified, or the
// Ministry certified 5★ a product the province had certified 4★ as
// potential 5★). It is not valid: the newer certificate is.
const CertSuperseded CertStatus = "superseded"

// CertificateNumber formats the number of a certificate issued by the
// platform: "<seq>/GCN-OCOP-<issuer>-<year>", where seq counts the
// certificates of the issuer in the year of the decision from 1, issuer is
// the province code (Decision 19/2025/QĐ-TTg, "01" for Hanoi) or "TW" for
// the Ministry (trung ương), and year is the year of the decision:
// "12/GCN-OCOP-01-2026". The decision leaves the numbering to the issuer;
// this follows the usual "số/ký hiệu" form of Vietnamese administrative
// documents (Nghị định 30/2020/NĐ-CP) with the OCOP programme in the sign.
func CertificateNumber(seq int, issuer string, year int) string {
	return fmt.Sprintf("%d/GCN-OCOP-%s-%d", seq, issuer, year)
}

// MinistryIssuer is the issuer code of certificates of the Ministry.
const MinistryIssuer = "TW"

// CertificateSlug is the form of a certificate number used in URLs: the
// '/' of the number would end a path segment, so it becomes '-'
// ("12/GCN-OCOP-01-2026" → "12-GCN-OCOP-01-2026"). Numbers made by
// CertificateNumber never collide once slugged.
func CertificateSlug(number string) string { return strings.ReplaceAll(number, "/", "-") }

// Certificate is a certificate of an OCOP product (giấy chứng nhận kết quả
// phân hạng sản phẩm OCOP, Điều 4.3): valid 36 months from the decision
// that issued it. Status is always computed for a day (see
// CertificateStatusAt); the stored columns never say "valid".
type Certificate struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	ProductID     int64  `json:"product_id"`
	ProductName   string `json:"product_name"`
	ProductNameEn string `json:"product_name_en,omitempty"`
	ProductCode   string `json:"product_code"`
	CategoryCode  string `json:"category_code"`
	ProducerID    int64  `json:"producer_id"`
	ProducerName  string `json:"producer_name"`
	// CommuneCode is the producer's commune (post-2025 code); the legacy
	// codes name where it was before 1 July 2025, as printed on old papers.
	CommuneCode        string `json:"commune_code"`
	LegacyDistrictCode string `json:"legacy_district_code,omitempty"`
	LegacyCommuneCode  string `json:"legacy_commune_code,omitempty"`
	AddressLine        string `json:"address_line,omitempty"`
	DossierID          int64  `json:"dossier_id,omitempty"`
	DecisionID         int64  `json:"decision_id,omitempty"`
	DecisionNumber     string `json:"decision_number,omitempty"`
	DecisionSigner     string `json:"decision_signer,omitempty"`
	Star               Star   `json:"star"`
	// Potential5 marks a 4★ certificate of a product the province scored
	// 90 or more and proposed to the Ministry for 5★.
	Potential5 bool      `json:"potential5"`
	IssuedOn   Date      `json:"issued_on"`
	ExpiresOn  Date      `json:"expires_on"`
	RuleSet    RuleSet   `json:"rule_set"`
	Authority  Authority `json:"authority"`
	// Revocation (Điều 8): the date of the revocation decision, its ground
	// (one of RevocationGrounds), a note, and the conclusion it rests on.
	RevokedOn            Date      `json:"revoked_on"`
	RevokeGround         string    `json:"revoke_ground,omitempty"`
	RevokeReason         string    `json:"revoke_reason,omitempty"`
	RevokeConclusion     string    `json:"revoke_conclusion,omitempty"`
	RevokeConcludedOn    Date      `json:"revoke_concluded_on"`
	RevokeDecisionID     int64     `json:"revoke_decision_id,omitempty"`
	RevokeDecisionNumber string    `json:"revoke_decision_number,omitempty"`
	SupersededBy         int64     `json:"superseded_by,omitempty"`
	SupersededByNumber   string    `json:"superseded_by_number,omitempty"`
	CreatedAt            time.Time `json:"created_at"`
	Version              int       `json:"version"`

	// Status is the state on the day the certificate was read (Today).
	Status CertStatus `json:"status"`
	// ValidUntil is the last valid day: the expiry, or the end of the
	// extension of Điều 12.3 while a re-rating is decided.
	ValidUntil Date `json:"valid_until"`
	// ReratingFiled is the filing date of the re-rating dossier of this
	// certificate, if any (zero otherwise).
	ReratingFiled Date `json:"rerating_filed"`
}

// Slug is the certificate number as used in URLs.
func (c Certificate) Slug() string { return CertificateSlug(c.Number) }

// Valid reports whether the certificate was valid on the day it was read.
func (c Certificate) Valid() bool { return c.Status.Valid() }

// DaysLeft is the number of days from today to the last valid day
// (negative once past it).
func (c Certificate) DaysLeft(today Date) int { return c.ValidUntil.Sub(today) }

// RevokedLate reports whether the revocation came later than 15 days after
// the conclusion it rests on (Điều 8.4).
func (c Certificate) RevokedLate() bool {
	return !c.RevokedOn.IsZero() && !c.RevokeConcludedOn.IsZero() && c.RevokedOn.After(RevocationDeadline(c.RevokeConcludedOn))
}

// certCols and certFrom read a certificate with its product, producer and
// decisions; scanCert matches them.
const certCols = `c.id, c.number, c.product_id, p.name, p.name_en, p.code, p.category_code, c.producer_id, pr.name,
	pr.commune_code, COALESCE(pr.legacy_district_code, ''), COALESCE(pr.legacy_commune_code, ''), pr.address_line,
	COALESCE(c.dossier_id, 0), COALESCE(c.decision_id, 0), COALESCE(d.number, ''), COALESCE(d.signer, ''),
	c.star, c.potential5, c.issued_on, c.expires_on, c.rule_set, c.authority,
	c.revoked_on, c.revoke_ground, c.revoke_reason, c.revoke_conclusion, c.revoke_concluded_on,
	COALESCE(c.revoke_decision, 0), COALESCE(rd.number, ''), COALESCE(c.superseded_by, 0), COALESCE(sc.number, ''),
	c.created_at, c.version`

const certFrom = ` FROM certificates c
	JOIN products p ON p.id = c.product_id
	JOIN producers pr ON pr.id = c.producer_id
	LEFT JOIN decisions d ON d.id = c.decision_id
	LEFT JOIN decisions rd ON rd.id = c.revoke_decision
	LEFT JOIN certificates sc ON sc.id = c.superseded_by`

func scanCert(sc interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	var star int
	var rs, auth string
	err := sc.Scan(&c.ID, &c.Number, &c.ProductID, &c.ProductName, &c.ProductNameEn, &c.ProductCode, &c.CategoryCode, &c.ProducerID, &c.ProducerName,
		&c.CommuneCode, &c.LegacyDistrictCode, &c.LegacyCommuneCode, &c.AddressLine,
		&c.DossierID, &c.DecisionID, &c.DecisionNumber, &c.DecisionSigner,
		&star, &c.Potential5, &c.IssuedOn, &c.ExpiresOn, &rs, &auth,
		&c.RevokedOn, &c.RevokeGround, &c.RevokeReason, &c.RevokeConclusion, &c.RevokeConcludedOn,
		&c.RevokeDecisionID, &c.RevokeDecisionNumber, &c.SupersededBy, &c.SupersededByNumber,
		&c.CreatedAt, &c.Version)
	c.Star, c.RuleSet, c.Authority = Star(star), RuleSet(rs), Authority(auth)
	return c, err
}

// certQuery reads certificates matching where (SQL after WHERE, may be
// empty) and computes their status on today.
func (s *Service) certQuery(ctx context.Context, q db.Queryer, today Date, where, tail string, args ...any) ([]Certificate, error) {
	query := "SELECT " + certCols + certFrom
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, query+" "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.certComputeStatus(ctx, q, out, today); err != nil {
		return nil, err
	}
	return out, nil
}

// certComputeStatus fills Status and ValidUntil of certs for today. It reads,
// in one query, the re-rating dossiers that may extend them (Điều 12.3):
// the dossier that names the certificate, or else a re-rating of the same
// product filed after the certificate was issued; its decision date is
// that of the decision that ruled on it, or the day it was rejected or
// withdrawn.
func (s *Service) certComputeStatus(ctx context.Context, q db.Queryer, certs []Certificate, today Date) error {
	if len(certs) == 0 {
		return nil
	}
	type rerating struct {
		certID    int64
		productID int64
		filed     Date
		decided   Date
	}
	ids := make([]any, 0, len(certs))
	seen := map[int64]bool{}
	for _, c := range certs {
		if !seen[c.ProductID] {
			seen[c.ProductID] = true
			ids = append(ids, c.ProductID)
		}
	}
	// For a long list, reading every re-rating is cheaper than a query
	// with thousands of parameters.
	cond := ""
	if len(ids) <= 500 {
		cond = " AND d.product_id IN (" + db.Placeholders(len(ids)) + ")"
	} else {
		ids = nil
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(d.certificate_id, 0), d.product_id, d.filed_on, d.state, d.updated_at,
			COALESCE((SELECT MIN(x.decided_on) FROM decision_items di JOIN decisions x ON x.id = di.decision_id WHERE di.dossier_id = d.id), '')
		FROM dossiers d WHERE d.kind = 'rerating' AND d.filed_on <> '' AND d.state <> 'draft'`+cond+` ORDER BY d.filed_on, d.id`, ids...)
	if err != nil {
		return fmt.Errorf("re-rating dossiers: %w", err)
	}
	defer rows.Close()
	var rr []rerating
	for rows.Next() {
		var r rerating
		var state string
		var updated time.Time
		var decided string
		if err := rows.Scan(&r.certID, &r.productID, &r.filed, &state, &updated, &decided); err != nil {
			return err
		}
		switch {
		case decided != "":
			if err := r.decided.Scan(decided); err != nil {
				return err
			}
		case State(state) == StateRejected || State(state) == StateWithdrawn:
			r.decided = VietnamDate(updated)
		}
		rr = append(rr, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range certs {
		c := &certs[i]
		dates := CertificateDates{Issued: c.IssuedOn, Expiry: c.ExpiresOn, Revoked: c.RevokedOn}
		for _, r := range rr {
			if r.certID == c.ID || r.certID == 0 && r.productID == c.ProductID && !r.filed.Before(c.IssuedOn) {
				dates.ReratingFiled, dates.ReratingDecided = r.filed, r.decided
				break
			}
		}
		c.ReratingFiled = dates.ReratingFiled
		c.Status = CertificateStatusAt(dates, today)
		c.ValidUntil = c.ExpiresOn
		if until, ok := TransitionalValidUntil(dates.Expiry, dates.ReratingFiled, dates.ReratingDecided); ok {
			c.ValidUntil = until
		}
		if c.SupersededBy != 0 && c.Status != CertRevoked && c.Status != CertNotYetValid {
			c.Status = CertSuperseded
		}
	}
	return nil
}

func certNotFound() error { return apperr.New(apperr.NotFound, "cert.err_not_found") }

// certByID reads one certificate with its status on today.
func (s *Service) certByID(ctx context.Context, q db.Queryer, id int64) (Certificate, error) {
	cs, err := s.certQuery(ctx, q, s.Today(), "c.id = ?", "", id)
	if err != nil {
		return Certificate{}, err
	}
	if len(cs) == 0 {
		return Certificate{}, certNotFound()
	}
	return cs[0], nil
}

// PublicCertificate returns a certificate for anyone, by its number or
// its slug (CertificateSlug): certificates are public acts, so revoked,
// expired and superseded ones are shown too, with that status.
func (s *Service) PublicCertificate(ctx context.Context, ref string) (Certificate, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 200 {
		return Certificate{}, certNotFound()
	}
	cs, err := s.certQuery(ctx, s.db, s.Today(), "c.number = ? OR REPLACE(c.number, '/', '-') = ?", "ORDER BY c.id LIMIT 1", ref, ref)
	if err != nil {
		return Certificate{}, err
	}
	if len(cs) == 0 {
		return Certificate{}, certNotFound()
	}
	return cs[0], nil
}

// canSeeCert reports whether p may open a certificate in the back office:
// the province, the officer of the producer's commune, the producer.
func canSeeCert(p *account.Principal, c *Certificate) bool {
	return p.Province() || p.InCommune(c.CommuneCode) || p.ActsFor(c.ProducerID)
}

// CurrentCertificate returns the newest certificate of a product with its
// status today, for other modules (catalogue, stamps, verification pages):
// check Status.Valid() before treating the product as an OCOP product.
// It answers NotFound when the product never had a certificate.
func (s *Service) CurrentCertificate(ctx context.Context, productID int64) (Certificate, error) {
	m, err := s.CurrentCertificates(ctx, []int64{productID})
	if err != nil {
		return Certificate{}, err
	}
	c, ok := m[productID]
	if !ok {
		return Certificate{}, certNotFound()
	}
	return c, nil
}

// CurrentCertificates is CurrentCertificate for many products in one
// query: product id → newest certificate; products without one are absent.
func (s *Service) CurrentCertificates(ctx context.Context, productIDs []int64) (map[int64]Certificate, error) {
	out := map[int64]Certificate{}
	if len(productIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(productIDs))
	for i, id := range productIDs {
		args[i] = id
	}
	cs, err := s.certQuery(ctx, s.db, s.Today(), "c.product_id IN ("+db.Placeholders(len(args))+")", "ORDER BY c.issued_on DESC, c.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("current certificates: %w", err)
	}
	for _, c := range cs {
		if _, ok := out[c.ProductID]; !ok {
			out[c.ProductID] = c
		}
	}
	return out, nil
}

// CertificateFilter selects certificates in the back-office list.
type CertificateFilter struct {
	Star int // 3, 4 or 5; 0 for all
	// Status keeps one computed status (a CertStatus value, "" for all).
	Status string
	// Commune keeps the producers of one commune.
	Commune string
	// ExpiringWithin keeps valid certificates whose last valid day is
	// within this many days (30 or 90 on the page; 0 for no limit).
	ExpiringWithin int
	// Query matches the number, the product or the producer (case- and
	// diacritic-sensitive substring, for numbers mostly).
	Query   string
	Page    int
	PerPage int
}

// CertStatuses lists the computed states in the order the lists show them.
var CertStatuses = []CertStatus{CertValid, CertExpiringSoon, CertExtended, CertExpired, CertRevoked, CertSuperseded, CertNotYetValid}

// ListCertificates lists the certificates p may see, newest first, with
// their status computed for today. Status and expiry filters work on the
// computed status: the SQL narrows by dates, the status decides.
func (s *Service) ListCertificates(ctx context.Context, p *account.Principal, f CertificateFilter) (registry.Page[Certificate], error) {
	var page registry.Page[Certificate]
	if p == nil {
		return page, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	var conds []string
	var args []any
	switch {
	case p.Province():
	case p.Is(account.RoleCommune):
		if len(p.Communes) == 0 {
			conds = append(conds, "1 = 0")
		} else {
			conds = append(conds, "pr.commune_code IN ("+db.Placeholders(len(p.Communes))+")")
			for _, c := range p.Communes {
				args = append(args, c)
			}
		}
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			conds = append(conds, "1 = 0")
		} else {
			conds = append(conds, "c.producer_id IN ("+db.Placeholders(len(p.Producers))+")")
			for _, id := range p.Producers {
				args = append(args, id)
			}
		}
	default:
		return page, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	if f.Star != 0 {
		if f.Star < 3 || f.Star > 5 {
			errs.Add("star", "cert.err_star")
		}
		conds = append(conds, "c.star = ?")
		args = append(args, f.Star)
	}
	if f.Status != "" {
		known := false
		for _, st := range CertStatuses {
			known = known || string(st) == f.Status
		}
		if !known {
			errs.Add("status", "cert.err_status")
		}
	}
	if f.ExpiringWithin < 0 || f.ExpiringWithin > 3660 {
		errs.Add("expiring", "cert.err_expiring")
	}
	if err := errs.Err(); err != nil {
		return page, err
	}
	if f.Commune != "" {
		conds = append(conds, "pr.commune_code = ?")
		args = append(args, f.Commune)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, "(c.number LIKE ? OR p.name LIKE ? OR pr.name LIKE ? OR p.code LIKE ?)")
		like := "%" + q + "%"
		args = append(args, like, like, like, like)
	}
	today := s.Today()
	// Narrow by dates: a superset of each computed status.
	switch CertStatus(f.Status) {
	case CertRevoked:
		conds = append(conds, "c.revoked_on <> ''")
	case CertSuperseded:
		conds = append(conds, "c.superseded_by IS NOT NULL")
	case CertExpired:
		conds = append(conds, "c.expires_on < ?")
		args = append(args, today)
	case CertExtended:
		conds = append(conds, "c.expires_on < ? AND c.expires_on >= ?")
		args = append(args, today, today.AddDays(-ExtensionDays))
	case CertValid, CertExpiringSoon:
		conds = append(conds, "c.expires_on >= ?")
		args = append(args, today)
	}
	if f.ExpiringWithin > 0 {
		conds = append(conds, "c.expires_on >= ? AND c.expires_on <= ?")
		args = append(args, today.AddDays(-ExtensionDays), today.AddDays(f.ExpiringWithin))
	}
	per := f.PerPage
	if per <= 0 {
		per = 50
	}
	per = min(per, registry.MaxPerPage)
	pg := min(max(f.Page, 1), 1_000_000/per+1)
	where := strings.Join(conds, " AND ")
	if f.Status == "" && f.ExpiringWithin == 0 {
		// No filter on the computed status: page in SQL, compute the page.
		page = registry.Page[Certificate]{Page: pg, PerPage: per}
		w := ""
		if where != "" {
			w = " WHERE " + where
		}
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*)"+certFrom+w, args...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count certificates: %w", err)
		}
		items, err := s.certQuery(ctx, s.db, today, where, "ORDER BY c.issued_on DESC, c.id DESC LIMIT ? OFFSET ?", append(args, per, (pg-1)*per)...)
		page.Items = items
		if err != nil {
			return page, fmt.Errorf("list certificates: %w", err)
		}
		return page, nil
	}
	all, err := s.certQuery(ctx, s.db, today, where, "ORDER BY c.issued_on DESC, c.id DESC", args...)
	if err != nil {
		return page, fmt.Errorf("list certificates: %w", err)
	}
	kept := all[:0]
	for _, c := range all {
		if f.Status != "" && string(c.Status) != f.Status {
			continue
		}
		if f.ExpiringWithin > 0 && (!c.Valid() || c.ValidUntil.After(today.AddDays(f.ExpiringWithin))) {
			continue
		}
		kept = append(kept, c)
	}
	page = registry.Page[Certificate]{Total: len(kept), Page: pg, PerPage: per}
	if from := (pg - 1) * per; from < len(kept) {
		page.Items = kept[from:min(from+per, len(kept))]
	}
	return page, nil
}

// CertNotice is a notice sent about a certificate (re-rating window, expiry).
type CertNotice struct {
	Kind    string    `json:"kind"`
	SentAt  time.Time `json:"sent_at"`
	Channel string    `json:"channel"`
}

// CertificateFile is everything the back office shows about a certificate:
// the certificate, the history of its product's certificates, the
// inspections (Điều 9) and the notices sent.
type CertificateFile struct {
	Certificate Certificate
	History     []Certificate
	Inspections []Inspection
	Notices     []CertNotice
	// RevocationAuthority is who may revoke it (Điều 8.2).
	RevocationAuthority Authority
	// CanManage: p may revoke it and record inspections.
	CanManage bool
	Today     Date
}

// CertificateFile returns a certificate with its history for the back
// office, if p may see it.
func (s *Service) CertificateFile(ctx context.Context, p *account.Principal, id int64) (CertificateFile, error) {
	var f CertificateFile
	if p == nil {
		return f, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	c, err := s.certByID(ctx, s.db, id)
	if err != nil {
		return f, err
	}
	if !canSeeCert(p, &c) {
		return f, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	f.Certificate, f.Today = c, s.Today()
	f.RevocationAuthority = RevocationAuthority(c.Star)
	f.CanManage = p.Province()
	if f.History, err = s.certQuery(ctx, s.db, f.Today, "c.product_id = ?", "ORDER BY c.issued_on DESC, c.id DESC", c.ProductID); err != nil {
		return f, err
	}
	if f.Inspections, err = s.certInspections(ctx, id); err != nil {
		return f, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT kind, sent_at, channel FROM notices WHERE certificate_id = ? ORDER BY sent_at, id", id)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var n CertNotice
		if err := rows.Scan(&n.Kind, &n.SentAt, &n.Channel); err != nil {
			return f, err
		}
		f.Notices = append(f.Notices, n)
	}
	return f, rows.Err()
}

// allocateCertNumber gives the next certificate number of an issuer in a
// year, skipping numbers already taken (imported certificates may hold
// them).
func allocateCertNumber(ctx context.Context, tx *db.Tx, issuer string, year int) (string, error) {
	for range 10000 {
		var n int
		err := tx.QueryRowContext(ctx, `INSERT INTO code_sequences (scope, last) VALUES (?, 1)
			ON CONFLICT (scope) DO UPDATE SET last = code_sequences.last + 1 RETURNING last`,
			fmt.Sprintf("certificate:%s:%d", issuer, year)).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("certificate number: %w", err)
		}
		number := CertificateNumber(n, issuer, year)
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM certificates WHERE number = ? OR REPLACE(number, '/', '-') = ?",
			number, CertificateSlug(number)).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return number, nil
		}
	}
	return "", errors.New("certificate number: no free number")
}

// certIssue is what issuing one certificate needs.
type certIssue struct {
	productID, producerID, dossierID, decisionID int64
	star                                         Star
	potential5                                   bool
	issued                                       Date
	ruleSet                                      RuleSet
	authority                                    Authority
	issuer                                       string
}

// issueCertificate inserts a certificate in tx and supersedes the earlier
// certificates of the product that were neither revoked nor superseded.
func (s *Service) issueCertificate(ctx context.Context, tx *db.Tx, p *account.Principal, commune string, in certIssue) (int64, string, error) {
	number, err := allocateCertNumber(ctx, tx, in.issuer, in.issued.Y)
	if err != nil {
		return 0, "", err
	}
	expires := Expiry(in.issued)
	id, err := db.Insert(ctx, tx, `INSERT INTO certificates (number, product_id, producer_id, dossier_id, decision_id, star, potential5,
			issued_on, expires_on, rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on,
			created_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', ?, 1)`,
		number, in.productID, in.producerID, in.dossierID, in.decisionID, int(in.star), in.potential5,
		in.issued, expires, string(in.ruleSet), string(in.authority), s.stampNow())
	if err != nil {
		return 0, "", fmt.Errorf("insert certificate: %w", err)
	}
	after := map[string]any{"number": number, "product_id": in.productID, "star": int(in.star), "potential5": in.potential5,
		"issued_on": in.issued.String(), "expires_on": expires.String(), "rule_set": string(in.ruleSet), "authority": string(in.authority)}
	if err := account.Audit(ctx, tx, p, "certificate.issue", "certificate", id, commune, nil, after); err != nil {
		return 0, "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, number FROM certificates
		WHERE product_id = ? AND id <> ? AND superseded_by IS NULL AND revoked_on = ''`, in.productID, id)
	if err != nil {
		return 0, "", err
	}
	type old struct {
		id     int64
		number string
	}
	var olds []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.number); err != nil {
			rows.Close()
			return 0, "", err
		}
		olds = append(olds, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	for _, o := range olds {
		if _, err := tx.ExecContext(ctx, "UPDATE certificates SET superseded_by = ?, version = version + 1 WHERE id = ?", id, o.id); err != nil {
			return 0, "", err
		}
		if err := account.Audit(ctx, tx, p, "certificate.supersede", "certificate", o.id, commune,
			map[string]any{"number": o.number}, map[string]any{"number": o.number, "superseded_by": number}); err != nil {
			return 0, "", err
		}
	}
	return id, number, nil
}

// certIssuer is the issuer code of certificate numbers for an authority:
// the province of the producer's commune, or the Ministry.
func (s *Service) certIssuer(a Authority, commune string) string {
	if a == AuthorityMinistry {
		return MinistryIssuer
	}
	if w, ok := s.reg.Units().Ward(commune); ok {
		return w.ProvinceCode
	}
	return "00"
}

// nullID stores 0 as NULL.
func certNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// scanNotFound maps sql.ErrNoRows to a NotFound error with key.
func certScanErr(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, key)
	}
	return err
}
