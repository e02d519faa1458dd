package evaluation

import (
	"context"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Inspection kinds (Điều 9.2.a: "kết hợp kiểm tra định kỳ và kiểm tra
// đột xuất") and conclusions.
const (
	InspectionPeriodic = "periodic" // kiểm tra định kỳ
	InspectionAdHoc    = "adhoc"    // kiểm tra đột xuất

	ConclusionCompliant = "compliant" // keeps the criteria and uses the mark correctly
	ConclusionWarning   = "warning"   // shortcomings to fix
	ConclusionViolation = "violation" // grounds for revocation (Điều 8.1.b–d)
)

// InspectionKinds and InspectionConclusions list the accepted values.
var (
	InspectionKinds       = []string{InspectionPeriodic, InspectionAdHoc}
	InspectionConclusions = []string{ConclusionCompliant, ConclusionWarning, ConclusionViolation}
)

// Inspection is a post-certification check of a product (Điều 9): whether
// it keeps the criteria of its dossier and uses the OCOP mark and
// information correctly.
type Inspection struct {
	ID            int64     `json:"id"`
	CertificateID int64     `json:"certificate_id"`
	OnDate        Date      `json:"on_date"`
	Kind          string    `json:"kind"`
	Findings      string    `json:"findings"`
	Conclusion    string    `json:"conclusion"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedByName string    `json:"created_by_name"`
}

// InspectionInput is the inspection form.
type InspectionInput struct {
	OnDate     string `json:"on_date"`
	Kind       string `json:"kind"`
	Findings   string `json:"findings"`
	Conclusion string `json:"conclusion"`
}

// AddInspection records an inspection of a certified product. The
// province's OCOP office leads inspections (Điều 9.4.a), so only the
// office and administrators record them.
func (s *Service) AddInspection(ctx context.Context, p *account.Principal, certID int64, in InspectionInput) (Inspection, error) {
	if err := certNeedOffice(p); err != nil {
		return Inspection{}, err
	}
	c, err := s.certByID(ctx, s.db, certID)
	if err != nil {
		return Inspection{}, err
	}
	var errs apperr.Errs
	if !slices.Contains(InspectionKinds, in.Kind) {
		errs.Add("kind", "cert.err_inspection_kind")
	}
	if !slices.Contains(InspectionConclusions, in.Conclusion) {
		errs.Add("outcome", "cert.err_inspection_conclusion")
	}
	in.Findings = strings.TrimSpace(in.Findings)
	switch {
	case in.Findings == "":
		errs.Add("findings", "err.required")
	case len(in.Findings) > 10000:
		errs.Add("findings", "cert.err_too_long", 10000)
	}
	on, derr := ParseDate(strings.TrimSpace(in.OnDate))
	switch {
	case strings.TrimSpace(in.OnDate) == "":
		errs.Add("on_date", "err.required")
	case derr != nil:
		errs.Add("on_date", "cert.err_date")
	case on.After(s.Today()):
		errs.Add("on_date", "cert.err_date_future")
	case on.Before(c.IssuedOn):
		errs.Add("on_date", "cert.err_inspection_before_issue", c.IssuedOn.String())
	}
	if err := errs.Err(); err != nil {
		return Inspection{}, err
	}
	x := Inspection{CertificateID: c.ID, OnDate: on, Kind: in.Kind, Findings: in.Findings, Conclusion: in.Conclusion,
		CreatedAt: s.stampNow(), CreatedByName: p.Name()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		x.ID, err = db.Insert(ctx, tx, `INSERT INTO inspections (certificate_id, on_date, kind, findings, conclusion, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, on, in.Kind, in.Findings, in.Conclusion, x.CreatedAt, certNullID(p.ID()))
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "inspection.create", "certificate", c.ID, c.CommuneCode, nil, map[string]any{
			"inspection": x.ID, "number": c.Number, "on_date": on.String(), "kind": in.Kind, "conclusion": in.Conclusion, "findings": in.Findings,
		})
	})
	if err != nil {
		return Inspection{}, err
	}
	return x, nil
}

// certInspections lists the inspections of a certificate, latest first.
func (s *Service) certInspections(ctx context.Context, certID int64) ([]Inspection, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.certificate_id, i.on_date, i.kind, i.findings, i.conclusion, i.created_at,
			COALESCE(u.display_name, '')
		FROM inspections i LEFT JOIN users u ON u.id = i.created_by
		WHERE i.certificate_id = ? ORDER BY i.on_date DESC, i.id DESC`, certID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Inspection
	for rows.Next() {
		var x Inspection
		if err := rows.Scan(&x.ID, &x.CertificateID, &x.OnDate, &x.Kind, &x.Findings, &x.Conclusion, &x.CreatedAt, &x.CreatedByName); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
