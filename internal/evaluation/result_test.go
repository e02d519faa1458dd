package evaluation_test

import (
	"slices"
	"testing"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// embeddedSet returns an official scorecard as embedded in the binary, with
// ids numbered as a database would, so that sheets can refer to them.
func embeddedSet(t testing.TB, no int) *evaluation.CriteriaSet {
	t.Helper()
	sets, err := evaluation.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		if s.SetNo != no {
			continue
		}
		id := int64(0)
		s.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			id++
			c.ID = id * 100
			for i := range c.Options {
				c.Options[i].ID = c.ID + int64(c.Options[i].Position)
			}
		})
		return s
	}
	t.Fatalf("no scorecard %d", no)
	return nil
}

// answer is how a test writes one member's answer on one criterion:
// the option's position, 0 for "not met" on a yes/no criterion, and
// whether the member recorded the criterion's gate.
type answer struct {
	pos  int
	gate bool
}

// sheet is a member's sheet: the top option on every criterion, except
// the answers given by criterion number.
func sheet(t testing.TB, set *evaluation.CriteriaSet, name string, answers map[string]answer) evaluation.MemberSheet {
	t.Helper()
	sh := evaluation.MemberSheet{MemberID: int64(len(name)), Name: name, Choices: map[int64]evaluation.Choice{}}
	set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		best := &c.Options[0]
		for i := range c.Options {
			if c.Options[i].Points.Value > best.Points.Value {
				best = &c.Options[i]
			}
		}
		ch := evaluation.Choice{OptionID: best.ID, Points: best.Points.Value}
		if a, ok := answers[c.No]; ok {
			if a.pos == 0 {
				ch = evaluation.Choice{OptionID: c.Options[0].ID, Points: 0}
			} else {
				o, found := c.Option(a.pos)
				if !found {
					t.Fatalf("criterion %s has no option %d", c.No, a.pos)
				}
				ch = evaluation.Choice{OptionID: o.ID, Points: o.Points.Value}
			}
			ch.GateHit = a.gate
		}
		sh.Choices[c.ID] = ch
	})
	return sh
}

// markWant is what a test expects of one star mark: the members reaching
// it, whether it is met, and the consensus option's position.
type markWant struct {
	no      string
	level   evaluation.Star
	reached int
	met     bool
	chosen  int
}

func mark(r evaluation.Result, no string, level evaluation.Star) (evaluation.MarkCheck, bool) {
	for _, m := range r.Marks {
		if m.No == no && m.Level == level {
			return m, true
		}
	}
	return evaluation.MarkCheck{}, false
}

// The council's result on scorecard 7 (Chế biến từ rau, củ, quả, hạt).
// The mean of the members' totals gives the band (Điều 3.3); each star
// mark counts as met when a strict majority of the sheets reach it; the
// scorecard's gates apply on a strict majority too.
func TestComputeResult(t *testing.T) {
	set := embeddedSet(t, 7)
	top := map[string]answer{}
	for _, tt := range []struct {
		name    string
		level   evaluation.Level
		sheets  [][2]any // member name, answers
		mean    float64
		band    evaluation.Star
		star    evaluation.Star
		outcome evaluation.OutcomeKind
		missed  []evaluation.Star
		// checkMark: criterion, level, members reaching it, met.
		checkMark         *markWant
		rejected, stopped bool
	}{
		{name: "three members give the top option everywhere: 100 points, every mark met, potential 5★ proposed to the Ministry",
			level: evaluation.LevelProvince, sheets: [][2]any{{"An", top}, {"Bình", top}, {"Chi", top}},
			mean: 100, band: evaluation.Star5, star: evaluation.Star5, outcome: evaluation.OutcomeProposeFiveStar},
		{name: "only one of three reaches the 5★ option of 6.3 (color): 5★ mark missed, the 5★ band is certified 4★",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"6.3": {pos: 3}}}, {"Bình", map[string]answer{"6.3": {pos: 3}}}, {"Chi", top}},
			mean:   298.0 / 3, band: evaluation.Star5, star: evaluation.Star4, outcome: evaluation.OutcomeCertify, missed: []evaluation.Star{evaluation.Star5},
			checkMark: &markWant{"6.3", evaluation.Star5, 1, false, 3}},
		{name: "two of three reach the 5★ option of 6.3: the majority meets the mark, 5★",
			level: evaluation.LevelProvince, sheets: [][2]any{{"An", map[string]answer{"6.3": {pos: 3}}}, {"Bình", top}, {"Chi", top}},
			mean: 299.0 / 3, band: evaluation.Star5, star: evaluation.Star5, outcome: evaluation.OutcomeProposeFiveStar,
			checkMark: &markWant{"6.3", evaluation.Star5, 2, true, 4}},
		{name: "four members split two and two on 6.3: an even split does not establish the 5★ minimum",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"6.3": {pos: 3}}}, {"Bình", map[string]answer{"6.3": {pos: 3}}}, {"Chi", top}, {"Dũng", top}},
			mean:   99.5, band: evaluation.Star5, star: evaluation.Star4, outcome: evaluation.OutcomeCertify, missed: []evaluation.Star{evaluation.Star5}},
		{name: "the 4★ option of 1.5 (chain contracts) missed by the majority: a 5★ band is certified 3★",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"1.5": {pos: 2}}}, {"Bình", map[string]answer{"1.5": {pos: 2}}}, {"Chi", top}},
			mean:   296.0 / 3, band: evaluation.Star5, star: evaluation.Star3, outcome: evaluation.OutcomeCertify,
			missed: []evaluation.Star{evaluation.Star4, evaluation.Star5}},
		{name: "the 3★ option of 2.2 (packaging) missed by all: not an OCOP product, 2★, no certificate",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"2.2": {pos: 2}}}, {"Bình", map[string]answer{"2.2": {pos: 2}}}, {"Chi", map[string]answer{"2.2": {pos: 2}}}},
			mean:   98, band: evaluation.Star5, star: evaluation.Star2, outcome: evaluation.OutcomeNoCertificate,
			missed: []evaluation.Star{evaluation.Star3}},
		{name: "the yes/no bilingual label (2.4) not met costs its point only",
			level: evaluation.LevelProvince, sheets: [][2]any{{"An", map[string]answer{"2.4": {pos: 0}}}, {"Bình", top}, {"Chi", top}},
			mean: 299.0 / 3, band: evaluation.Star5, star: evaluation.Star5, outcome: evaluation.OutcomeProposeFiveStar},
		{name: "269 points over three members is 89.67, under 90: the 4★ band however it would round",
			level: evaluation.LevelProvince,
			sheets: [][2]any{
				{"An", map[string]answer{"4.3": {pos: 1}, "4.2": {pos: 1}, "5.2": {pos: 1}}},                   // 100 - 5 - 3 - 2 = 90
				{"Bình", map[string]answer{"4.3": {pos: 1}, "4.2": {pos: 1}, "5.2": {pos: 1}}},                 // 90
				{"Chi", map[string]answer{"4.3": {pos: 1}, "4.2": {pos: 1}, "5.2": {pos: 1}, "3.2": {pos: 1}}}, // 89
			},
			mean: 269.0 / 3, band: evaluation.Star4, star: evaluation.Star4, outcome: evaluation.OutcomeCertify},
		{name: "two of three record the rejection of 1.1 (wholly imported raw materials): rejected, no star",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"1.1": {pos: 3, gate: true}}}, {"Bình", map[string]answer{"1.1": {pos: 3, gate: true}}}, {"Chi", top}},
			mean:   100, band: evaluation.Star5, star: evaluation.NoStar, outcome: evaluation.OutcomeNoCertificate, rejected: true},
		{name: "one of three records the rejection of 1.1: noted, not applied",
			level: evaluation.LevelProvince, sheets: [][2]any{{"An", map[string]answer{"1.1": {pos: 1, gate: true}}}, {"Bình", top}, {"Chi", top}},
			mean: 298.0 / 3, band: evaluation.Star5, star: evaluation.Star5, outcome: evaluation.OutcomeProposeFiveStar},
		{name: "two of three record unacceptable impurities on 6.1: the evaluation stops, no certificate",
			level:  evaluation.LevelProvince,
			sheets: [][2]any{{"An", map[string]answer{"6.1": {pos: 1, gate: true}}}, {"Bình", map[string]answer{"6.1": {pos: 1, gate: true}}}, {"Chi", top}},
			mean:   296.0 / 3, band: evaluation.Star5, star: evaluation.NoStar, outcome: evaluation.OutcomeNoCertificate, stopped: true,
			missed: []evaluation.Star{evaluation.Star4}},
		{name: "the Ministry's council: 100 points with every mark met is certified 5★ by the Minister",
			level: evaluation.LevelMinistry, sheets: [][2]any{{"An", top}, {"Bình", top}, {"Chi", top}},
			mean: 100, band: evaluation.Star5, star: evaluation.Star5, outcome: evaluation.OutcomeCertify},
		{name: "the Ministry's council misses a 5★ mark: the province may certify 4★ on the central result",
			level:  evaluation.LevelMinistry,
			sheets: [][2]any{{"An", map[string]answer{"6.4": {pos: 2}}}, {"Bình", map[string]answer{"6.4": {pos: 2}}}, {"Chi", top}},
			mean:   298.0 / 3, band: evaluation.Star5, star: evaluation.Star4, outcome: evaluation.OutcomeProvinceMayCertify, missed: []evaluation.Star{evaluation.Star5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sheets []evaluation.MemberSheet
			for _, s := range tt.sheets {
				sheets = append(sheets, sheet(t, set, s[0].(string), s[1].(map[string]answer)))
			}
			r, err := evaluation.ComputeResult(set, tt.level, sheets)
			if err != nil {
				t.Fatal(err)
			}
			if r.Mean != tt.mean || r.Band != tt.band || r.Star != tt.star {
				t.Errorf("got mean %v band %d star %d, want mean %v band %d star %d", r.Mean, r.Band, r.Star, tt.mean, tt.band, tt.star)
			}
			if r.Outcome.Kind != tt.outcome {
				t.Errorf("got outcome %s, want %s", r.Outcome.Kind, tt.outcome)
			}
			if !slices.Equal(r.Gate.Missed, tt.missed) {
				t.Errorf("got missed levels %v, want %v", r.Gate.Missed, tt.missed)
			}
			if r.Rejected() != tt.rejected || r.Stopped() != tt.stopped {
				t.Errorf("got rejected %v stopped %v, want %v %v", r.Rejected(), r.Stopped(), tt.rejected, tt.stopped)
			}
			if m := tt.checkMark; m != nil {
				got, ok := mark(r, m.no, m.level)
				if !ok {
					t.Fatalf("no %d★ mark on %s", m.level, m.no)
				}
				if got.Reached != m.reached || got.Met != m.met || got.Consensus.Position != m.chosen {
					t.Errorf("mark %s %d★: got reached %d met %v consensus option %d, want %d %v %d",
						m.no, m.level, got.Reached, got.Met, got.Consensus.Position, m.reached, m.met, m.chosen)
				}
			}
			if r.Members != len(sheets) || len(r.Totals) != len(sheets) {
				t.Errorf("got %d members and %d totals, want %d", r.Members, len(r.Totals), len(sheets))
			}
		})
	}
}

// Part means are the means of the members' part totals.
func TestComputeResultParts(t *testing.T) {
	set := embeddedSet(t, 7)
	r, err := evaluation.ComputeResult(set, evaluation.LevelProvince, []evaluation.MemberSheet{
		sheet(t, set, "An", map[string]answer{"1.5": {pos: 1}, "4.3": {pos: 1}, "6.5": {pos: 1}}), // A 37, B 20, C 30
		sheet(t, set, "Bình", nil), // 40, 25, 35
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (evaluation.PartScores{A: 38.5, B: 22.5, C: 32.5}); r.Parts != want {
		t.Errorf("got parts %+v, want %+v", r.Parts, want)
	}
	if r.Totals[0].Total != 87 || r.Totals[0].A != 37 || r.Totals[1].Total != 100 {
		t.Errorf("got totals %+v", r.Totals)
	}
}

// A sheet that does not answer every criterion with one of its own
// options is refused: the result is never computed on a partial sheet.
func TestComputeResultRefuses(t *testing.T) {
	set := embeddedSet(t, 7)
	other := embeddedSet(t, 7)
	c, _, _ := other.Criterion("6.3")
	for _, tt := range []struct {
		name   string
		sheets func() []evaluation.MemberSheet
		code   apperr.Code
	}{
		{"no sheet at all", func() []evaluation.MemberSheet { return nil }, apperr.Conflict},
		{"a criterion left out", func() []evaluation.MemberSheet {
			sh := sheet(t, set, "An", nil)
			delete(sh.Choices, c.ID)
			return []evaluation.MemberSheet{sh}
		}, apperr.Conflict},
		{"an option of another criterion", func() []evaluation.MemberSheet {
			sh := sheet(t, set, "An", nil)
			sh.Choices[c.ID] = evaluation.Choice{OptionID: c.ID - 100 + 1, Points: 1}
			return []evaluation.MemberSheet{sh}
		}, apperr.Invalid},
		{"points that are not the option's", func() []evaluation.MemberSheet {
			sh := sheet(t, set, "An", nil)
			ch := sh.Choices[c.ID]
			ch.Points = 30
			sh.Choices[c.ID] = ch
			return []evaluation.MemberSheet{sh}
		}, apperr.Invalid},
		{"a gate recorded on a criterion without one", func() []evaluation.MemberSheet {
			sh := sheet(t, set, "An", nil)
			ch := sh.Choices[c.ID]
			ch.GateHit = true
			sh.Choices[c.ID] = ch
			return []evaluation.MemberSheet{sh}
		}, apperr.Invalid},
	} {
		_, err := evaluation.ComputeResult(set, evaluation.LevelProvince, tt.sheets())
		if got := apperr.CodeOf(err); got != tt.code {
			t.Errorf("%s: got %v (%v), want %s", tt.name, got, err, tt.code)
		}
	}
}

// The consensus option is the lower median member's: the option a strict
// majority reached or passed.
func TestConsensusChoice(t *testing.T) {
	set := embeddedSet(t, 7)
	c, _, _ := set.Criterion("6.5") // options 0, 1, 3, 5 points
	opt := func(pos int) evaluation.Choice {
		o, _ := c.Option(pos)
		return evaluation.Choice{OptionID: o.ID, Points: o.Points.Value}
	}
	for _, tt := range []struct {
		name   string
		chosen []int
		want   int
	}{
		{"one member", []int{2}, 2},
		{"three members: the middle one", []int{1, 4, 3}, 3},
		{"four members: the lower of the middle two", []int{4, 4, 2, 3}, 3},
		{"five members", []int{4, 1, 4, 2, 3}, 3},
		{"unanimous", []int{4, 4, 4}, 4},
	} {
		var chs []evaluation.Choice
		for _, p := range tt.chosen {
			chs = append(chs, opt(p))
		}
		if got := evaluation.ConsensusChoice(c, chs); got.OptionID != opt(tt.want).OptionID {
			t.Errorf("%s: got option %d, want option %d", tt.name, got.OptionID-c.ID, tt.want)
		}
	}
}

// Reaching a marked option: the option itself or one scoring more; in set
// 26 an option of the other alternative case with as many points.
func TestReaches(t *testing.T) {
	set := embeddedSet(t, 7)
	c, _, _ := set.Criterion("4.1") // 1, 2 (3★), 3 (4★), 5 (5★)
	m4, _ := c.Option(3)
	for _, tt := range []struct {
		pos  int
		want bool
	}{{1, false}, {2, false}, {3, true}, {4, true}} {
		o, _ := c.Option(tt.pos)
		if got := evaluation.Reaches(c, evaluation.Choice{OptionID: o.ID, Points: o.Points.Value}, m4); got != tt.want {
			t.Errorf("4.1 option %d reaches the 4★ option: got %v, want %v", tt.pos, got, tt.want)
		}
	}
	tour := embeddedSet(t, 26)
	k, _, _ := tour.Criterion("8") // case 1: 1, 3; case 2: 1, 3
	if len(k.Cases()) != 2 {
		t.Fatalf("set 26 criterion 8 has cases %v", k.Cases())
	}
	marked, _ := k.Option(2)
	other, _ := k.Option(4)
	low, _ := k.Option(3)
	if !evaluation.Reaches(k, evaluation.Choice{OptionID: other.ID, Points: 3}, marked) {
		t.Errorf("case 2's 3-point option does not reach case 1's 3-point option")
	}
	if evaluation.Reaches(k, evaluation.Choice{OptionID: low.ID, Points: 1}, marked) {
		t.Errorf("case 2's 1-point option reaches case 1's 3-point option")
	}
}

func TestStrictMajority(t *testing.T) {
	for _, tt := range []struct {
		n, of int
		want  bool
	}{{2, 3, true}, {1, 3, false}, {2, 4, false}, {3, 4, true}, {3, 5, true}, {1, 1, true}, {0, 0, false}, {1, 2, false}} {
		if got := evaluation.StrictMajority(tt.n, tt.of); got != tt.want {
			t.Errorf("%d of %d: got %v, want %v", tt.n, tt.of, got, tt.want)
		}
	}
}
