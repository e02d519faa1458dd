package evaluation

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// This file turns the council members' submitted sheets into a result
// (Điều 3.3 and the star marks of Phụ lục II), lets the chair close scoring
// (Điều 7.3.d) and shows the result with its reasons.
//
// # The council's reading of a criterion: the majority rule
//
// The score is the mean of the members' totals (Điều 3.3, Mean). The star
// marks and the scorecard gates, though, are about one criterion at a time,
// and the members may have chosen different options on it. The decision
// does not say whose choice counts. The rule taken here, applied the same
// way to marks and gates:
//
//   - A star mark of level N on a criterion is met when a strict majority
//     of the submitted sheets chose an option that reaches the option
//     marked for N★ (the marked option itself, or one that scores more
//     points; in set 26, an option of the other alternative case reaches it
//     with at least as many points). Equivalently, when options are ordered
//     by points, the median member's option reaches the mark: with 3
//     members, 2 must reach it; with 4, 3; with 5, 3.
//   - A scorecard gate ("Bị loại nếu …" rejects the dossier; "… không đánh
//     giá các bước tiếp theo" stops the evaluation) applies when a strict
//     majority of the submitted sheets recorded that its condition is met.
//
// Why a strict majority, and not the mean or a single member: the council
// decides collectively; a mark is a minimum the product must be shown to
// meet, so an even split does not establish it, and one member alone can
// neither grant it nor take it away. The mean of points would let two
// generous members lift a criterion a third found below the mark.
//
// A gate is recorded by each member explicitly, not read from the lowest
// option: in set 7, criterion 1.1's lowest option ("under 50% local raw
// materials", 1 point) is itself the 3★ minimum, while the gate printed
// under it rejects products made entirely of imported or untraceable
// materials, which no option describes; in sets 21 and 22 the gate of 6.2
// (intellectual-property infringement) is printed inside the highest
// option. The scoring page flags a gate criterion scored at its lowest
// option, so the member checks the condition.
//
// The consensus option shown for each starred criterion is the lower
// median member's option (options ordered by points, then by position):
// the option that the majority reached.

// Choice is one member's answer on one criterion.
type Choice struct {
	OptionID int64 `json:"option_id"`
	// Points awarded: the option's points, or 0 for a criterion printed
	// without options (yes/no) that is not met, or for an option whose
	// points cell is empty in the source.
	Points int `json:"points"`
	// GateHit records that the condition of the criterion's gate is met.
	GateHit bool `json:"gate_hit,omitempty"`
}

// MemberSheet is one member's submitted sheet for a dossier.
type MemberSheet struct {
	MemberID int64
	Name     string
	Choices  map[int64]Choice // criterion id → choice
}

// PartScores are part A, B and C scores.
type PartScores struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
	C float64 `json:"c"`
}

// MemberTotal is one member's total and part totals.
type MemberTotal struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	Total    int    `json:"total"`
	A        int    `json:"a"`
	B        int    `json:"b"`
	C        int    `json:"c"`
}

// OptionRef names an option on the result screen.
type OptionRef struct {
	ID       int64  `json:"id"`
	Position int    `json:"position"`
	Text     string `json:"text"`
	Points   int    `json:"points"`
	Case     int    `json:"case,omitempty"`
}

// MarkCheck is one star mark: the criterion, the level, the option the
// scorecard requires, the consensus option and how many members reached it.
type MarkCheck struct {
	Level       Star      `json:"level"`
	CriterionID int64     `json:"criterion_id"`
	No          string    `json:"no"`
	Title       string    `json:"title"`
	Required    OptionRef `json:"required"`
	Consensus   OptionRef `json:"consensus"`
	Reached     int       `json:"reached"`
	Members     int       `json:"members"`
	Met         bool      `json:"met"`
}

// GateFinding is a scorecard gate and how many members recorded its
// condition; Applied when a strict majority did.
type GateFinding struct {
	CriterionID int64  `json:"criterion_id"`
	No          string `json:"no"`
	Title       string `json:"title"`
	Kind        string `json:"kind"` // GateReject or GateStop
	Note        string `json:"note"`
	Hits        int    `json:"hits"`
	Members     int    `json:"members"`
	Applied     bool   `json:"applied"`
}

// Result is a council's result for a dossier, with everything the result
// screen needs to explain it.
type Result struct {
	Level   Level         `json:"level"`
	Members int           `json:"members"`
	Totals  []MemberTotal `json:"totals"`
	Mean    float64       `json:"mean"`
	Parts   PartScores    `json:"parts"`
	// Band is the star of the mean alone (Điều 3.3).
	Band Star `json:"band"`
	// Marks lists every star mark of the scorecard, by level then in
	// scorecard order.
	Marks []MarkCheck `json:"marks"`
	Met   MarksMet    `json:"met"`
	// Gate is the band combined with the marks (GateStar).
	Gate Gate `json:"gate"`
	// Gates lists the gates any member recorded; those Applied stop or
	// reject the dossier.
	Gates []GateFinding `json:"gates,omitempty"`
	// Star is the star awarded: Gate.Star, or NoStar when a scorecard gate
	// applies.
	Star    Star    `json:"star"`
	Outcome Outcome `json:"outcome"`
}

// Rejected reports whether an applied gate rejects the dossier.
func (r *Result) Rejected() bool { return r.applied(GateReject) }

// Stopped reports whether an applied gate stopped the evaluation.
func (r *Result) Stopped() bool { return r.applied(GateStop) }

func (r *Result) applied(kind string) bool {
	for _, g := range r.Gates {
		if g.Applied && g.Kind == kind {
			return true
		}
	}
	return false
}

// MarksAt returns the marks of one level.
func (r *Result) MarksAt(level Star) []MarkCheck {
	var out []MarkCheck
	for _, m := range r.Marks {
		if m.Level == level {
			out = append(out, m)
		}
	}
	return out
}

// Missed returns the marks of one level that were not met.
func (r *Result) Missed(level Star) []MarkCheck {
	var out []MarkCheck
	for _, m := range r.MarksAt(level) {
		if !m.Met {
			out = append(out, m)
		}
	}
	return out
}

// StrictMajority reports whether n of total is more than half.
func StrictMajority(n, total int) bool { return total > 0 && 2*n > total }

// optionPoints reads an option's points; an empty cell counts 0.
func optionPoints(o *Option) int {
	if o.Points.OK {
		return o.Points.Value
	}
	return 0
}

func optionRef(o *Option) OptionRef {
	return OptionRef{ID: o.ID, Position: o.Position, Text: o.Text, Points: optionPoints(o), Case: o.Case}
}

// criterionOption returns the option of c with the id.
func criterionOption(c *Criterion, id int64) (*Option, bool) {
	for i := range c.Options {
		if c.Options[i].ID == id {
			return &c.Options[i], true
		}
	}
	return nil, false
}

// Reaches reports whether a member's choice on criterion c reaches the
// option marked for a star: it is that option, or scores more points; an
// option of another alternative case (set 26) reaches it with at least as
// many points, since the two lists are alternatives on the same scale.
func Reaches(c *Criterion, ch Choice, marked *Option) bool {
	need := optionPoints(marked)
	if ch.OptionID == marked.ID {
		return ch.Points >= need
	}
	if ch.Points > need {
		return true
	}
	if o, ok := criterionOption(c, ch.OptionID); ok && o.Case != 0 && marked.Case != 0 && o.Case != marked.Case {
		return ch.Points >= need
	}
	return false
}

// ConsensusChoice returns the lower median of the members' choices on a
// criterion, options ordered by points and then by position: the choice
// that a strict majority reached or passed.
func ConsensusChoice(c *Criterion, choices []Choice) Choice {
	if len(choices) == 0 {
		return Choice{}
	}
	pos := func(ch Choice) int {
		if o, ok := criterionOption(c, ch.OptionID); ok {
			return o.Position
		}
		return 0
	}
	sorted := slices.Clone(choices)
	slices.SortStableFunc(sorted, func(a, b Choice) int {
		return cmp.Or(cmp.Compare(a.Points, b.Points), cmp.Compare(pos(a), pos(b)))
	})
	return sorted[(len(sorted)-1)/2]
}

// ComputeResult applies the rules to the submitted sheets of a dossier on
// its scorecard: the mean and part means of the members' totals, the
// band, each star mark by the majority rule (see the top of this file),
// GateStar, the scorecard gates by the same rule, and the outcome at the
// council's level (ProvinceOutcome, or CentralOutcome for the Ministry's
// council). Every sheet must answer every criterion with one of its
// options.
func ComputeResult(set *CriteriaSet, level Level, sheets []MemberSheet) (Result, error) {
	if len(sheets) == 0 {
		return Result{}, apperr.New(apperr.Conflict, "council.err_no_sheets")
	}
	r := Result{Level: level, Members: len(sheets)}
	// Check every choice and add up the totals.
	var totals []float64
	var parts PartScores
	for _, sh := range sheets {
		t := MemberTotal{MemberID: sh.MemberID, Name: sh.Name}
		var err error
		set.Each(func(p *Part, _ *Section, c *Criterion) {
			if err != nil {
				return
			}
			ch, ok := sh.Choices[c.ID]
			if !ok {
				err = apperr.New(apperr.Conflict, "council.err_sheet_incomplete", sh.Name, c.No)
				return
			}
			if err = checkChoice(c, ch); err != nil {
				return
			}
			t.Total += ch.Points
			switch p.Code {
			case "A":
				t.A += ch.Points
			case "B":
				t.B += ch.Points
			case "C":
				t.C += ch.Points
			}
		})
		if err != nil {
			return Result{}, err
		}
		r.Totals = append(r.Totals, t)
		totals = append(totals, float64(t.Total))
		parts.A += float64(t.A)
		parts.B += float64(t.B)
		parts.C += float64(t.C)
	}
	n := float64(len(sheets))
	r.Mean, _ = Mean(totals)
	r.Parts = PartScores{A: parts.A / n, B: parts.B / n, C: parts.C / n}
	r.Band = Band(r.Mean)

	// The star marks, level by level, and the gates.
	met := map[Star]bool{Star3: true, Star4: true, Star5: true}
	for _, level := range []Star{Star3, Star4, Star5} {
		set.Each(func(_ *Part, _ *Section, c *Criterion) {
			for i := range c.Options {
				marked := &c.Options[i]
				if Star(marked.Star) != level {
					continue
				}
				choices := make([]Choice, len(sheets))
				reached := 0
				for k, sh := range sheets {
					choices[k] = sh.Choices[c.ID]
					if Reaches(c, choices[k], marked) {
						reached++
					}
				}
				cons := ConsensusChoice(c, choices)
				mc := MarkCheck{Level: level, CriterionID: c.ID, No: c.No, Title: c.Title, Required: optionRef(marked),
					Reached: reached, Members: len(sheets), Met: StrictMajority(reached, len(sheets))}
				if o, ok := criterionOption(c, cons.OptionID); ok {
					mc.Consensus = optionRef(o)
					mc.Consensus.Points = cons.Points
				}
				r.Marks = append(r.Marks, mc)
				if !mc.Met {
					met[level] = false
				}
			}
		})
	}
	r.Met = MarksMet{Three: met[Star3], Four: met[Star4], Five: met[Star5]}
	r.Gate = GateStar(r.Band, r.Met)
	r.Star = r.Gate.Star

	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		if c.Gate == "" {
			return
		}
		hits := 0
		for _, sh := range sheets {
			if sh.Choices[c.ID].GateHit {
				hits++
			}
		}
		if hits == 0 {
			return
		}
		g := GateFinding{CriterionID: c.ID, No: c.No, Title: c.Title, Kind: c.Gate, Note: c.Notes, Hits: hits, Members: len(sheets),
			Applied: StrictMajority(hits, len(sheets))}
		if g.Note == "" {
			// Sets 21 and 22 print the gate inside an option.
			for _, o := range c.Options {
				if gateOf(&Criterion{Options: []Option{o}}) != "" {
					g.Note = o.Text
				}
			}
		}
		r.Gates = append(r.Gates, g)
	})
	switch {
	case r.Rejected() || r.Stopped():
		r.Star = NoStar
		r.Outcome = Outcome{Kind: OutcomeNoCertificate, Star: NoStar}
	case level == LevelMinistry:
		r.Outcome = CentralOutcome(r.Gate)
	default:
		r.Outcome = ProvinceOutcome(r.Gate)
	}
	return r, nil
}

// checkChoice checks that a choice is one of the criterion's options with
// its points (or "not met" on a yes/no criterion).
func checkChoice(c *Criterion, ch Choice) error {
	o, ok := criterionOption(c, ch.OptionID)
	if !ok {
		return apperr.New(apperr.Invalid, "council.err_option_not_in_criterion", c.No)
	}
	if ch.Points != optionPoints(o) && !(c.YesNo && ch.Points == 0) {
		return apperr.New(apperr.Invalid, "council.err_option_not_in_criterion", c.No)
	}
	if ch.GateHit && c.Gate == "" {
		return apperr.New(apperr.Invalid, "council.err_no_gate", c.No)
	}
	return nil
}

// CloseReport says what closing a council did.
type CloseReport struct {
	Dossiers int `json:"dossiers"`
	// Absent lists, for each dossier label, the scoring members whose
	// sheet was missing when the chair closed anyway.
	Absent map[string][]string `json:"absent,omitempty"`
}

// CloseCouncil is the chair closing scoring (Điều 7.3.d: the council meets
// and proposes; with written opinions, the chair collects them). Every
// dossier before the council needs at least one submitted sheet, and by
// default every scoring member's sheet; force closes without the sheets of
// absent members, who are named in the dossier's event. For each dossier it
// computes the result (ComputeResult), stores it and moves the dossier to
// scored (ActClose) with its event and audit row; the council is closed.
// All of it is one transaction: either the whole council closes or nothing
// changes.
func (s *Service) CloseCouncil(ctx context.Context, p *account.Principal, councilID int64, force bool) (CloseReport, error) {
	if p == nil {
		return CloseReport{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	var rep CloseReport
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.loadCouncil(ctx, tx, councilID, false)
		if err != nil {
			return err
		}
		if m, ok := c.Member(p.UserID); !ok || m.Role != CouncilRoleChair {
			return apperr.New(apperr.Forbidden, "council.err_not_chair")
		}
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		// The dossiers and sheets are read once the council row is locked,
		// so sheets submitted meanwhile count and none can come after.
		if c.Dossiers, err = councilDossiers(ctx, tx, councilID); err != nil {
			return err
		}
		if err := s.councilProgress(ctx, tx, &c); err != nil {
			return err
		}
		if len(c.Dossiers) == 0 {
			return apperr.New(apperr.Conflict, "council.err_close_empty")
		}
		var none, missing []string
		rep.Absent = map[string][]string{}
		for i := range c.Dossiers {
			d := &c.Dossiers[i]
			var absent []string
			for _, pr := range d.Progress {
				if !pr.Submitted {
					absent = append(absent, pr.Name)
				}
			}
			switch {
			case d.Submitted() == 0:
				none = append(none, d.Label())
			case len(absent) > 0:
				missing = append(missing, d.Label()+" ("+strings.Join(absent, ", ")+")")
				rep.Absent[d.Label()] = absent
			}
		}
		if len(none) > 0 {
			return apperr.New(apperr.Conflict, "council.err_close_no_sheet", strings.Join(none, "; "))
		}
		if len(missing) > 0 && !force {
			return apperr.New(apperr.Conflict, "council.err_close_missing", strings.Join(missing, "; "))
		}
		results, err := s.councilResults(ctx, tx, &c)
		if err != nil {
			return err
		}
		now := s.stampNow()
		for i := range c.Dossiers {
			d := &c.Dossiers[i]
			r := results[d.ID]
			expl, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO results (council_id, dossier_id, level, members, mean, part_a, part_b, part_c, band, star,
				outcome, explanation, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.ID, d.ID, string(c.Level), r.Members, r.Mean, r.Parts.A, r.Parts.B, r.Parts.C, int(r.Band), int(r.Star),
				string(r.Outcome.Kind), string(expl), now); err != nil {
				return err
			}
			row, err := councilDossierLoad(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			note := fmt.Sprintf("%s: %s điểm, %d★", c.Name, formatScore(r.Mean), int(r.Star))
			if a := rep.Absent[d.Label()]; len(a) > 0 {
				note += "; vắng: " + strings.Join(a, ", ")
			}
			if err := s.councilMove(ctx, tx, p, row, ActClose, note, map[string]any{"council_id": c.ID, "mean": r.Mean,
				"band": r.Band, "star": r.Star, "outcome": r.Outcome.Kind, "members": r.Members, "absent": rep.Absent[d.Label()]}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE councils SET status = 'closed' WHERE id = ?", c.ID); err != nil {
			return err
		}
		rep.Dossiers = len(c.Dossiers)
		return account.Audit(ctx, tx, p, "council.close", "council", c.ID, "", map[string]any{"status": CouncilScoring},
			map[string]any{"status": CouncilClosed, "dossiers": rep.Dossiers, "forced": force && len(rep.Absent) > 0, "absent": rep.Absent})
	})
	if err != nil {
		return CloseReport{}, err
	}
	return rep, nil
}

// formatScore prints a mean for the dossier's record, in Vietnamese with a
// decimal comma, truncated to hundredths (ScoreHundredths) so that the
// figure never crosses a band boundary the mean did not.
func formatScore(mean float64) string {
	h := ScoreHundredths(mean)
	return fmt.Sprintf("%d,%02d", h/100, h%100)
}

// councilResults computes the result of every dossier before a council
// from the submitted sheets: one query for all the scores, one tree load
// per scorecard version.
func (s *Service) councilResults(ctx context.Context, q db.Queryer, c *Council) (map[int64]Result, error) {
	sets := map[int64]*CriteriaSet{}
	var ids []CriteriaSet
	for _, d := range c.Dossiers {
		if _, ok := sets[d.SetID]; !ok {
			sets[d.SetID] = nil
			row, err := loadSetRow(ctx, q, d.SetID)
			if err != nil {
				return nil, err
			}
			ids = append(ids, row)
		}
	}
	if err := loadTrees(ctx, q, ids); err != nil {
		return nil, err
	}
	for i := range ids {
		sets[ids[i].ID] = &ids[i]
	}
	names := map[int64]string{}
	for _, m := range c.Members {
		names[m.UserID] = m.Name
	}
	type key struct{ dossier, member int64 }
	sheets := map[key]*MemberSheet{}
	var order []key
	rows, err := q.QueryContext(ctx, `SELECT s.dossier_id, s.member_id, s.criterion_id, s.option_id, s.points, s.gate_hit
		FROM scores s JOIN score_sheets h ON h.council_id = s.council_id AND h.dossier_id = s.dossier_id AND h.member_id = s.member_id
		WHERE s.council_id = ? ORDER BY s.dossier_id, s.member_id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var crit int64
		var ch Choice
		if err := rows.Scan(&k.dossier, &k.member, &crit, &ch.OptionID, &ch.Points, &ch.GateHit); err != nil {
			return nil, err
		}
		sh, ok := sheets[k]
		if !ok {
			sh = &MemberSheet{MemberID: k.member, Name: names[k.member], Choices: map[int64]Choice{}}
			sheets[k] = sh
			order = append(order, k)
		}
		sh.Choices[crit] = ch
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byDossier := map[int64][]MemberSheet{}
	for _, k := range order {
		byDossier[k.dossier] = append(byDossier[k.dossier], *sheets[k])
	}
	out := map[int64]Result{}
	for _, d := range c.Dossiers {
		r, err := ComputeResult(sets[d.SetID], c.Level, byDossier[d.ID])
		if err != nil {
			return nil, fmt.Errorf("result of dossier %d: %w", d.ID, err)
		}
		out[d.ID] = r
	}
	return out, nil
}

// ResultView is the result screen of a dossier: the dossier, the council,
// the scorecard and the stored result, with the other results of the same
// dossier (a provincial then a central council).
type ResultView struct {
	Dossier    CouncilDossier `json:"dossier"`
	CouncilID  int64          `json:"council_id"`
	Council    string         `json:"council"`
	DecisionNo string         `json:"decision_no"`
	Written    bool           `json:"written"`
	ComputedAt time.Time      `json:"computed_at"`
	Result     Result         `json:"result"`
	// ShowMembers is true for the office and the council's members, who
	// see each member's name with their total; others see the totals
	// without names.
	ShowMembers bool `json:"show_members"`
	// Earlier lists the other councils that rated the dossier.
	Earlier []ResultRef `json:"earlier,omitempty"`
}

// ResultRef is another result of the same dossier.
type ResultRef struct {
	CouncilID int64   `json:"council_id"`
	Council   string  `json:"council"`
	Level     Level   `json:"level"`
	Mean      float64 `json:"mean"`
	Star      Star    `json:"star"`
}

// resultReleased are the states in which the producer and the commune may
// see the result: once the chair has closed scoring.
var resultReleased = []State{StateScored, StateToMinistry, StateCentral, StateCertified, StateFailed}

// DossierResult returns the latest result of a dossier (or the one of
// councilID when not 0) for the result screen. The office sees every
// result, a council's members that council's results; the producer and the
// officer of the dossier's commune see it once the chair has closed
// scoring.
func (s *Service) DossierResult(ctx context.Context, p *account.Principal, dossierID, councilID int64) (ResultView, error) {
	if p == nil {
		return ResultView{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	d, err := councilDossierLoad(ctx, s.db, dossierID)
	if err != nil {
		return ResultView{}, err
	}
	// The councils that rated the dossier, newest first, and whether p sat
	// on each.
	rows, err := s.db.QueryContext(ctx, `SELECT r.council_id, c.name, c.decision_no, c.written, r.level, r.mean, r.star, r.explanation, r.computed_at,
		EXISTS (SELECT 1 FROM council_members m WHERE m.council_id = r.council_id AND m.user_id = ?)
		FROM results r JOIN councils c ON c.id = r.council_id WHERE r.dossier_id = ? ORDER BY r.computed_at DESC, r.council_id DESC`, p.UserID, dossierID)
	if err != nil {
		return ResultView{}, err
	}
	defer rows.Close()
	type found struct {
		ref        ResultRef
		decisionNo string
		written    bool
		expl       string
		at         time.Time
		member     bool
	}
	var all []found
	member := false
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.ref.CouncilID, &f.ref.Council, &f.decisionNo, &f.written, &f.ref.Level, &f.ref.Mean, &f.ref.Star, &f.expl, &f.at, &f.member); err != nil {
			return ResultView{}, err
		}
		member = member || f.member
		all = append(all, f)
	}
	if err := rows.Err(); err != nil {
		return ResultView{}, err
	}
	rows.Close()
	released := slices.Contains(resultReleased, d.State)
	switch {
	case p.Province():
	case member:
	case (p.ActsFor(d.Producer) || p.InCommune(d.Commune)) && released:
	case p.ActsFor(d.Producer) || p.InCommune(d.Commune):
		return ResultView{}, apperr.New(apperr.Forbidden, "council.err_result_not_released")
	default:
		if on, err := councilSeated(ctx, s.db, p.UserID, dossierID); err != nil {
			return ResultView{}, err
		} else if on {
			// A member of the council the dossier is before: the result
			// exists once the chair closes.
			return ResultView{}, apperr.New(apperr.NotFound, "council.err_no_result")
		}
		return ResultView{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	pick := -1
	for i, f := range all {
		if (councilID == 0 || f.ref.CouncilID == councilID) && (p.Province() || f.member || released) {
			pick = i
			break
		}
	}
	if pick < 0 {
		return ResultView{}, apperr.New(apperr.NotFound, "council.err_no_result")
	}
	f := all[pick]
	v := ResultView{CouncilID: f.ref.CouncilID, Council: f.ref.Council, DecisionNo: f.decisionNo, Written: f.written, ComputedAt: f.at,
		ShowMembers: p.Province() || f.member}
	if err := json.Unmarshal([]byte(f.expl), &v.Result); err != nil {
		return ResultView{}, fmt.Errorf("result of dossier %d: %w", dossierID, err)
	}
	for i, o := range all {
		if i != pick {
			v.Earlier = append(v.Earlier, o.ref)
		}
	}
	ds, err := councilDossiers(ctx, s.db, f.ref.CouncilID)
	if err != nil {
		return ResultView{}, err
	}
	for _, x := range ds {
		if x.ID == dossierID {
			v.Dossier = x
		}
	}
	if !v.ShowMembers {
		for i := range v.Result.Totals {
			v.Result.Totals[i].Name = ""
			v.Result.Totals[i].MemberID = 0
		}
	}
	return v, nil
}

// councilSeated reports whether a user sits on a council the dossier is
// before.
func councilSeated(ctx context.Context, q db.Queryer, userID, dossierID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM council_dossiers cd JOIN council_members m ON m.council_id = cd.council_id
		WHERE cd.dossier_id = ? AND m.user_id = ?`, dossierID, userID).Scan(&n)
	return n > 0, err
}
