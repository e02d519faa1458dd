package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Decision kinds (decisions.kind).
const (
	DecisionCertify = "certify" // công nhận kết quả, cấp giấy chứng nhận (Điều 7.3.e, 7.4.e)
	DecisionRevoke  = "revoke"  // thu hồi giấy chứng nhận (Điều 8)
)

// What a decision does to each dossier it rules on (decision_items.outcome).
const (
	ItemCertified  = "certified"   // a certificate was issued
	ItemFailed     = "failed"      // 1★/2★ or gated below 3★: no certificate (Điều 4.1.a)
	ItemToMinistry = "to_ministry" // potential 5★: the chair approved the result; proposed to the Ministry
)

// Decision is a decision (quyết định) of the provincial chair or of the
// Minister: it certifies the products of a round (kind certify) or revokes
// a certificate (kind revoke).
type Decision struct {
	ID        int64     `json:"id"`
	Number    string    `json:"number"`
	DecidedOn Date      `json:"decided_on"`
	Authority Authority `json:"authority"`
	Signer    string    `json:"signer"`
	RoundID   int64     `json:"round_id,omitempty"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	// Items are the dossiers a certify decision ruled on.
	Items []DecisionItem `json:"items,omitempty"`
	// Count is the number of items (lists).
	Count int `json:"count"`
	// Revoked is the certificate a revoke decision revoked.
	Revoked *Certificate `json:"revoked,omitempty"`
}

// DecisionItem is one dossier a decision ruled on.
type DecisionItem struct {
	DossierID         int64   `json:"dossier_id"`
	RegNo             string  `json:"reg_no"`
	ProductID         int64   `json:"product_id"`
	ProductName       string  `json:"product_name"`
	ProducerName      string  `json:"producer_name"`
	CommuneCode       string  `json:"commune_code"`
	CouncilID         int64   `json:"council_id"`
	Outcome           string  `json:"outcome"`
	Star              Star    `json:"star"`
	Mean              float64 `json:"mean"`
	CertificateID     int64   `json:"certificate_id,omitempty"`
	CertificateNumber string  `json:"certificate_number,omitempty"`
}

// Decidable is a scored dossier waiting for a decision, with the result
// it would be decided on and what a decision dated today would do.
type Decidable struct {
	DossierID    int64       `json:"dossier_id"`
	RegNo        string      `json:"reg_no"`
	Kind         DossierKind `json:"kind"`
	FiledOn      Date        `json:"filed_on"`
	RoundID      int64       `json:"round_id,omitempty"`
	ProductID    int64       `json:"product_id"`
	ProductName  string      `json:"product_name"`
	ProducerID   int64       `json:"producer_id"`
	ProducerName string      `json:"producer_name"`
	CommuneCode  string      `json:"commune_code"`
	// The result: the latest council's (province or Ministry).
	CouncilID  int64     `json:"council_id"`
	Level      Level     `json:"level"`
	Mean       float64   `json:"mean"`
	Band       Star      `json:"band"`
	Star       Star      `json:"star"`
	ComputedAt time.Time `json:"computed_at"`
	// Outcome is ProvinceOutcome or CentralOutcome of the result.
	Outcome Outcome `json:"outcome"`
	// Item is what the decision records (ItemCertified, ItemFailed,
	// ItemToMinistry); CertStar the star of the certificate it issues (0
	// for none), Potential5 whether it is flagged potential 5★.
	Item       string `json:"item"`
	CertStar   Star   `json:"cert_star"`
	Potential5 bool   `json:"potential5"`
	// RuleSet and Authority for a decision dated today (the decision's own
	// date decides when it is issued).
	RuleSet   RuleSet   `json:"rule_set"`
	Authority Authority `json:"authority"`
	// Version guards the dossier (optimistic locking).
	Version int `json:"version"`
	State   State
}

// plan fills Outcome, Item, CertStar, Potential5, RuleSet and Authority
// for a decision dated on.
//
// A potential-5★ result (at least 90 with every ***** option met) is
// approved by the chair and proposed to the Ministry (Điều 7.3.e). Hanoi's
// decisions count these products inside the 4★ list ("108 sản phẩm OCOP
// đạt 4 sao … trong đó có 10 sản phẩm tiềm năng 5 sao"), so the approval
// also issues a 4★ certificate flagged potential 5★, which the Ministry's
// 5★ certificate supersedes. That reading keeps the product an OCOP
// product while the Ministry decides; to be confirmed with the office.
func (d *Decidable) plan(on Date) {
	g := Gate{Band: d.Band, Star: d.Star}
	if d.Level == LevelMinistry {
		d.Outcome = CentralOutcome(g)
	} else {
		d.Outcome = ProvinceOutcome(g)
	}
	d.RuleSet = RuleSetForDossier(d.Kind, d.FiledOn, on)
	d.CertStar, d.Potential5, d.Authority = 0, false, AuthorityNone
	switch d.Outcome.Kind {
	case OutcomeCertify, OutcomeProvinceMayCertify:
		d.Item, d.CertStar = ItemCertified, d.Outcome.Star
		d.Authority = CertifyingAuthority(d.RuleSet, d.CertStar)
	case OutcomeProposeFiveStar:
		d.Item, d.CertStar, d.Potential5 = ItemToMinistry, Star4, true
		d.Authority = CertifyingAuthority(d.RuleSet, Star4)
	default:
		d.Item = ItemFailed
	}
}

// decidableCols reads a scored dossier with its results (every council's;
// the caller keeps the latest).
const decDecidableQuery = `SELECT d.id, COALESCE(d.reg_no, ''), d.kind, d.filed_on, COALESCE(d.round_id, 0), d.product_id, p.name,
		d.producer_id, pr.name, d.commune_code, d.state, d.version,
		r.council_id, r.level, r.mean, r.band, r.star, r.computed_at
	FROM dossiers d
	JOIN products p ON p.id = d.product_id
	JOIN producers pr ON pr.id = d.producer_id
	JOIN results r ON r.dossier_id = d.id`

func (s *Service) decQueryDecidable(ctx context.Context, q db.Queryer, where string, args ...any) ([]Decidable, error) {
	rows, err := q.QueryContext(ctx, decDecidableQuery+" WHERE "+where+" ORDER BY d.id, r.computed_at DESC, r.council_id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("scored dossiers: %w", err)
	}
	defer rows.Close()
	var out []Decidable
	for rows.Next() {
		var x Decidable
		var kind, state, level string
		var band, star int
		if err := rows.Scan(&x.DossierID, &x.RegNo, &kind, &x.FiledOn, &x.RoundID, &x.ProductID, &x.ProductName,
			&x.ProducerID, &x.ProducerName, &x.CommuneCode, &state, &x.Version,
			&x.CouncilID, &level, &x.Mean, &band, &star, &x.ComputedAt); err != nil {
			return nil, err
		}
		if len(out) > 0 && out[len(out)-1].DossierID == x.DossierID {
			continue // an older result of the same dossier
		}
		x.Kind, x.State, x.Level, x.Band, x.Star = DossierKind(kind), State(state), Level(level), Star(band), Star(star)
		out = append(out, x)
	}
	return out, rows.Err()
}

func certNeedOffice(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// Decidable lists the scored dossiers waiting for a decision, with what a
// decision dated today would do to each. Only the province (office,
// admin) prepares decisions.
func (s *Service) Decidable(ctx context.Context, p *account.Principal) ([]Decidable, error) {
	if err := certNeedOffice(p); err != nil {
		return nil, err
	}
	out, err := s.decQueryDecidable(ctx, s.db, "d.state = ?", string(StateScored))
	if err != nil {
		return nil, err
	}
	today := s.Today()
	for i := range out {
		out[i].plan(today)
	}
	return out, nil
}

// DecisionInput is the form of a certify decision.
type DecisionInput struct {
	Number    string  `json:"number"`
	DecidedOn string  `json:"decided_on"` // YYYY-MM-DD
	Signer    string  `json:"signer"`
	Dossiers  []int64 `json:"dossiers"`
}

// decCheckNumber validates a decision number.
func decCheckNumber(errs *apperr.Errs, number *string, field string) {
	*number = strings.TrimSpace(*number)
	switch {
	case *number == "":
		errs.Add(field, "err.required")
	case len(*number) > 100:
		errs.Add(field, "cert.err_too_long", 100)
	}
}

// decCheckHead validates the signer and the date of a decision and
// returns the date.
func (s *Service) decCheckHead(errs *apperr.Errs, signer *string, decided string) Date {
	*signer = strings.TrimSpace(*signer)
	switch {
	case *signer == "":
		errs.Add("signer", "err.required")
	case len(*signer) > 200:
		errs.Add("signer", "cert.err_too_long", 200)
	}
	decided = strings.TrimSpace(decided)
	d, err := ParseDate(decided)
	switch {
	case decided == "":
		errs.Add("decided_on", "err.required")
	case err != nil:
		errs.Add("decided_on", "cert.err_date")
	case d.After(s.Today()):
		errs.Add("decided_on", "cert.err_date_future")
	}
	return d
}

// decNumberFree checks in tx that no decision has the number yet.
func decNumberFree(ctx context.Context, tx *db.Tx, number, field string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM decisions WHERE number = ?", number).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return decNumberTaken(number, field)
	}
	return nil
}

func decNumberTaken(number, field string) error {
	return &apperr.Error{Code: apperr.Conflict, Key: "cert.err_decision_number_taken", Args: []any{number},
		Fields: []apperr.FieldError{apperr.Field(field, "cert.err_decision_number_taken", number)}}
}

// decInsert writes a decisions row in tx; a duplicate number (raced
// past decNumberFree) is a conflict too.
func (s *Service) decInsert(ctx context.Context, tx *db.Tx, p *account.Principal, d Decision, field string) (int64, error) {
	id, err := db.Insert(ctx, tx, `INSERT INTO decisions (number, decided_on, authority, signer, round_id, kind, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Number, d.DecidedOn, string(d.Authority), d.Signer, certNullID(d.RoundID), d.Kind, s.stampNow(), certNullID(p.ID()))
	if _, dup := db.IsUnique(err); dup {
		return 0, decNumberTaken(d.Number, field)
	}
	return id, err
}

// IssueDecision records a certify decision of the provincial chair (or of
// the Minister, recorded by the office) on scored dossiers, in one
// transaction: the decisions row; for each dossier a decision item and the
// move of the state machine — certified with a new certificate (3★/4★, or
// 5★ on a central result), failed without one (Điều 4.1.a), or approved as
// potential 5★ and sent to the Ministry (with a 4★ certificate flagged
// potential 5★, see Decidable.plan); earlier certificates of the product
// are superseded. Every change has its audit row.
//
// The authority of each certificate follows the rule set of the dossier on
// the decision's date (RuleSetForDossier, CertifyingAuthority); one
// decision has one authority, so dossiers certified by different
// authorities are refused together.
func (s *Service) IssueDecision(ctx context.Context, p *account.Principal, in DecisionInput) (Decision, error) {
	if err := certNeedOffice(p); err != nil {
		return Decision{}, err
	}
	var errs apperr.Errs
	decCheckNumber(&errs, &in.Number, "number")
	on := s.decCheckHead(&errs, &in.Signer, in.DecidedOn)
	var ids []int64
	for _, id := range in.Dossiers {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		errs.Add("dossiers", "cert.err_no_dossier")
	}
	if len(ids) > 1000 {
		errs.Add("dossiers", "cert.err_too_many_dossiers", 1000)
	}
	if err := errs.Err(); err != nil {
		return Decision{}, err
	}
	dec := Decision{Number: in.Number, DecidedOn: on, Signer: in.Signer, Kind: DecisionCertify}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		found, err := s.decQueryDecidable(ctx, tx, "d.id IN ("+db.Placeholders(len(ids))+")", args...)
		if err != nil {
			return err
		}
		byID := map[int64]*Decidable{}
		for i := range found {
			byID[found[i].DossierID] = &found[i]
		}
		var items []*Decidable
		authorities := map[Authority]bool{}
		rounds := map[int64]bool{}
		for _, id := range ids {
			x, ok := byID[id]
			if !ok {
				return s.decUndecidable(ctx, tx, id)
			}
			if x.State != StateScored {
				return apperr.New(apperr.Conflict, "cert.err_not_scored", decDossierLabel(x.RegNo, id), string(x.State))
			}
			if on.Before(VietnamDate(x.ComputedAt)) {
				return apperr.Fields(apperr.Field("decided_on", "cert.err_before_result", decDossierLabel(x.RegNo, id)))
			}
			x.plan(on)
			if x.Item != ItemFailed {
				if x.Authority == AuthorityNone {
					return apperr.Fields(apperr.Field("decided_on", "cert.err_no_rule_set"))
				}
				authorities[x.Authority] = true
			}
			rounds[x.RoundID] = true
			items = append(items, x)
		}
		switch len(authorities) {
		case 0:
			dec.Authority = AuthorityProvince
		case 1:
			for a := range authorities {
				dec.Authority = a
			}
		default:
			return apperr.Fields(apperr.Field("dossiers", "cert.err_mixed_authority"))
		}
		if len(rounds) == 1 {
			for r := range rounds {
				dec.RoundID = r
			}
		}
		if err := decNumberFree(ctx, tx, dec.Number, "number"); err != nil {
			return err
		}
		if dec.ID, err = s.decInsert(ctx, tx, p, dec, "number"); err != nil {
			return err
		}
		for _, x := range items {
			item := DecisionItem{DossierID: x.DossierID, RegNo: x.RegNo, ProductID: x.ProductID, ProductName: x.ProductName,
				ProducerName: x.ProducerName, CommuneCode: x.CommuneCode, CouncilID: x.CouncilID, Outcome: x.Item, Star: x.Star, Mean: x.Mean}
			act := ActFail
			switch x.Item {
			case ItemCertified:
				act = ActCertify
			case ItemToMinistry:
				act = ActToCentral
			}
			if x.CertStar != 0 {
				item.CertificateID, item.CertificateNumber, err = s.issueCertificate(ctx, tx, p, x.CommuneCode, certIssue{
					productID: x.ProductID, producerID: x.ProducerID, dossierID: x.DossierID, decisionID: dec.ID,
					star: x.CertStar, potential5: x.Potential5, issued: on, ruleSet: x.RuleSet, authority: x.Authority,
					issuer: s.certIssuer(x.Authority, x.CommuneCode),
				})
				if err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO decision_items (decision_id, dossier_id, council_id, outcome, star, certificate_id)
				VALUES (?, ?, ?, ?, ?, ?)`, dec.ID, x.DossierID, x.CouncilID, x.Item, int(x.Star), certNullID(item.CertificateID)); err != nil {
				return err
			}
			note := fmt.Sprintf("%s %s (%s)", dec.Number, on.String(), x.Item)
			if item.CertificateNumber != "" {
				note += " " + item.CertificateNumber
			}
			if err := s.certMoveDossier(ctx, tx, p, x, act, note); err != nil {
				return err
			}
			dec.Items = append(dec.Items, item)
		}
		dec.Count = len(dec.Items)
		return account.Audit(ctx, tx, p, "decision.create", "decision", dec.ID, "", nil, map[string]any{
			"number": dec.Number, "decided_on": on.String(), "authority": string(dec.Authority), "signer": dec.Signer,
			"kind": dec.Kind, "dossiers": ids,
		})
	})
	if err != nil {
		return Decision{}, err
	}
	return dec, nil
}

// decUndecidable explains why a dossier asked for is not decidable: unknown
// (Invalid), or not scored / without a result (Conflict).
func (s *Service) decUndecidable(ctx context.Context, q db.Queryer, id int64) error {
	var state, regNo string
	err := q.QueryRowContext(ctx, "SELECT state, COALESCE(reg_no, '') FROM dossiers WHERE id = ?", id).Scan(&state, &regNo)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Fields(apperr.Field("dossiers", "cert.err_dossier_unknown", id))
	}
	if err != nil {
		return err
	}
	if State(state) != StateScored {
		return apperr.New(apperr.Conflict, "cert.err_not_scored", decDossierLabel(regNo, id), state)
	}
	return apperr.New(apperr.Conflict, "cert.err_no_result", decDossierLabel(regNo, id))
}

func decDossierLabel(regNo string, id int64) string {
	if regNo != "" {
		return regNo
	}
	return fmt.Sprintf("#%d", id)
}

// certMoveDossier takes one step of the state machine (workflow.go) in tx:
// the UPDATE guarded by the dossier's version and state (optimistic
// locking), the dossier_events row and the audit row.
func (s *Service) certMoveDossier(ctx context.Context, tx *db.Tx, p *account.Principal, x *Decidable, act Action, note string) error {
	to, ok := Next(x.State, act)
	if !ok {
		return apperr.New(apperr.Conflict, "cert.err_not_scored", decDossierLabel(x.RegNo, x.DossierID), string(x.State))
	}
	if !MayAct(x.State, act, p.Role) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	now := s.stampNow()
	res, err := tx.ExecContext(ctx, "UPDATE dossiers SET state = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND state = ?",
		string(to), now, x.DossierID, x.Version, string(x.State))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return apperr.New(apperr.Conflict, "cert.err_stale", decDossierLabel(x.RegNo, x.DossierID))
	}
	name := p.DisplayName
	if name == "" {
		name = p.Name()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_id, actor_name, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, x.DossierID, now, certNullID(p.ID()), name, string(x.State), string(to), note); err != nil {
		return err
	}
	return account.Audit(ctx, tx, p, "dossier."+string(act), "dossier", x.DossierID, x.CommuneCode,
		map[string]any{"state": string(x.State), "version": x.Version}, map[string]any{"state": string(to), "version": x.Version + 1, "note": note})
}

// DecisionFilter selects decisions in the list.
type DecisionFilter struct {
	Kind string // DecisionCertify, DecisionRevoke or "" for both
	Year int
}

// Decisions lists decisions, newest first, with their item counts.
func (s *Service) Decisions(ctx context.Context, p *account.Principal, f DecisionFilter) ([]Decision, error) {
	if err := certNeedOffice(p); err != nil {
		return nil, err
	}
	var conds []string
	var args []any
	switch f.Kind {
	case "":
	case DecisionCertify, DecisionRevoke:
		conds = append(conds, "d.kind = ?")
		args = append(args, f.Kind)
	default:
		return nil, apperr.Fields(apperr.Field("kind", "cert.err_kind"))
	}
	if f.Year > 0 {
		conds = append(conds, "d.decided_on >= ? AND d.decided_on < ?")
		args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.number, d.decided_on, d.authority, d.signer, COALESCE(d.round_id, 0), d.kind, d.created_at,
			(SELECT COUNT(*) FROM decision_items i WHERE i.decision_id = d.id) + (SELECT COUNT(*) FROM certificates c WHERE c.revoke_decision = d.id)
		FROM decisions d`+where+" ORDER BY d.decided_on DESC, d.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := decScan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func decScan(sc interface{ Scan(...any) error }) (Decision, error) {
	var d Decision
	var auth string
	err := sc.Scan(&d.ID, &d.Number, &d.DecidedOn, &auth, &d.Signer, &d.RoundID, &d.Kind, &d.CreatedAt, &d.Count)
	d.Authority = Authority(auth)
	return d, err
}

// Decision returns one decision with the dossiers it ruled on (certify)
// or the certificate it revoked (revoke).
func (s *Service) Decision(ctx context.Context, p *account.Principal, id int64) (Decision, error) {
	if err := certNeedOffice(p); err != nil {
		return Decision{}, err
	}
	d, err := decScan(s.db.QueryRowContext(ctx, `SELECT d.id, d.number, d.decided_on, d.authority, d.signer, COALESCE(d.round_id, 0), d.kind, d.created_at, 0
		FROM decisions d WHERE d.id = ?`, id))
	if err != nil {
		return d, certScanErr(err, "cert.err_decision_not_found")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.dossier_id, COALESCE(ds.reg_no, ''), ds.product_id, p.name, pr.name, ds.commune_code, i.council_id,
			i.outcome, i.star, COALESCE(r.mean, 0), COALESCE(i.certificate_id, 0), COALESCE(c.number, '')
		FROM decision_items i
		JOIN dossiers ds ON ds.id = i.dossier_id
		JOIN products p ON p.id = ds.product_id
		JOIN producers pr ON pr.id = ds.producer_id
		LEFT JOIN results r ON r.council_id = i.council_id AND r.dossier_id = i.dossier_id
		LEFT JOIN certificates c ON c.id = i.certificate_id
		WHERE i.decision_id = ? ORDER BY p.name, i.dossier_id`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var it DecisionItem
		var star int
		if err := rows.Scan(&it.DossierID, &it.RegNo, &it.ProductID, &it.ProductName, &it.ProducerName, &it.CommuneCode, &it.CouncilID,
			&it.Outcome, &star, &it.Mean, &it.CertificateID, &it.CertificateNumber); err != nil {
			return d, err
		}
		it.Star = Star(star)
		d.Items = append(d.Items, it)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	d.Count = len(d.Items)
	if d.Kind == DecisionRevoke {
		cs, err := s.certQuery(ctx, s.db, s.Today(), "c.revoke_decision = ?", "ORDER BY c.id LIMIT 1", id)
		if err != nil {
			return d, err
		}
		if len(cs) > 0 {
			d.Revoked = &cs[0]
			d.Count = 1
		}
	}
	return d, nil
}

// ProposalMember is a council member as the proposal reports them.
type ProposalMember struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	Department string `json:"department"`
	// Total is the member's submitted total (nil when not submitted).
	Total *int `json:"total,omitempty"`
}

// ProposalNote is a review, field visit, lab test or report of the
// advisory group (tổ tư vấn).
type ProposalNote struct {
	Kind   string `json:"kind"`
	Body   string `json:"body"`
	OnDate Date   `json:"on_date"`
}

// FiveStarProposal is the file the province sends the Ministry for a
// potential 5★ product (Điều 6.3.a, 7.3.e): the product and its producer,
// the advisory group's reports, the provincial council's report (members,
// their totals, the mean and part scores) and the chair's approval
// (the decision). The province's cover letter and the product dossier
// itself are attached from the dossier.
type FiveStarProposal struct {
	DossierID      int64       `json:"dossier_id"`
	RegNo          string      `json:"reg_no"`
	Kind           DossierKind `json:"kind"`
	FiledOn        Date        `json:"filed_on"`
	ProposedOn     Date        `json:"proposed_on"`
	ProductID      int64       `json:"product_id"`
	ProductName    string      `json:"product_name"`
	ProductCode    string      `json:"product_code"`
	CategoryCode   string      `json:"category_code"`
	ProducerName   string      `json:"producer_name"`
	CommuneCode    string      `json:"commune_code"`
	AddressLine    string      `json:"address_line"`
	Representative string      `json:"representative"`
	Phone          string      `json:"phone"`
	Samples        int         `json:"samples"`
	CouncilName    string      `json:"council_name"`
	CouncilNo      string      `json:"council_decision_no"`
	CouncilFormed  Date        `json:"council_formed_on"`
	Members        []ProposalMember
	Advisory       []ProposalNote
	Mean           float64 `json:"mean"`
	PartA          float64 `json:"part_a"`
	PartB          float64 `json:"part_b"`
	PartC          float64 `json:"part_c"`
	Band           Star    `json:"band"`
	Star           Star    `json:"star"`
	Decision       Decision
	// CertificateNumber is the 4★ potential-5★ certificate issued with the
	// approval ("" when none).
	CertificateNumber string `json:"certificate_number,omitempty"`
	State             State  `json:"state"`
}

// Proposal returns the 5★ proposal of a dossier the province approved as
// potential 5★. Only the province sees it.
func (s *Service) Proposal(ctx context.Context, p *account.Principal, dossierID int64) (FiveStarProposal, error) {
	var f FiveStarProposal
	if err := certNeedOffice(p); err != nil {
		return f, err
	}
	var councilID, decisionID int64
	var state, kind string
	err := s.db.QueryRowContext(ctx, `SELECT i.decision_id, i.council_id, COALESCE(c.number, ''), ds.id, COALESCE(ds.reg_no, ''), ds.kind, ds.filed_on,
			ds.proposed_on, ds.samples, ds.state, p.id, p.name, p.code, p.category_code, pr.name, ds.commune_code, pr.address_line,
			pr.representative, pr.phone
		FROM decision_items i
		JOIN dossiers ds ON ds.id = i.dossier_id
		JOIN products p ON p.id = ds.product_id
		JOIN producers pr ON pr.id = ds.producer_id
		LEFT JOIN certificates c ON c.id = i.certificate_id
		WHERE i.dossier_id = ? AND i.outcome = ? ORDER BY i.decision_id DESC LIMIT 1`, dossierID, ItemToMinistry).Scan(
		&decisionID, &councilID, &f.CertificateNumber, &f.DossierID, &f.RegNo, &kind, &f.FiledOn,
		&f.ProposedOn, &f.Samples, &state, &f.ProductID, &f.ProductName, &f.ProductCode, &f.CategoryCode, &f.ProducerName, &f.CommuneCode, &f.AddressLine,
		&f.Representative, &f.Phone)
	if err != nil {
		return f, certScanErr(err, "cert.err_no_proposal")
	}
	f.Kind, f.State = DossierKind(kind), State(state)
	if f.Decision, err = s.Decision(ctx, p, decisionID); err != nil {
		return f, err
	}
	var band, star int
	if err := s.db.QueryRowContext(ctx, `SELECT c.name, c.decision_no, c.formed_on, r.mean, r.part_a, r.part_b, r.part_c, r.band, r.star
		FROM results r JOIN councils c ON c.id = r.council_id WHERE r.council_id = ? AND r.dossier_id = ?`, councilID, dossierID).Scan(
		&f.CouncilName, &f.CouncilNo, &f.CouncilFormed, &f.Mean, &f.PartA, &f.PartB, &f.PartC, &band, &star); err != nil {
		return f, certScanErr(err, "cert.err_no_proposal")
	}
	f.Band, f.Star = Star(band), Star(star)
	rows, err := s.db.QueryContext(ctx, `SELECT u.display_name, m.role, m.department, sh.total
		FROM council_members m JOIN users u ON u.id = m.user_id
		LEFT JOIN score_sheets sh ON sh.council_id = m.council_id AND sh.member_id = m.user_id AND sh.dossier_id = ?
		WHERE m.council_id = ? ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, u.display_name`,
		dossierID, councilID)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var m ProposalMember
		var total sql.NullInt64
		if err := rows.Scan(&m.Name, &m.Role, &m.Department, &total); err != nil {
			rows.Close()
			return f, err
		}
		if total.Valid {
			t := int(total.Int64)
			m.Total = &t
		}
		f.Members = append(f.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT kind, body, on_date FROM advisory_notes WHERE dossier_id = ? ORDER BY on_date, id", dossierID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var n ProposalNote
		if err := rows.Scan(&n.Kind, &n.Body, &n.OnDate); err != nil {
			return f, err
		}
		f.Advisory = append(f.Advisory, n)
	}
	return f, rows.Err()
}
