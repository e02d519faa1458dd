package evaluation

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// This file is the upgrade advisor (tư vấn nâng hạng): for a product rated
// on its own scorecard, what stands between it and the next star, and what
// to improve first. Advise is a pure function over a scorecard and the
// option chosen on each criterion; DossierAdvice feeds it a dossier's
// council scores or, before the council, its self-assessment.

// AdviceCriterion names a criterion in advice.
type AdviceCriterion struct {
	ID      int64  `json:"id"`
	No      string `json:"no"`
	Title   string `json:"title"`
	Part    string `json:"part"`
	Section string `json:"section"`
	Max     int    `json:"max"`
}

// AdviceOption is an answer option in advice, with its points.
type AdviceOption struct {
	ID     int64  `json:"id"`
	Text   string `json:"text"`
	Points int    `json:"points"`
	// Star is the option's mark (3, 4, 5: the minimum for that star), 0 for
	// none.
	Star int `json:"star,omitempty"`
}

// MarkGap is a starred option not yet reached: the product cannot have
// Level stars until its option on Criterion reaches Required.
type MarkGap struct {
	Level     Star            `json:"level"`
	Criterion AdviceCriterion `json:"criterion"`
	// Current is the chosen option (nil when the criterion is not scored or
	// not met).
	Current  *AdviceOption `json:"current,omitempty"`
	Required AdviceOption  `json:"required"`
	// Gain is the points reaching Required adds.
	Gain int `json:"gain"`
}

// Step is one improvement: move Criterion from From (nil: nothing) to To,
// adding Gain points. ForMark is the star level whose minimum the step
// reaches (0 when it is for points only).
type Step struct {
	Criterion AdviceCriterion `json:"criterion"`
	From      *AdviceOption   `json:"from,omitempty"`
	To        AdviceOption    `json:"to"`
	Gain      int             `json:"gain"`
	ForMark   Star            `json:"for_mark,omitempty"`
}

// Advice is what stands between a product and the next star on its own
// scorecard, and what to improve first.
type Advice struct {
	// Current is the star the product has now.
	Current Star `json:"current"`
	// Target is the next star worth having: Current+1, but at least 3★
	// (1★ and 2★ bring no certificate, Điều 4.1.a); 0 at 5★.
	Target Star `json:"target"`
	// Score is the product's score: the council's mean, or the total of
	// the chosen options.
	Score float64 `json:"score"`
	// Threshold is the lowest score of the Target band (Điều 3.3), and
	// PointsMissing how far Score is below it (0 when the band is already
	// reached and only starred options hold the product back).
	Threshold     float64 `json:"threshold"`
	PointsMissing float64 `json:"points_missing"`
	// MissingMarks are the starred options of every level up to Target
	// not yet reached (GateStar needs them all), in scorecard order.
	MissingMarks []MarkGap `json:"missing_marks"`
	// Improvements are every criterion whose next option adds points,
	// ranked by the points it adds (largest first, then scorecard order).
	Improvements []Step `json:"improvements"`
	// Plan is a short path to Target: first every missing starred option,
	// then the largest next-option gains until the band is reached.
	// PlanScore is Score plus the plan's gains (as if every council member
	// moved to the planned options); PlanReaches says whether the plan
	// reaches Target (false when the scorecard cannot give enough points).
	Plan        []Step  `json:"plan"`
	PlanScore   float64 `json:"plan_score"`
	PlanReaches bool    `json:"plan_reaches"`
	// Unscored is the number of criteria with no chosen option.
	Unscored int `json:"unscored"`
}

// BandFloor is the lowest score of a star's band (Điều 3.3): 90 for 5★,
// 70 for 4★, 50 for 3★, 30 for 2★, 0 for 1★. It is the inverse of Band.
func BandFloor(s Star) float64 {
	switch {
	case s >= Star5:
		return 90
	case s == Star4:
		return 70
	case s == Star3:
		return 50
	case s == Star2:
		return 30
	}
	return 0
}

// advPoints is what an option is worth (an empty points cell is 0).
func advPoints(o *Option) int {
	if o == nil || !o.Points.OK {
		return 0
	}
	return o.Points.Value
}

func advOption(o *Option) *AdviceOption {
	if o == nil {
		return nil
	}
	return &AdviceOption{ID: o.ID, Text: o.Text, Points: advPoints(o), Star: o.Star}
}

// advChosen returns the chosen option of a criterion, or nil.
func advChosen(c *Criterion, chosen map[int64]int64) *Option {
	id, ok := chosen[c.ID]
	if !ok {
		return nil
	}
	for i := range c.Options {
		if c.Options[i].ID == id {
			return &c.Options[i]
		}
	}
	return nil
}

// advSameCase reports whether option o may be chosen alongside cur: in set
// 26 an assessor picks within one alternative case only.
func advSameCase(cur, o *Option) bool {
	return cur == nil || cur.Case == 0 || o.Case == 0 || cur.Case == o.Case
}

// advRequired returns the option a criterion marks as the minimum for a
// star level: the lowest-scoring option carrying that mark (nil when the
// level marks nothing there). In set 26 the mark of one alternative case
// is a minimum on the common scale for the other case too (see Reaches).
func advRequired(c *Criterion, level Star) *Option {
	var req *Option
	for i := range c.Options {
		o := &c.Options[i]
		if Star(o.Star) != level {
			continue
		}
		if req == nil || advPoints(o) < advPoints(req) {
			req = o
		}
	}
	return req
}

// advReaches reports whether the chosen option reaches a marked minimum,
// by the rule the council's result uses (Reaches).
func advReaches(c *Criterion, cur, req *Option) bool {
	return cur != nil && Reaches(c, Choice{OptionID: cur.ID, Points: advPoints(cur)}, req)
}

// AdviseMarks says which star levels' minimum options the chosen options
// reach on the scorecard (the input of GateStar), by the rule of the
// council's result (Reaches): the chosen option is the marked one or
// scores more points (in set 26, an option of the other case scores at
// least as many).
func AdviseMarks(set *CriteriaSet, chosen map[int64]int64) MarksMet {
	met := MarksMet{Three: true, Four: true, Five: true}
	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		cur := advChosen(c, chosen)
		for _, level := range []Star{Star3, Star4, Star5} {
			if req := advRequired(c, level); req != nil && !advReaches(c, cur, req) {
				switch level {
				case Star3:
					met.Three = false
				case Star4:
					met.Four = false
				case Star5:
					met.Five = false
				}
			}
		}
	})
	return met
}

// AdviseTotal adds up the points of the chosen options.
func AdviseTotal(set *CriteriaSet, chosen map[int64]int64) int {
	total := 0
	set.Each(func(_ *Part, _ *Section, c *Criterion) { total += advPoints(advChosen(c, chosen)) })
	return total
}

// Advise is AdviseScore with the score of the chosen options themselves
// (a self-assessment).
func Advise(set *CriteriaSet, chosen map[int64]int64, current Star) Advice {
	return AdviseScore(set, chosen, current, float64(AdviseTotal(set, chosen)))
}

// AdviseScore tells what stands between a product and the next star on
// its scorecard set, given the option chosen on each criterion (criterion
// id → option id; a criterion left out is unscored or not met), the star
// it has now and its score (a council's mean may differ from the total of
// any one set of options).
func AdviseScore(set *CriteriaSet, chosen map[int64]int64, current Star, score float64) Advice {
	a := Advice{Current: current, Score: score}
	if current < Star5 {
		a.Target = max(current+1, Star3)
		a.Threshold = BandFloor(a.Target)
		a.PointsMissing = max(0, a.Threshold-score)
	}
	type crit struct {
		ref AdviceCriterion
		c   *Criterion
		cur *Option
	}
	var crits []*crit
	set.Each(func(p *Part, sec *Section, c *Criterion) {
		x := &crit{ref: AdviceCriterion{ID: c.ID, No: c.No, Title: c.Title, Part: p.Code, Section: sec.Title, Max: c.MaxPoints()}, c: c, cur: advChosen(c, chosen)}
		if x.cur == nil {
			a.Unscored++
		}
		crits = append(crits, x)
	})
	// next is the option that adds the fewest points above cur (the next
	// rung of the criterion), within cur's case.
	next := func(c *Criterion, cur *Option) *Option {
		var best *Option
		for i := range c.Options {
			o := &c.Options[i]
			if !advSameCase(cur, o) || advPoints(o) <= advPoints(cur) || cur != nil && o.ID == cur.ID {
				continue
			}
			if best == nil || advPoints(o) < advPoints(best) {
				best = o
			}
		}
		return best
	}
	for _, x := range crits {
		if o := next(x.c, x.cur); o != nil {
			a.Improvements = append(a.Improvements, Step{Criterion: x.ref, From: advOption(x.cur), To: *advOption(o),
				Gain: advPoints(o) - advPoints(x.cur), ForMark: Star(o.Star)})
		}
	}
	slices.SortStableFunc(a.Improvements, func(p, q Step) int { return cmp.Compare(q.Gain, p.Gain) })
	if a.Target == NoStar {
		return a
	}
	// Missing marks, and the first part of the plan: for each criterion,
	// the highest requirement among the levels it misses.
	state := map[int64]*Option{}
	a.PlanScore = score
	for _, x := range crits {
		state[x.c.ID] = x.cur
		var planTo *Option
		var planLevel Star
		for level := Star3; level <= a.Target; level++ {
			req := advRequired(x.c, level)
			if req == nil || advReaches(x.c, x.cur, req) {
				continue
			}
			a.MissingMarks = append(a.MissingMarks, MarkGap{Level: level, Criterion: x.ref, Current: advOption(x.cur),
				Required: *advOption(req), Gain: max(0, advPoints(req)-advPoints(x.cur))})
			if planTo == nil || advPoints(req) >= advPoints(planTo) {
				planTo, planLevel = req, level
			}
		}
		if planTo != nil {
			gain := max(0, advPoints(planTo)-advPoints(x.cur))
			a.Plan = append(a.Plan, Step{Criterion: x.ref, From: advOption(x.cur), To: *advOption(planTo), Gain: gain, ForMark: planLevel})
			a.PlanScore += float64(gain)
			state[x.c.ID] = planTo
		}
	}
	// Then the largest next-option gains until the band is reached.
	for a.PlanScore < a.Threshold {
		var best *crit
		var bestTo *Option
		for _, x := range crits {
			o := next(x.c, state[x.c.ID])
			if o == nil {
				continue
			}
			if bestTo == nil || advPoints(o)-advPoints(state[x.c.ID]) > advPoints(bestTo)-advPoints(state[best.c.ID]) {
				best, bestTo = x, o
			}
		}
		if best == nil {
			break
		}
		from := state[best.c.ID]
		gain := advPoints(bestTo) - advPoints(from)
		a.Plan = append(a.Plan, Step{Criterion: best.ref, From: advOption(from), To: *advOption(bestTo), Gain: gain, ForMark: Star(bestTo.Star)})
		a.PlanScore += float64(gain)
		state[best.c.ID] = bestTo
	}
	a.PlanReaches = a.PlanScore >= a.Threshold
	return a
}

// DossierAdvice is the advice for one dossier, with where it comes from.
type DossierAdvice struct {
	Advice
	DossierID    int64       `json:"dossier_id"`
	RegNo        string      `json:"reg_no"`
	Kind         DossierKind `json:"kind"`
	State        State       `json:"state"`
	ProductID    int64       `json:"product_id"`
	ProductName  string      `json:"product_name"`
	ProducerID   int64       `json:"producer_id"`
	ProducerName string      `json:"producer_name"`
	CommuneCode  string      `json:"commune_code"`
	SetNo        int         `json:"set_no"`
	SetName      string      `json:"set_name"`
	SetVersion   int         `json:"set_version"`
	// Source is "council" (the latest council's scores: per criterion the
	// members' median option, the result's mean and star) or "self" (the
	// producer's self-assessment).
	Source string `json:"source"`
	Level  Level  `json:"level,omitempty"`
	// Members is the number of council members whose scores were used.
	Members int `json:"members,omitempty"`
}

// Advice sources.
const (
	AdviceFromCouncil = "council"
	AdviceFromSelf    = "self"
)

// DossierAdvice returns the upgrade advice for a dossier, for the
// producer, the officer of its commune and the province. A scored dossier
// is advised on its latest council's scores; before that, on the
// self-assessment.
func (s *Service) DossierAdvice(ctx context.Context, p *account.Principal, dossierID int64) (DossierAdvice, error) {
	var d DossierAdvice
	if p == nil {
		return d, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	var setID int64
	var kind, state string
	err := s.db.QueryRowContext(ctx, `SELECT d.id, COALESCE(d.reg_no, ''), d.kind, d.state, d.product_id, p.name, d.producer_id, pr.name,
			d.commune_code, d.criteria_set_id
		FROM dossiers d JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id WHERE d.id = ?`, dossierID).Scan(
		&d.DossierID, &d.RegNo, &kind, &state, &d.ProductID, &d.ProductName, &d.ProducerID, &d.ProducerName, &d.CommuneCode, &setID)
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.New(apperr.NotFound, "cert.err_dossier_not_found")
	}
	if err != nil {
		return d, err
	}
	if !p.Province() && !p.InCommune(d.CommuneCode) && !p.ActsFor(d.ProducerID) {
		return d, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	d.Kind, d.State = DossierKind(kind), State(state)
	set, err := loadSet(ctx, s.db, setID)
	if err != nil {
		return d, err
	}
	d.SetNo, d.SetName, d.SetVersion = set.SetNo, set.Name, set.Version
	yesNo := map[int64]bool{}
	set.Each(func(_ *Part, _ *Section, c *Criterion) { yesNo[c.ID] = c.YesNo })

	var councilID int64
	var level string
	var mean float64
	var star int
	err = s.db.QueryRowContext(ctx, `SELECT council_id, level, mean, star FROM results WHERE dossier_id = ?
		ORDER BY computed_at DESC, council_id DESC LIMIT 1`, dossierID).Scan(&councilID, &level, &mean, &star)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return d, err
	default:
		chosen, members, err := s.advCouncilChoices(ctx, set, councilID, dossierID)
		if err != nil {
			return d, err
		}
		if members > 0 {
			d.Source, d.Level, d.Members = AdviceFromCouncil, Level(level), members
			d.Advice = AdviseScore(set, chosen, Star(star), mean)
			return d, nil
		}
	}
	chosen := map[int64]int64{}
	rows, err := s.db.QueryContext(ctx, "SELECT criterion_id, option_id, points FROM self_scores WHERE dossier_id = ?", dossierID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, o int64
		var pts int
		if err := rows.Scan(&c, &o, &pts); err != nil {
			return d, err
		}
		if yesNo[c] && pts == 0 {
			continue // the single option of a yes/no criterion, not met
		}
		chosen[c] = o
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	d.Source = AdviceFromSelf
	total := AdviseTotal(set, chosen)
	g := GateStar(Band(float64(total)), AdviseMarks(set, chosen))
	d.Advice = AdviseScore(set, chosen, g.Star, float64(total))
	return d, nil
}

// advCouncilChoices reduces the submitted sheets of a council to one
// option per criterion, the consensus the result screen shows
// (ConsensusChoice: the lower median member's option). It returns the
// choices and the number of members whose sheets were used.
func (s *Service) advCouncilChoices(ctx context.Context, set *CriteriaSet, councilID, dossierID int64) (map[int64]int64, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sc.member_id, sc.criterion_id, sc.option_id, sc.points FROM scores sc
		JOIN score_sheets sh ON sh.council_id = sc.council_id AND sh.dossier_id = sc.dossier_id AND sh.member_id = sc.member_id
		WHERE sc.council_id = ? AND sc.dossier_id = ?`, councilID, dossierID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	by := map[int64][]Choice{}
	members := map[int64]bool{}
	for rows.Next() {
		var m, c int64
		var ch Choice
		if err := rows.Scan(&m, &c, &ch.OptionID, &ch.Points); err != nil {
			return nil, 0, err
		}
		members[m] = true
		by[c] = append(by[c], ch)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	chosen := map[int64]int64{}
	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		if len(by[c.ID]) == 0 {
			return
		}
		if ch := ConsensusChoice(c, by[c.ID]); ch.OptionID != 0 && !(c.YesNo && ch.Points == 0) {
			chosen[c.ID] = ch.OptionID
		}
	})
	return chosen, len(members), nil
}
