package evaluation

import (
	"context"
	"fmt"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// handled are the actions of the filing, commune and province-office
// steps, which this file carries out; the council's and the decision's
// actions belong to later steps.
var stepActions = []Action{ActSubmit, ActReturn, ActReject, ActPropose, ActAccept, ActWithdraw}

// roleMayEver reports whether a role takes the action in some state.
func roleMayEver(a Action, r account.Role) bool {
	for _, st := range States {
		if MayAct(st, a, r) {
			return true
		}
	}
	return false
}

// checkAction says whether p may take action a on dossier d, which the
// form showed at version: a role that never takes the action, or a
// dossier outside p's scope, is forbidden; a stale version or a state the
// action does not leave is a conflict; a role that takes the action only
// at another step is forbidden.
func checkAction(p *account.Principal, d *Dossier, a Action, version int) error {
	if err := needLogin(p); err != nil {
		return err
	}
	if !roleMayEver(a, p.Role) {
		return apperr.New(apperr.Forbidden, "dossier.err_role", string(a))
	}
	if !mayEdit(p, d) {
		return outOfScope()
	}
	if d.Version != version {
		return apperr.New(apperr.Conflict, "err.stale")
	}
	if _, ok := Next(d.State, a); !ok {
		return apperr.New(apperr.Conflict, "dossier.err_state_"+string(d.State))
	}
	if !MayAct(d.State, a, p.Role) {
		return apperr.New(apperr.Forbidden, "dossier.err_role_step")
	}
	return nil
}

// AllowedActions lists the actions of these steps that p may take on d
// now, in the workflow's order.
func AllowedActions(p *account.Principal, d *Dossier) []Action {
	var out []Action
	for _, a := range Actions(d.State) {
		if !hasAction(stepActions, a) {
			continue
		}
		if checkAction(p, d, a, d.Version) == nil {
			out = append(out, a)
		}
	}
	return out
}

func hasAction(xs []Action, x Action) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// stepChange is the extra columns a state change writes, and its note on the
// timeline.
type stepChange struct {
	sets  []string
	args  []any
	note  string
	audit map[string]any
}

func (c *stepChange) set(col string, v any) {
	c.sets = append(c.sets, col+" = ?")
	c.args = append(c.args, v)
	if c.audit == nil {
		c.audit = map[string]any{}
	}
	c.audit[col] = v
}

// act carries out a state change: in one transaction it checks the
// action, lets prepare validate and fill in the columns, updates the
// dossier under optimistic locking, and writes the timeline event and the
// audit row. A refused action writes nothing.
func (s *Service) act(ctx context.Context, p *account.Principal, id int64, version int, a Action,
	prepare func(tx *db.Tx, d *Dossier, c *stepChange) error) (Dossier, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := loadDossier(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkAction(p, &d, a, version); err != nil {
			return err
		}
		to, _ := Next(d.State, a)
		c := &stepChange{}
		if prepare != nil {
			if err := prepare(tx, &d, c); err != nil {
				return err
			}
		}
		c.set("state", string(to))
		if err := s.bumpDossier(ctx, tx, &d, strings.Join(c.sets, ", "), c.args...); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, d.State, to, c.note); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier."+string(a), "dossier", id, d.CommuneCode,
			map[string]any{"state": d.State, "version": d.Version}, c.audit)
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, id)
}

// Missing is a mandatory part of a dossier that is not there yet: a
// message key and its arguments.
type Missing struct {
	Key  string
	Args []any
}

// missingParts lists what a dossier lacks to be filed (Điều 6.1): the
// essentials of Mẫu 01, for an upgrade what changed, for a re-rating the
// updates of Điều 6.1.c, a self-assessment of every criterion of its
// scorecard (Mẫu 02 part III), and at least one evidence file.
func (s *Service) missingParts(ctx context.Context, q db.Queryer, d *Dossier) ([]Missing, error) {
	var out []Missing
	miss := func(key string, args ...any) { out = append(out, Missing{key, args}) }
	f := d.Form01
	if f.Representative == "" {
		miss("dossier.missing_representative")
	}
	if f.Position == "" {
		miss("dossier.missing_position")
	}
	if f.Address == "" {
		miss("dossier.missing_address")
	}
	if f.Phone == "" && f.Email == "" {
		miss("dossier.missing_contact")
	}
	if !d.Tourism() && f.Samples <= 0 {
		miss("dossier.missing_samples")
	}
	if d.Kind == DossierUpgrade && d.Changes.Empty() {
		miss("dossier.missing_changes")
	}
	if d.Kind == DossierRerating && d.Updates.Empty() {
		miss("dossier.missing_updates")
	}
	var criteria int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM criteria WHERE set_id = ?", d.CriteriaSetID).Scan(&criteria); err != nil {
		return nil, err
	}
	scored, _, err := selfTotals(ctx, q, d.ID)
	if err != nil {
		return nil, err
	}
	if scored < criteria {
		sheet, err := s.selfSheet(ctx, q, d)
		if err != nil {
			return nil, err
		}
		miss("dossier.missing_self", len(sheet.Unscored), strings.Join(sheet.Unscored, ", "))
	}
	var files int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM evidence WHERE dossier_id = ?", d.ID).Scan(&files); err != nil {
		return nil, err
	}
	if files == 0 {
		miss("dossier.missing_evidence")
	}
	return out, nil
}

// MissingParts lists what a dossier p may open still lacks to be filed.
func (s *Service) MissingParts(ctx context.Context, p *account.Principal, id int64) ([]Missing, error) {
	d, err := s.Dossier(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.missingParts(ctx, s.db, &d)
}

// incomplete is the error of a refused submission: each missing part is a
// field of the Invalid error, in order, under the field "missing".
func incomplete(ms []Missing) error {
	e := apperr.New(apperr.Invalid, "dossier.err_incomplete", len(ms))
	for _, m := range ms {
		e.Fields = append(e.Fields, apperr.Field("missing", m.Key, m.Args...))
	}
	return e
}

// nextSeq allocates the next number of a named sequence in tx.
func nextSeq(ctx context.Context, tx *db.Tx, scope string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO code_sequences (scope, last) VALUES (?, 1)
		ON CONFLICT (scope) DO UPDATE SET last = code_sequences.last + 1 RETURNING last`, scope).Scan(&n)
	return n, err
}

// registrationNumber allocates the number of the dossier's registration
// form: its place in the commune's register for the year, and the STT of
// the product code (RegistrationNumber).
func (s *Service) registrationNumber(ctx context.Context, tx *db.Tx, d *Dossier, today Date) (string, error) {
	w, ok := s.reg.Units().Ward(d.CommuneCode)
	if !ok {
		return "", apperr.New(apperr.Invalid, "err.commune_unknown", d.CommuneCode)
	}
	_, _, stt, _, err := registry.ParseProductCode(d.ProductCode)
	if err != nil {
		return "", apperr.Wrap(apperr.Invalid, err, "dossier.err_product_code", d.ProductCode)
	}
	seq, err := nextSeq(ctx, tx, fmt.Sprintf("pdk:%s:%d", d.CommuneCode, today.Y))
	if err != nil {
		return "", err
	}
	return RegistrationNumber(seq, stt, w.ProvinceCode, d.CommuneCode, today.Y)
}

// SubmitDossier files the dossier with the commune (Điều 7.1). It is
// refused, listing what is missing, until the mandatory parts are there.
// The first filing gives the registration number and the filing date; every
// filing (also after a return) starts the commune's 15 working days
// (Điều 7.2), counted from the day the complete dossier is received.
func (s *Service) SubmitDossier(ctx context.Context, p *account.Principal, id int64, version int) (Dossier, error) {
	return s.act(ctx, p, id, version, ActSubmit, func(tx *db.Tx, d *Dossier, c *stepChange) error {
		ms, err := s.missingParts(ctx, tx, d)
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			return incomplete(ms)
		}
		today := s.Today()
		// The filed form keeps the registry's names as they are today.
		f := d.Form01
		f.UnitName, f.ProductName, f.CategoryCode = d.ProducerName, d.ProductName, d.CategoryCode
		c.set("form01", jsonText(f))
		if d.RegNo == "" {
			no, err := s.registrationNumber(ctx, tx, d, today)
			if err != nil {
				return err
			}
			c.set("reg_no", no)
			c.set("filed_on", dateText(today))
			c.note = no
		}
		c.set("commune_due", dateText(CommuneDeadline(today, s.holidays)))
		c.set("return_items", "[]")
		c.set("return_due", "")
		return nil
	})
}

// WithdrawDossier withdraws the dossier at the producer's request.
func (s *Service) WithdrawDossier(ctx context.Context, p *account.Principal, id int64, version int) (Dossier, error) {
	return s.act(ctx, p, id, version, ActWithdraw, nil)
}

// ReturnInput sends a dossier back for update: the items to fix, and the
// day by which to resubmit ("YYYY-MM-DD"; empty: ReturnDays from today).
type ReturnInput struct {
	Items []string
	Due   string
}

// ReturnDossier sends a dossier back to the producer for update: by the
// commune while it checks it, or by the province office (Điều 7.3.a).
func (s *Service) ReturnDossier(ctx context.Context, p *account.Principal, id int64, version int, in ReturnInput) (Dossier, error) {
	var errs apperr.Errs
	var items []string
	for _, it := range in.Items {
		checkDossierText(&errs, "items", &it, 1000, false)
		if it != "" {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		errs.Add("items", "dossier.err_items_required")
	}
	if len(items) > 100 {
		errs.Add("items", "dossier.err_items_many", 100)
	}
	today := s.Today()
	due := today.AddDays(ReturnDays)
	if v := strings.TrimSpace(in.Due); v != "" {
		d, err := ParseDate(v)
		switch {
		case err != nil:
			errs.Add("due", "dossier.err_date")
		case !d.After(today):
			errs.Add("due", "dossier.err_due_past")
		default:
			due = d
		}
	}
	return s.act(ctx, p, id, version, ActReturn, func(tx *db.Tx, d *Dossier, c *stepChange) error {
		if err := errs.Err(); err != nil {
			return err
		}
		c.set("return_items", jsonText(items))
		c.set("return_due", dateText(due))
		c.note = strings.Join(items, "; ")
		return nil
	})
}

// RejectDossier refuses a dossier, with the reason.
func (s *Service) RejectDossier(ctx context.Context, p *account.Principal, id int64, version int, reason string) (Dossier, error) {
	var errs apperr.Errs
	checkDossierText(&errs, "reason", &reason, 2000, true)
	return s.act(ctx, p, id, version, ActReject, func(tx *db.Tx, d *Dossier, c *stepChange) error {
		if err := errs.Err(); err != nil {
			return err
		}
		c.set("reject_reason", reason)
		c.note = reason
		return nil
	})
}

// SaveReport records the commune's assessment (Mẫu 03, Điều 7.2.a): the
// use of local raw materials and labour, the origin of the idea and the
// local identity and know-how, all four required. It may be rewritten
// until the commune proposes the dossier.
func (s *Service) SaveReport(ctx context.Context, p *account.Principal, id int64, version int, in Form03) (Dossier, error) {
	if err := needLogin(p); err != nil {
		return Dossier{}, err
	}
	var errs apperr.Errs
	checkDossierText(&errs, "raw_materials", &in.RawMaterials, longText, true)
	checkDossierText(&errs, "labour", &in.Labour, longText, true)
	checkDossierText(&errs, "idea_origin", &in.IdeaOrigin, longText, true)
	checkDossierText(&errs, "identity", &in.Identity, longText, true)
	in.ReportedOn, in.ReportedBy = s.Today(), actorName(p)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := loadDossier(ctx, tx, id)
		if err != nil {
			return err
		}
		// Writing the report is part of proposing: whoever may propose
		// the dossier now may write it.
		if err := checkAction(p, &d, ActPropose, version); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := s.bumpDossier(ctx, tx, &d, "commune_report = ?", jsonText(in)); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.report", "dossier", id, d.CommuneCode, d.Report, in)
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, id)
}

// ProposeDossier proposes the dossier to the province (Điều 7.2.b) with
// the commune's report and the samples received: 5, or none for tourism
// services (Điều 6.2.d).
func (s *Service) ProposeDossier(ctx context.Context, p *account.Principal, id int64, version int, samples int) (Dossier, error) {
	return s.act(ctx, p, id, version, ActPropose, func(tx *db.Tx, d *Dossier, c *stepChange) error {
		var errs apperr.Errs
		if !d.Report.Complete() {
			errs.Add("report", "dossier.err_report_missing")
		}
		if want := RequiredSamples(d.CategoryCode); samples != want {
			if want == 0 {
				errs.Add("samples", "dossier.err_samples_tourism")
			} else {
				errs.Add("samples", "dossier.err_samples_count", want)
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		c.set("samples", samples)
		c.set("proposed_on", dateText(s.Today()))
		c.note = fmt.Sprint(samples)
		return nil
	})
}

// AcceptDossier records that the province office found the proposed
// dossier complete (Điều 7.3.a). From this day the re-rating's 45 days
// run (Điều 7.6).
func (s *Service) AcceptDossier(ctx context.Context, p *account.Principal, id int64, version int) (Dossier, error) {
	return s.act(ctx, p, id, version, ActAccept, func(tx *db.Tx, d *Dossier, c *stepChange) error {
		c.set("complete_on", dateText(s.Today()))
		return nil
	})
}
