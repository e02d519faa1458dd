package evaluation

import (
	"context"
	"slices"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// The grounds for revoking a certificate, Điều 8.1 a–e, as codes; the
// interface names them (cert.ground_<code>).
const (
	GroundFalseDossier     = "false_dossier"     // a) false information or a forged dossier
	GroundCriteriaNotMet   = "criteria_not_met"  // b) no longer meets the criteria, per an inspection's conclusion
	GroundLawViolation     = "law_violation"     // c) violates quality, food safety, environment, IP or labelling law
	GroundMarkMisuse       = "mark_misuse"       // d) uses the OCOP mark wrongly, misleading about the product
	GroundStoppedProducing = "stopped_producing" // đ) the producer no longer makes the product
	GroundOther            = "other_conclusion"  // e) other conclusion of a competent authority
)

// RevocationGrounds lists the grounds of Điều 8.1 in the order of the
// decision; no other ground is accepted.
var RevocationGrounds = []string{GroundFalseDossier, GroundCriteriaNotMet, GroundLawViolation, GroundMarkMisuse, GroundStoppedProducing, GroundOther}

// RevokeInput is the revocation form.
type RevokeInput struct {
	Ground string `json:"ground"`
	// Conclusion names the conclusion of the competent authority the
	// revocation rests on (Điều 8.4), e.g. "Kết luận kiểm tra số 12/KL-SNN";
	// ConcludedOn is its date, from which the 15 days run.
	Conclusion  string `json:"conclusion"`
	ConcludedOn string `json:"concluded_on"`
	// DecisionNo is the number of the provincial chair's revocation
	// decision (3★/4★). A 5★ certificate is revoked only by the Minister
	// (Điều 8.2.b): the office records the Ministry's decision, whose
	// number goes in MinistryDecisionNo.
	DecisionNo         string `json:"decision_no"`
	MinistryDecisionNo string `json:"ministry_decision_no"`
	DecidedOn          string `json:"decided_on"`
	Signer             string `json:"signer"`
	Reason             string `json:"reason"`
	Version            int    `json:"version"`
}

// Revocation is what Revoke did.
type Revocation struct {
	Certificate Certificate
	Decision    Decision
	// Deadline is the last day to revoke (RevocationDeadline of the
	// conclusion); Late is true when the decision came after it: recorded,
	// with a warning.
	Deadline Date
	Late     bool
}

// Revoke records the revocation of a certificate (Điều 8): a decisions row
// of kind revoke by the authority of Điều 8.2 (the province for 3★ and 4★,
// the Ministry for 5★) and the certificate's revocation, in one
// transaction with its audit row. Only the province's office records
// revocations; for a 5★ certificate it records the Ministry's decision
// and must give its number. A decision later than 15 days after the
// conclusion it rests on is recorded with Late set (Điều 8.4).
func (s *Service) Revoke(ctx context.Context, p *account.Principal, certID int64, in RevokeInput) (Revocation, error) {
	var out Revocation
	if err := certNeedOffice(p); err != nil {
		return out, err
	}
	c, err := s.certByID(ctx, s.db, certID)
	if err != nil {
		return out, err
	}
	switch {
	case !c.RevokedOn.IsZero():
		return out, apperr.New(apperr.Conflict, "cert.err_already_revoked", c.Number)
	case c.SupersededBy != 0:
		return out, apperr.New(apperr.Conflict, "cert.err_superseded", c.Number, c.SupersededByNumber)
	}
	authority := RevocationAuthority(c.Star)
	var errs apperr.Errs
	number, field := in.DecisionNo, "decision_no"
	if authority == AuthorityMinistry {
		number, field = in.MinistryDecisionNo, "ministry_decision_no"
	}
	if authority == AuthorityMinistry && strings.TrimSpace(number) == "" {
		errs.Add(field, "cert.err_ministry_decision_required")
	} else {
		decCheckNumber(&errs, &number, field)
	}
	on := s.decCheckHead(&errs, &in.Signer, in.DecidedOn)
	if !slices.Contains(RevocationGrounds, in.Ground) {
		errs.Add("ground", "cert.err_ground")
	}
	in.Conclusion, in.Reason = strings.TrimSpace(in.Conclusion), strings.TrimSpace(in.Reason)
	switch {
	case in.Conclusion == "":
		errs.Add("conclusion", "err.required")
	case len(in.Conclusion) > 2000:
		errs.Add("conclusion", "cert.err_too_long", 2000)
	}
	if len(in.Reason) > 5000 {
		errs.Add("reason", "cert.err_too_long", 5000)
	}
	concluded, cerr := ParseDate(strings.TrimSpace(in.ConcludedOn))
	switch {
	case strings.TrimSpace(in.ConcludedOn) == "":
		errs.Add("concluded_on", "err.required")
	case cerr != nil:
		errs.Add("concluded_on", "cert.err_date")
	case concluded.After(s.Today()):
		errs.Add("concluded_on", "cert.err_date_future")
	case on.Valid() && on.Before(concluded):
		errs.Add("decided_on", "cert.err_revoke_before_conclusion")
	}
	if on.Valid() && on.Before(c.IssuedOn) {
		errs.Add("decided_on", "cert.err_revoke_before_issue", c.IssuedOn.String())
	}
	if err := errs.Err(); err != nil {
		return out, err
	}
	out.Deadline = RevocationDeadline(concluded)
	out.Late = on.After(out.Deadline)
	dec := Decision{Number: number, DecidedOn: on, Authority: authority, Signer: in.Signer, Kind: DecisionRevoke}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := decNumberFree(ctx, tx, number, field); err != nil {
			return err
		}
		if dec.ID, err = s.decInsert(ctx, tx, p, dec, field); err != nil {
			return err
		}
		version := in.Version
		if version == 0 {
			version = c.Version // API callers without a version revoke what they read
		}
		res, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_on = ?, revoke_ground = ?, revoke_reason = ?, revoke_conclusion = ?,
				revoke_concluded_on = ?, revoke_decision = ?, version = version + 1
			WHERE id = ? AND version = ? AND revoked_on = ''`,
			on, in.Ground, in.Reason, in.Conclusion, concluded, dec.ID, c.ID, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.New(apperr.Conflict, "cert.err_cert_stale", c.Number)
		}
		before := map[string]any{"number": c.Number, "status": string(c.Status), "version": c.Version}
		after := map[string]any{"number": c.Number, "revoked_on": on.String(), "ground": in.Ground, "conclusion": in.Conclusion,
			"concluded_on": concluded.String(), "decision": number, "authority": string(authority), "late": out.Late, "version": c.Version + 1}
		return account.Audit(ctx, tx, p, "certificate.revoke", "certificate", c.ID, c.CommuneCode, before, after)
	})
	if err != nil {
		return out, err
	}
	out.Decision = dec
	out.Certificate, err = s.certByID(ctx, s.db, c.ID)
	return out, err
}
