package evaluation

import (
	"fmt"
	"slices"
	"testing"
)

// advSet is a small scorecard for the advisor's tables:
//
//	1.1  0 / 1*** / 2**** / 3*****
//	1.2  0 / 2 / 4
//	2.1  1 / 3**** / 5
//	9    yes/no, 1 point
//	6.1  case 1: 0 / 2****   case 2: 1 / 3
func advSet() *CriteriaSet {
	opt := func(id int64, pts, star, cs int) Option {
		return Option{ID: id, Position: int(id % 10), Text: fmt.Sprintf("option %d", id), Points: PrintedInt(pts), Star: star, Case: cs}
	}
	return &CriteriaSet{ID: 1, SetNo: 99, Name: "test", Parts: []Part{
		{Code: "A", Sections: []Section{
			{No: 1, Title: "TỔ CHỨC SẢN XUẤT", Criteria: []Criterion{
				{ID: 11, No: "1.1", Title: "Nguyên liệu", Options: []Option{opt(110, 0, 0, 0), opt(111, 1, 3, 0), opt(112, 2, 4, 0), opt(113, 3, 5, 0)}},
				{ID: 12, No: "1.2", Title: "Liên kết", Options: []Option{opt(120, 0, 0, 0), opt(121, 2, 0, 0), opt(122, 4, 0, 0)}},
			}},
		}},
		{Code: "B", Sections: []Section{
			{No: 2, Title: "TIẾP THỊ", Criteria: []Criterion{
				{ID: 21, No: "2.1", Title: "Bao bì", Options: []Option{opt(210, 1, 0, 0), opt(211, 3, 4, 0), opt(212, 5, 0, 0)}},
			}},
		}},
		{Code: "C", Sections: []Section{
			{No: 9, Title: "NHÃN", Criteria: []Criterion{
				{ID: 91, No: "9", Title: "Nhãn song ngữ", YesNo: true, Options: []Option{opt(910, 1, 0, 0)}},
			}},
			{No: 6, Title: "DỊCH VỤ", Criteria: []Criterion{
				{ID: 61, No: "6.1", Title: "Trải nghiệm", Options: []Option{opt(610, 0, 0, 1), opt(611, 2, 4, 1), opt(612, 1, 0, 2), opt(613, 3, 0, 2)}},
			}},
		}},
	}}
}

type stepWant struct {
	no   string
	to   int64
	gain int
	mark Star
}

func stepsOf(ss []Step) []stepWant {
	var out []stepWant
	for _, s := range ss {
		out = append(out, stepWant{s.Criterion.No, s.To.ID, s.Gain, s.ForMark})
	}
	return out
}

type gapWant struct {
	no    string
	level Star
	req   int64
	gain  int
}

func gapsOf(gs []MarkGap) []gapWant {
	var out []gapWant
	for _, g := range gs {
		out = append(out, gapWant{g.Criterion.No, g.Level, g.Required.ID, g.Gain})
	}
	return out
}

func TestAdviseScore(t *testing.T) {
	set := advSet()
	for _, tt := range []struct {
		name        string
		chosen      map[int64]int64
		current     Star
		score       float64
		target      Star
		missing     float64
		gaps        []gapWant
		plan        []stepWant
		planScore   float64
		reaches     bool
		unscored    int
		firstImprov stepWant
	}{
		{
			name:   "2★ two points short of 3★ and missing a 3★ mark: fix the mark, then the largest gain",
			chosen: map[int64]int64{11: 110, 12: 121, 21: 210}, current: Star2, score: 48,
			target: Star3, missing: 2,
			gaps:      []gapWant{{"1.1", Star3, 111, 1}},
			plan:      []stepWant{{"1.1", 111, 1, Star3}, {"1.2", 122, 2, 0}},
			planScore: 51, reaches: true, unscored: 2,
			firstImprov: stepWant{"1.2", 122, 2, 0},
		},
		{
			name:   "4★ band capped to 3★ by a missed 4★ mark: no points missing, one mark",
			chosen: map[int64]int64{11: 113, 12: 122, 21: 210, 91: 910, 61: 611}, current: Star3, score: 75,
			target: Star4, missing: 0,
			gaps:      []gapWant{{"2.1", Star4, 211, 2}},
			plan:      []stepWant{{"2.1", 211, 2, Star4}},
			planScore: 77, reaches: true,
			firstImprov: stepWant{"2.1", 211, 2, Star4},
		},
		{
			name:   "a case-2 choice with as many points reaches the case-1 mark; the scorecard cannot give 90",
			chosen: map[int64]int64{11: 112, 12: 122, 21: 211, 91: 910, 61: 613}, current: Star4, score: 72,
			target: Star5, missing: 18,
			gaps:      []gapWant{{"1.1", Star5, 113, 1}},
			plan:      []stepWant{{"1.1", 113, 1, Star5}, {"2.1", 212, 2, 0}},
			planScore: 75, reaches: false,
			firstImprov: stepWant{"2.1", 212, 2, 0},
		},
		{
			name:   "nothing scored: target 3★ (1★ and 2★ bring no certificate), the unscored criterion misses its mark",
			chosen: map[int64]int64{}, current: Star1, score: 0,
			target: Star3, missing: 50,
			gaps:      []gapWant{{"1.1", Star3, 111, 1}},
			planScore: 16, reaches: false, unscored: 5,
			firstImprov: stepWant{"1.2", 121, 2, 0},
		},
		{
			name:   "5★ is the top: no target, improvements still listed",
			chosen: map[int64]int64{11: 113, 12: 121, 21: 212, 91: 910, 61: 613}, current: Star5, score: 93,
			target: NoStar, missing: 0,
			firstImprov: stepWant{"1.2", 122, 2, 0},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := AdviseScore(set, tt.chosen, tt.current, tt.score)
			if a.Target != tt.target || a.PointsMissing != tt.missing {
				t.Errorf("target %d, missing %v; want %d, %v", a.Target, a.PointsMissing, tt.target, tt.missing)
			}
			if got := gapsOf(a.MissingMarks); !slices.Equal(got, tt.gaps) {
				t.Errorf("missing marks %v, want %v", got, tt.gaps)
			}
			if tt.plan != nil {
				if got := stepsOf(a.Plan); !slices.Equal(got, tt.plan) {
					t.Errorf("plan %v, want %v", got, tt.plan)
				}
			}
			if tt.target != NoStar && (a.PlanScore != tt.planScore || a.PlanReaches != tt.reaches) {
				t.Errorf("plan score %v reaches %v, want %v %v", a.PlanScore, a.PlanReaches, tt.planScore, tt.reaches)
			}
			if tt.target == NoStar && (a.Plan != nil || a.MissingMarks != nil) {
				t.Errorf("at 5★: plan %v, marks %v; want none", a.Plan, a.MissingMarks)
			}
			if a.Unscored != tt.unscored {
				t.Errorf("unscored %d, want %d", a.Unscored, tt.unscored)
			}
			if len(a.Improvements) == 0 || stepsOf(a.Improvements[:1])[0] != tt.firstImprov {
				t.Errorf("first improvement %v, want %v", stepsOf(a.Improvements), tt.firstImprov)
			}
			for i := 1; i < len(a.Improvements); i++ {
				if a.Improvements[i].Gain > a.Improvements[i-1].Gain {
					t.Errorf("improvements not ranked: %v", stepsOf(a.Improvements))
				}
			}
		})
	}
}

func TestAdviseMarks(t *testing.T) {
	set := advSet()
	for _, tt := range []struct {
		name   string
		chosen map[int64]int64
		want   MarksMet
	}{
		{"nothing chosen misses the 3★ and 4★ marks; 5★ has a mark too", map[int64]int64{}, MarksMet{false, false, false}},
		{"the marked options themselves", map[int64]int64{11: 113, 21: 211, 61: 611}, MarksMet{true, true, true}},
		{"a higher mark meets the lower ones", map[int64]int64{11: 112, 21: 211, 61: 611}, MarksMet{true, true, false}},
		{"more points than the marked option meet it", map[int64]int64{11: 113, 21: 212, 61: 611}, MarksMet{true, true, true}},
		{"a case-2 option with the points of the case-1 mark reaches it", map[int64]int64{11: 113, 21: 211, 61: 613}, MarksMet{true, true, true}},
		{"a case-2 option below the case-1 mark misses it", map[int64]int64{11: 113, 21: 211, 61: 612}, MarksMet{true, false, true}},
		{"below the 4★ mark in case 1", map[int64]int64{11: 113, 21: 211, 61: 610}, MarksMet{true, false, true}},
	} {
		if got := AdviseMarks(set, tt.chosen); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// BandFloor is the inverse of Band: its score is in the band, and a
// hundredth less is in the band below.
func TestBandFloor(t *testing.T) {
	for s := Star1; s <= Star5; s++ {
		if got := Band(BandFloor(s)); got != s {
			t.Errorf("Band(BandFloor(%d)) = %d", s, got)
		}
		if s > Star1 {
			if got := Band(BandFloor(s) - 0.01); got != s-1 {
				t.Errorf("Band(BandFloor(%d) - 0.01) = %d, want %d", s, got, s-1)
			}
		}
	}
}

// On the real scorecard of processed fruit (set 7), a product with the
// best option everywhere but the 4★ option on one criterion marked for 5★
// is 4★ in the 5★ band, and the advisor names exactly that criterion and
// the option to reach.
func TestAdviseSet7(t *testing.T) {
	sets, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	var set *CriteriaSet
	for _, s := range sets {
		if s.SetNo == 7 {
			set = s
		}
	}
	if set == nil {
		t.Fatal("set 7 not embedded")
	}
	var id int64
	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		id++
		c.ID = id * 100
		for i := range c.Options {
			c.Options[i].ID = c.ID + int64(i) + 1
		}
	})
	best := map[int64]int64{}
	var starred *Criterion
	var five, four *Option
	set.Each(func(_ *Part, _ *Section, c *Criterion) {
		var top *Option
		for i := range c.Options {
			o := &c.Options[i]
			if top == nil || advPoints(o) > advPoints(top) {
				top = o
			}
		}
		best[c.ID] = top.ID
		if starred != nil {
			return
		}
		var f, g *Option
		for i := range c.Options {
			switch c.Options[i].Star {
			case 5:
				f = &c.Options[i]
			case 4:
				g = &c.Options[i]
			}
		}
		if f != nil && g != nil && f.ID == top.ID {
			starred, five, four = c, f, g
		}
	})
	if starred == nil {
		t.Fatal("set 7 has no criterion with both a 4★ and a 5★ mark")
	}
	chosen := map[int64]int64{}
	for k, v := range best {
		chosen[k] = v
	}
	chosen[starred.ID] = four.ID
	total := AdviseTotal(set, chosen)
	g := GateStar(Band(float64(total)), AdviseMarks(set, chosen))
	if g.Band != Star5 || g.Star != Star4 {
		t.Fatalf("total %d: band %d star %d, want band 5★ capped to 4★", total, g.Band, g.Star)
	}
	a := Advise(set, chosen, g.Star)
	want := []gapWant{{starred.No, Star5, five.ID, advPoints(five) - advPoints(four)}}
	if got := gapsOf(a.MissingMarks); !slices.Equal(got, want) {
		t.Errorf("missing marks %v, want %v", got, want)
	}
	if a.Target != Star5 || a.PointsMissing != 0 || !a.PlanReaches || len(a.Plan) != 1 || a.Plan[0].To.Text != five.Text {
		t.Errorf("target %d missing %v plan %v reaches %v; want 5★, 0, one step to %q", a.Target, a.PointsMissing, stepsOf(a.Plan), a.PlanReaches, five.Text)
	}
}
