package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// This file is the scoring workspace (Điều 7.3.d): each member of a
// council, the chair included, scores each criterion of each dossier
// before it on the dossier's own scorecard, picking one answer option per
// criterion; the points follow from the option. A member saves as they go
// (one row per member and criterion, with a version so that two tabs do
// not overwrite each other) and submits the sheet once every criterion is
// scored. Until they submit, a member sees nobody else's scores, and
// nobody sees theirs: the server never sends them, in pages or JSON, and
// the audit rows of saves name the criteria changed, not the options, so
// the audit log cannot reveal a sheet either.

// ScoreInput is one answer a member saves.
type ScoreInput struct {
	CriterionID int64
	// OptionID is the chosen option.
	OptionID int64
	// NotMet answers "not met" (0 points) on a criterion printed without
	// options (the yes/no bilingual-label item); OptionID is then ignored.
	NotMet bool
	// GateHit records that the condition of the criterion's gate ("Bị
	// loại nếu …", "… không đánh giá các bước tiếp theo") is met.
	GateHit bool
	// Version is the version of the answer the page showed: 0 when the
	// criterion was not scored yet. A save over a newer answer is refused.
	Version int
}

// SheetScore is a saved answer.
type SheetScore struct {
	CriterionID int64     `json:"criterion_id"`
	OptionID    int64     `json:"option_id"`
	Points      int       `json:"points"`
	GateHit     bool      `json:"gate_hit,omitempty"`
	Version     int       `json:"version"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// SheetTotals are a sheet's running totals: points per part, the total,
// how many criteria are scored and which are not.
type SheetTotals struct {
	A        int      `json:"a"`
	B        int      `json:"b"`
	C        int      `json:"c"`
	Total    int      `json:"total"`
	Scored   int      `json:"scored"`
	Criteria int      `json:"criteria"`
	Unscored []string `json:"unscored"`
}

// Part returns the total of a part.
func (t SheetTotals) Part(code string) int {
	switch code {
	case "A":
		return t.A
	case "B":
		return t.B
	case "C":
		return t.C
	}
	return 0
}

// Complete reports whether every criterion is scored.
func (t SheetTotals) Complete() bool { return t.Scored == t.Criteria && t.Criteria > 0 }

// OtherSheet is another member's submitted sheet, shown to a member only
// after they submitted their own.
type OtherSheet struct {
	MemberID int64                `json:"member_id"`
	Name     string               `json:"name"`
	Total    int                  `json:"total"`
	Choices  map[int64]SheetScore `json:"choices"`
}

// Workspace is one member's scoring page for one dossier.
type Workspace struct {
	Council     Council              `json:"council"`
	Dossier     CouncilDossier       `json:"dossier"`
	Me          CouncilMember        `json:"me"`
	Set         *CriteriaSet         `json:"-"`
	Mine        map[int64]SheetScore `json:"mine"`
	Totals      SheetTotals          `json:"totals"`
	Case        int                  `json:"case,omitempty"`
	Submitted   bool                 `json:"submitted"`
	SubmittedAt time.Time            `json:"submitted_at,omitzero"`
	// Others and Waiting are filled in only once the member submitted:
	// the others' submitted sheets, and how many have not submitted yet.
	Others  []OtherSheet   `json:"others,omitempty"`
	Waiting int            `json:"waiting,omitempty"`
	Notes   []AdvisoryNote `json:"notes,omitempty"`
}

// Editable reports whether the member can still change the sheet.
func (w *Workspace) Editable() bool {
	return !w.Submitted && !w.Council.Closed() && (w.Dossier.State == StateInCouncil || w.Dossier.State == StateCentral)
}

// Score returns the member's answer on a criterion.
func (w *Workspace) Score(criterionID int64) (SheetScore, bool) {
	sc, ok := w.Mine[criterionID]
	return sc, ok
}

// Version is the version of the member's answer on a criterion (0 when
// not scored).
func (w *Workspace) Version(criterionID int64) int { return w.Mine[criterionID].Version }

// Chosen reports whether the member chose the option (for a yes/no
// criterion: chose "met").
func (w *Workspace) Chosen(c *Criterion, o *Option) bool {
	sc, ok := w.Mine[c.ID]
	return ok && sc.OptionID == o.ID && !(c.YesNo && sc.Points == 0 && optionPoints(o) > 0)
}

// NotMet reports whether the member answered "not met" on a yes/no
// criterion.
func (w *Workspace) NotMet(c *Criterion) bool {
	sc, ok := w.Mine[c.ID]
	return ok && c.YesNo && sc.Points == 0
}

// GateHit reports whether the member recorded the criterion's gate.
func (w *Workspace) GateHit(c *Criterion) bool { return w.Mine[c.ID].GateHit }

// Flagged reports whether a gate criterion is scored at its lowest
// option: the page asks the member to check the gate's condition.
func (w *Workspace) Flagged(c *Criterion) bool {
	sc, ok := w.Mine[c.ID]
	if !ok || c.Gate == "" || len(c.Options) == 0 {
		return false
	}
	low := optionPoints(&c.Options[0])
	for i := range c.Options {
		low = min(low, optionPoints(&c.Options[i]))
	}
	return sc.Points <= low
}

// SectionIsCriterion reports whether a section is printed as one criterion
// with its own options ("7. TÍNH ĐỘC ĐÁO"), so the page shows it once.
func (w *Workspace) SectionIsCriterion(sec *Section) bool {
	return len(sec.Criteria) == 1 && sec.Criteria[0].SectionLevel(sec)
}

// OptionPoints returns an option's points (0 for an empty cell), for the
// page.
func (w *Workspace) OptionPoints(o *Option) int { return optionPoints(o) }

// scoreAccess loads the council and checks that p scores on it and that
// the dossier is before it.
func (s *Service) scoreAccess(ctx context.Context, q db.Queryer, p *account.Principal, councilID, dossierID int64) (Council, CouncilMember, error) {
	if p == nil {
		return Council{}, CouncilMember{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	c, err := s.loadCouncil(ctx, q, councilID, false)
	if err != nil {
		return Council{}, CouncilMember{}, err
	}
	m, ok := c.Member(p.UserID)
	if !ok {
		return Council{}, CouncilMember{}, apperr.New(apperr.Forbidden, "council.err_not_member")
	}
	if !m.Scores() {
		return Council{}, CouncilMember{}, apperr.New(apperr.Forbidden, "council.err_not_scorer")
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM council_dossiers WHERE council_id = ? AND dossier_id = ?", councilID, dossierID).Scan(&n); err != nil {
		return Council{}, CouncilMember{}, err
	}
	if n == 0 {
		return Council{}, CouncilMember{}, apperr.New(apperr.Forbidden, "council.err_dossier_not_in_council")
	}
	return c, m, nil
}

// councilDossierOf reads one dossier before a council.
func councilDossierOf(ctx context.Context, q db.Queryer, councilID, dossierID int64) (CouncilDossier, error) {
	ds, err := councilDossiers(ctx, q, councilID)
	if err != nil {
		return CouncilDossier{}, err
	}
	for _, d := range ds {
		if d.ID == dossierID {
			return d, nil
		}
	}
	return CouncilDossier{}, apperr.New(apperr.Forbidden, "council.err_dossier_not_in_council")
}

// memberScores reads one member's answers on a dossier.
func memberScores(ctx context.Context, q db.Queryer, councilID, dossierID, memberID int64) (map[int64]SheetScore, error) {
	rows, err := q.QueryContext(ctx, `SELECT criterion_id, option_id, points, gate_hit, version, updated_at FROM scores
		WHERE council_id = ? AND dossier_id = ? AND member_id = ?`, councilID, dossierID, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]SheetScore{}
	for rows.Next() {
		var sc SheetScore
		if err := rows.Scan(&sc.CriterionID, &sc.OptionID, &sc.Points, &sc.GateHit, &sc.Version, &sc.UpdatedAt); err != nil {
			return nil, err
		}
		out[sc.CriterionID] = sc
	}
	return out, rows.Err()
}

// sheetSubmitted returns when the member submitted the sheet (zero when
// not yet).
func sheetSubmitted(ctx context.Context, q db.Queryer, councilID, dossierID, memberID int64) (time.Time, error) {
	var at time.Time
	err := q.QueryRowContext(ctx, "SELECT submitted_at FROM score_sheets WHERE council_id = ? AND dossier_id = ? AND member_id = ?",
		councilID, dossierID, memberID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return at, err
}

// sheetTotals adds up a sheet on its scorecard.
func sheetTotals(set *CriteriaSet, mine map[int64]SheetScore) SheetTotals {
	t := SheetTotals{Unscored: []string{}}
	set.Each(func(p *Part, _ *Section, c *Criterion) {
		t.Criteria++
		sc, ok := mine[c.ID]
		if !ok {
			t.Unscored = append(t.Unscored, c.No)
			return
		}
		t.Scored++
		t.Total += sc.Points
		switch p.Code {
		case "A":
			t.A += sc.Points
		case "B":
			t.B += sc.Points
		case "C":
			t.C += sc.Points
		}
	})
	return t
}

// sheetCase returns the alternative case a sheet uses (set 26: "Lựa chọn
// một trong hai trường hợp sau"), or an error when it mixes cases. The case
// describes the product (a community of several establishments, or one
// site), so a member scores the whole sheet within one case.
func sheetCase(set *CriteriaSet, mine map[int64]SheetScore) (int, error) {
	chosen, first := 0, ""
	var err error
	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		sc, ok := mine[c.ID]
		if !ok || err != nil {
			return
		}
		o, ok := criterionOption(c, sc.OptionID)
		if !ok || o.Case == 0 {
			return
		}
		switch {
		case chosen == 0:
			chosen, first = o.Case, c.No
		case o.Case != chosen:
			err = apperr.New(apperr.Invalid, "council.err_case_mixed", c.No, o.Case, first, chosen)
		}
	})
	return chosen, err
}

// ScoringWorkspace returns a member's scoring page for a dossier before
// their council: the scorecard, their own answers and running totals, the
// advisory group's notes, and — only once they submitted — the others'
// submitted sheets.
func (s *Service) ScoringWorkspace(ctx context.Context, p *account.Principal, councilID, dossierID int64) (*Workspace, error) {
	c, me, err := s.scoreAccess(ctx, s.db, p, councilID, dossierID)
	if err != nil {
		return nil, err
	}
	w := &Workspace{Council: c, Me: me}
	if w.Dossier, err = councilDossierOf(ctx, s.db, councilID, dossierID); err != nil {
		return nil, err
	}
	if w.Set, err = loadSet(ctx, s.db, w.Dossier.SetID); err != nil {
		return nil, err
	}
	if w.Mine, err = memberScores(ctx, s.db, councilID, dossierID, me.UserID); err != nil {
		return nil, err
	}
	w.Totals = sheetTotals(w.Set, w.Mine)
	w.Case, _ = sheetCase(w.Set, w.Mine)
	if w.SubmittedAt, err = sheetSubmitted(ctx, s.db, councilID, dossierID, me.UserID); err != nil {
		return nil, err
	}
	w.Submitted = !w.SubmittedAt.IsZero()
	if w.Notes, err = dossierNotes(ctx, s.db, dossierID); err != nil {
		return nil, err
	}
	if w.Submitted {
		if err := s.otherSheets(ctx, w); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// otherSheets fills in the other members' submitted sheets. Called only
// for a member who has submitted their own.
func (s *Service) otherSheets(ctx context.Context, w *Workspace) error {
	names := map[int64]string{}
	for _, m := range w.Council.Members {
		names[m.UserID] = m.Name
	}
	at := map[int64]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT member_id, total FROM score_sheets WHERE council_id = ? AND dossier_id = ? AND member_id <> ?
		ORDER BY submitted_at, member_id`, w.Council.ID, w.Dossier.ID, w.Me.UserID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var o OtherSheet
		if err := rows.Scan(&o.MemberID, &o.Total); err != nil {
			rows.Close()
			return err
		}
		o.Name, o.Choices = names[o.MemberID], map[int64]SheetScore{}
		at[o.MemberID] = len(w.Others)
		w.Others = append(w.Others, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	w.Waiting = max(0, len(w.Council.Scorers())-1-len(w.Others))
	rows, err = s.db.QueryContext(ctx, `SELECT s.member_id, s.criterion_id, s.option_id, s.points, s.gate_hit, s.version, s.updated_at
		FROM scores s JOIN score_sheets h ON h.council_id = s.council_id AND h.dossier_id = s.dossier_id AND h.member_id = s.member_id
		WHERE s.council_id = ? AND s.dossier_id = ? AND s.member_id <> ?`, w.Council.ID, w.Dossier.ID, w.Me.UserID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var member int64
		var sc SheetScore
		if err := rows.Scan(&member, &sc.CriterionID, &sc.OptionID, &sc.Points, &sc.GateHit, &sc.Version, &sc.UpdatedAt); err != nil {
			return err
		}
		if i, ok := at[member]; ok {
			w.Others[i].Choices[sc.CriterionID] = sc
		}
	}
	return rows.Err()
}

// dossierNotes reads the advisory notes of a dossier.
func dossierNotes(ctx context.Context, q db.Queryer, dossierID int64) ([]AdvisoryNote, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.dossier_id, n.kind, n.body, n.on_date, n.created_at, COALESCE(u.display_name, '')
		FROM advisory_notes n LEFT JOIN users u ON u.id = n.created_by WHERE n.dossier_id = ? ORDER BY n.id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AdvisoryNote
	for rows.Next() {
		var n AdvisoryNote
		if err := rows.Scan(&n.ID, &n.DossierID, &n.Kind, &n.Body, &n.OnDate, &n.CreatedAt, &n.CreatedByName); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SaveResult is what a save answers: the answers written (with their new
// versions) and the sheet's running totals. It holds the member's own
// answers only.
type SaveResult struct {
	Saved  []SheetScore `json:"saved"`
	Totals SheetTotals  `json:"totals"`
	Case   int          `json:"case,omitempty"`
}

// SaveScores saves a member's answers on a dossier: one criterion or many
// at once. Each answer must be an option of its criterion, and its
// criterion one of the dossier's scorecard; each must carry the version
// the page showed, so a save over a newer answer (another tab, another
// device) is refused with a conflict. Either every answer is saved or
// none is. An answer identical to the stored one is left as it is.
func (s *Service) SaveScores(ctx context.Context, p *account.Principal, councilID, dossierID int64, in []ScoreInput) (SaveResult, error) {
	c, me, err := s.scoreAccess(ctx, s.db, p, councilID, dossierID)
	if err != nil {
		return SaveResult{}, err
	}
	if len(in) == 0 {
		return SaveResult{}, apperr.New(apperr.Invalid, "council.err_nothing_to_save")
	}
	d, err := councilDossierOf(ctx, s.db, councilID, dossierID)
	if err != nil {
		return SaveResult{}, err
	}
	set, err := loadSet(ctx, s.db, d.SetID)
	if err != nil {
		return SaveResult{}, err
	}
	crit := map[int64]*Criterion{}
	set.Each(func(_ *Part, _ *Section, c *Criterion) { crit[c.ID] = c })
	// Check every answer before writing any.
	type answer struct {
		in     ScoreInput
		c      *Criterion
		option int64
		points int
	}
	var answers []answer
	seen := map[int64]bool{}
	for _, x := range in {
		cr, ok := crit[x.CriterionID]
		if !ok {
			return SaveResult{}, apperr.New(apperr.Invalid, "council.err_criterion_not_in_set", x.CriterionID, set.SetNo)
		}
		if seen[x.CriterionID] {
			return SaveResult{}, apperr.New(apperr.Invalid, "council.err_criterion_twice", cr.No)
		}
		seen[x.CriterionID] = true
		a := answer{in: x, c: cr}
		switch {
		case x.NotMet && cr.YesNo && len(cr.Options) > 0:
			a.option, a.points = cr.Options[0].ID, 0
		case x.NotMet:
			return SaveResult{}, apperr.New(apperr.Invalid, "council.err_not_yes_no", cr.No)
		default:
			o, ok := criterionOption(cr, x.OptionID)
			if !ok {
				return SaveResult{}, apperr.New(apperr.Invalid, "council.err_option_not_in_criterion", cr.No)
			}
			a.option, a.points = o.ID, optionPoints(o)
		}
		if x.GateHit && cr.Gate == "" {
			return SaveResult{}, apperr.New(apperr.Invalid, "council.err_no_gate", cr.No)
		}
		answers = append(answers, a)
	}
	var out SaveResult
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		if err := councilStillScorer(ctx, tx, councilID, me.UserID); err != nil {
			return err
		}
		if err := councilScoringState(ctx, tx, dossierID); err != nil {
			return err
		}
		if at, err := sheetSubmitted(ctx, tx, councilID, dossierID, me.UserID); err != nil {
			return err
		} else if !at.IsZero() {
			return apperr.New(apperr.Conflict, "council.err_sheet_submitted")
		}
		mine, err := memberScores(ctx, tx, councilID, dossierID, me.UserID)
		if err != nil {
			return err
		}
		now := s.stampNow()
		var changed []string
		for _, a := range answers {
			old, exists := mine[a.c.ID]
			if exists && old.OptionID == a.option && old.Points == a.points && old.GateHit == a.in.GateHit {
				continue
			}
			if old.Version != a.in.Version {
				return apperr.New(apperr.Conflict, "council.err_score_stale", a.c.No)
			}
			sc := SheetScore{CriterionID: a.c.ID, OptionID: a.option, Points: a.points, GateHit: a.in.GateHit, Version: old.Version + 1, UpdatedAt: now}
			if exists {
				res, err := tx.ExecContext(ctx, `UPDATE scores SET option_id = ?, points = ?, gate_hit = ?, updated_at = ?, version = version + 1
					WHERE council_id = ? AND dossier_id = ? AND member_id = ? AND criterion_id = ? AND version = ?`,
					sc.OptionID, sc.Points, sc.GateHit, now, councilID, dossierID, me.UserID, a.c.ID, old.Version)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return apperr.New(apperr.Conflict, "council.err_score_stale", a.c.No)
				}
			} else if _, err := tx.ExecContext(ctx, `INSERT INTO scores (council_id, dossier_id, member_id, criterion_id, option_id, points, gate_hit, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, councilID, dossierID, me.UserID, a.c.ID, sc.OptionID, sc.Points, sc.GateHit, now); err != nil {
				if _, dup := db.IsUnique(err); dup {
					return apperr.New(apperr.Conflict, "council.err_score_stale", a.c.No)
				}
				return err
			}
			mine[a.c.ID] = sc
			out.Saved = append(out.Saved, sc)
			changed = append(changed, a.c.No)
		}
		if out.Case, err = sheetCase(set, mine); err != nil {
			return err
		}
		out.Totals = sheetTotals(set, mine)
		if len(changed) == 0 {
			return nil
		}
		return account.Audit(ctx, tx, p, "score.save", "dossier", dossierID, d.CommuneCode, nil,
			map[string]any{"council_id": c.ID, "member_id": me.UserID, "criteria": changed})
	})
	if err != nil {
		return SaveResult{}, err
	}
	return out, nil
}

// councilStillScorer checks, inside the transaction that writes, that the
// member still scores on the council (the office may have changed the
// council since the request began).
func councilStillScorer(ctx context.Context, tx *db.Tx, councilID, userID int64) error {
	var role string
	err := tx.QueryRowContext(ctx, "SELECT role FROM council_members WHERE council_id = ? AND user_id = ?", councilID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.Forbidden, "council.err_not_member")
	}
	if err != nil {
		return err
	}
	if !CouncilRoleScores(role) {
		return apperr.New(apperr.Forbidden, "council.err_not_scorer")
	}
	return nil
}

// councilScoringState checks that a dossier is still being scored (not yet
// closed and moved on).
func councilScoringState(ctx context.Context, q db.Queryer, dossierID int64) error {
	var st State
	if err := q.QueryRowContext(ctx, "SELECT state FROM dossiers WHERE id = ?", dossierID).Scan(&st); err != nil {
		return db.Scan(err, "council.err_dossier_unknown")
	}
	if st != StateInCouncil && st != StateCentral {
		return apperr.New(apperr.Conflict, "council.err_dossier_not_scoring", string(st))
	}
	return nil
}

// SubmitSheet submits a member's sheet for a dossier. Every criterion must
// be scored (the error lists those that are not), within one alternative
// case. A submitted sheet is final; from then on the member sees the
// others' submitted sheets.
func (s *Service) SubmitSheet(ctx context.Context, p *account.Principal, councilID, dossierID int64) error {
	c, me, err := s.scoreAccess(ctx, s.db, p, councilID, dossierID)
	if err != nil {
		return err
	}
	d, err := councilDossierOf(ctx, s.db, councilID, dossierID)
	if err != nil {
		return err
	}
	set, err := loadSet(ctx, s.db, d.SetID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		if err := councilStillScorer(ctx, tx, councilID, me.UserID); err != nil {
			return err
		}
		if err := councilScoringState(ctx, tx, dossierID); err != nil {
			return err
		}
		if at, err := sheetSubmitted(ctx, tx, councilID, dossierID, me.UserID); err != nil {
			return err
		} else if !at.IsZero() {
			return apperr.New(apperr.Conflict, "council.err_sheet_submitted")
		}
		mine, err := memberScores(ctx, tx, councilID, dossierID, me.UserID)
		if err != nil {
			return err
		}
		t := sheetTotals(set, mine)
		if !t.Complete() {
			return apperr.New(apperr.Invalid, "council.err_sheet_unscored", len(t.Unscored), strings.Join(t.Unscored, ", "))
		}
		if _, err := sheetCase(set, mine); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO score_sheets (council_id, dossier_id, member_id, total, submitted_at) VALUES (?, ?, ?, ?, ?)",
			councilID, dossierID, me.UserID, t.Total, s.stampNow()); err != nil {
			if _, dup := db.IsUnique(err); dup {
				return apperr.New(apperr.Conflict, "council.err_sheet_submitted")
			}
			return err
		}
		// The total is not in the audit row: it would show the sheet to
		// anyone reading the log before the council closes.
		return account.Audit(ctx, tx, p, "score.submit", "dossier", dossierID, d.CommuneCode, nil,
			map[string]any{"council_id": c.ID, "member_id": me.UserID, "criteria": t.Criteria})
	})
}

// ScoredWith reports whether a scorecard version has been used for
// scoring: a council member or a producer's self-assessment answered one
// of its criteria. It is the Scorecards.InUse hook: a version in use is
// never edited in place.
func ScoredWith(ctx context.Context, q db.Queryer, setID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM criteria k WHERE k.set_id = ? AND (
		EXISTS (SELECT 1 FROM scores s WHERE s.criterion_id = k.id) OR EXISTS (SELECT 1 FROM self_scores x WHERE x.criterion_id = k.id))`, setID).Scan(&n)
	return n > 0, err
}
