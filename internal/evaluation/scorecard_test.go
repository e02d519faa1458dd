package evaluation_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/evaluation"
)

// csvCounts counts the rows of the embedded copy of scorecards.csv per
// scorecard, independently of the loader.
func csvCounts(t *testing.T) (map[int]int, int) {
	t.Helper()
	b, err := os.ReadFile("data/scorecards-26-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]int{}
	for _, r := range recs[1:] {
		n, err := strconv.Atoi(strings.SplitN(r[1], ".", 2)[0])
		if err != nil {
			t.Fatalf("product_group %q: %v", r[1], err)
		}
		out[n]++
	}
	return out, len(recs) - 1
}

func mustLoad(t *testing.T) []*evaluation.CriteriaSet {
	t.Helper()
	sets, err := evaluation.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

// All 26 scorecards load with every option of the CSV, the sections
// README §3.1 lists and the star marks it counts.
func TestEmbeddedScorecardsLoad(t *testing.T) {
	sets := mustLoad(t)
	if len(sets) != 26 {
		t.Fatalf("got %d sets, want 26", len(sets))
	}
	perSet, rows := csvCounts(t)
	if rows != 2557 {
		t.Errorf("the CSV has %d rows, want 2557", rows)
	}
	// set: criteria, sections, and starred options for 3★/4★/5★ (README §3.1).
	want := map[int][5]int{
		1: {32, 12, 7, 12, 3}, 2: {31, 11, 7, 13, 6}, 3: {32, 12, 7, 13, 6}, 4: {32, 12, 7, 14, 6}, 5: {31, 11, 8, 13, 5},
		6: {32, 11, 8, 13, 5}, 7: {32, 11, 8, 14, 6}, 8: {32, 11, 8, 14, 6}, 9: {31, 11, 8, 14, 6}, 10: {32, 11, 8, 13, 6},
		11: {32, 11, 8, 12, 3}, 12: {32, 11, 8, 14, 3}, 13: {34, 11, 8, 10, 3}, 14: {29, 10, 8, 10, 3}, 15: {29, 10, 8, 13, 3},
		16: {29, 10, 7, 9, 4}, 17: {29, 10, 8, 12, 3}, 18: {31, 14, 7, 10, 3}, 19: {30, 14, 7, 10, 3}, 20: {30, 14, 7, 10, 3},
		21: {28, 9, 7, 9, 4}, 22: {28, 9, 6, 8, 4}, 23: {26, 10, 5, 11, 4}, 24: {26, 9, 4, 7, 5}, 25: {25, 9, 4, 9, 3},
		26: {32, 17, 1, 2, 0},
	}
	total := 0
	for i, s := range sets {
		if s.SetNo != i+1 {
			t.Fatalf("set %d is at position %d", s.SetNo, i)
		}
		total += s.OptionCount()
		if got := s.OptionCount(); got != perSet[s.SetNo] {
			t.Errorf("set %d: got %d options, want %d (rows of the CSV)", s.SetNo, got, perSet[s.SetNo])
		}
		sections := 0
		for _, p := range s.Parts {
			sections += len(p.Sections)
		}
		w := want[s.SetNo]
		got := [5]int{s.CriterionCount(), sections, s.StarCount(3), s.StarCount(4), s.StarCount(5)}
		if got != w {
			t.Errorf("set %d: got criteria, sections, stars %v, want %v", s.SetNo, got, w)
		}
		if s.Decision != evaluation.Decision26 || s.Source != evaluation.SourceEmbedded || s.ContentHash == "" {
			t.Errorf("set %d: decision %q source %q hash %q", s.SetNo, s.Decision, s.Source, s.ContentHash)
		}
		if got := len(s.Parts); got != 3 {
			t.Errorf("set %d: got %d parts, want 3", s.SetNo, got)
		}
	}
	if total != 2557 {
		t.Errorf("got %d options in all, want 2557", total)
	}
	// What the printed scorecards show beyond the CSV.
	s7 := sets[6]
	c, _, _ := s7.Criterion("1.1")
	if c.Gate != evaluation.GateReject || !strings.Contains(c.Notes, "Bị loại nếu") {
		t.Errorf("set 7 criterion 1.1: gate %q notes %q, want the rejection note", c.Gate, c.Notes)
	}
	if c, _, _ := s7.Criterion("6.1"); c.Gate != evaluation.GateStop {
		t.Errorf("set 7 criterion 6.1: gate %q, want stop", c.Gate)
	}
	if !strings.HasPrefix(s7.Rejection, "Hồ sơ bị loại khi") || s7.Name != "Chế biến từ rau, củ, quả, hạt" ||
		s7.Classification != "Sản phẩm: Thực phẩm. Nhóm: Nông sản chế biến" {
		t.Errorf("set 7: name %q classification %q rejection %q", s7.Name, s7.Classification, s7.Rejection)
	}
	if c, _, _ := s7.Criterion("2.4"); !c.YesNo || len(c.Options) != 1 || c.Options[0].Points.Value != 1 {
		t.Errorf("set 7 criterion 2.4 (no printed options): %+v", c)
	}
	s11 := sets[10]
	if c, _, _ := s11.Criterion("6.1.1"); c.ParentNo != "6.1" || c.ParentTitle != "Ngoại hình" || c.Title != "Tạp chất" || c.Max.Value != 2 {
		t.Errorf("set 11 criterion 6.1.1: parent %q %q title %q max %+v", c.ParentNo, c.ParentTitle, c.Title, c.Max)
	}
	if sec, _ := sets[22].Section(9); sec.Max.Text != "4 1" || sec.Max.OK {
		t.Errorf("set 23 section 9 max: %+v, want the unreadable \"4 1\"", sec.Max)
	}
	// Set 26's criteria 8, 9, 15 are two alternative lists each.
	for _, no := range []string{"8", "9", "15"} {
		c, _, _ := sets[25].Criterion(no)
		var cases []int
		for _, o := range c.Options {
			cases = append(cases, o.Case)
		}
		if !slices.Equal(cases, []int{1, 1, 2, 2}) {
			t.Errorf("set 26 criterion %s: cases %v, want [1 1 2 2]", no, cases)
		}
	}
	if sets[25].StarFootnote || !sets[0].StarFootnote {
		t.Errorf("star footnote: set 26 %v (want false), set 1 %v (want true)", sets[25].StarFootnote, sets[0].StarFootnote)
	}
}

// expectedReport is the full validation report of the published copy: the
// defects the README lists, and two it does not (set 23's 1/1/3/5 and set
// 26's Part A heading printing 35).
var expectedReport = map[int][]string{
	4: {
		"warning points_empty criterion 1.2 option 1 [1]",
		"error option_above_max criterion 7 option 3 [3 13 3]",
		"error part_total part C [C 45 35]",
	},
	7: {
		"warning points_empty criterion 1.2 option 1 [1]",
		"warning points_duplicate criterion 3.1 option 2 [1 2 1]",
	},
	10: {"warning points_empty criterion 1.2 option 1 [1]"},
	11: {
		"warning points_empty criterion 1.2 option 1 [1]",
		"error option_above_max criterion 6.1.1 option 2 [2 11 2]",
		"error part_total part C [C 44 35]",
	},
	23: {
		"warning points_duplicate criterion 6.2 option 2 [1 2 1]",
		"warning max_unreadable section 9 [4 1 4]",
	},
	26: {
		"warning part_label part A [A 35 40]",
		"info alternative_cases criterion 8 [2]",
		"info alternative_cases criterion 9 [2]",
		"info alternative_cases criterion 15 [2]",
		"info star_footnote set",
	},
}

func TestEmbeddedDefectReport(t *testing.T) {
	for _, s := range mustLoad(t) {
		got := evaluation.Validate(s).Strings()
		want := expectedReport[s.SetNo]
		if !slices.Equal(got, want) {
			t.Errorf("set %d report:\ngot  %q\nwant %q", s.SetNo, got, want)
		}
		wantOK := s.SetNo != 4 && s.SetNo != 11
		if ok := evaluation.Validate(s).OK(); ok != wantOK {
			t.Errorf("set %d: OK() = %v, want %v", s.SetNo, ok, wantOK)
		}
	}
}

func TestValidateRules(t *testing.T) {
	base := func() *evaluation.CriteriaSet { return mustLoad(t)[0] }
	for _, tt := range []struct {
		name   string
		change func(s *evaluation.CriteriaSet)
		want   []string
	}{
		{"sound set", func(*evaluation.CriteriaSet) {}, nil},
		{"an option raised makes part A 41", func(s *evaluation.CriteriaSet) {
			c, _, _ := s.Criterion("1.1")
			c.Options[2].Points = evaluation.PrintedInt(4)
		}, []string{"warning section_max section 1 [18 19]", "error part_total part A [A 41 40]"}},
		{"a missing part", func(s *evaluation.CriteriaSet) { s.Parts = s.Parts[:2] }, []string{"error part_total part C [C 0 35]"}},
		{"a printed criterion maximum no option reaches", func(s *evaluation.CriteriaSet) {
			c, _, _ := s.Criterion("1.1")
			c.Max = evaluation.PrintedInt(4)
		}, []string{"warning section_max section 1 [18 19]", "warning max_unreachable criterion 1.1 [4 3]"}},
		{"a section maximum that is not the sum of its criteria", func(s *evaluation.CriteriaSet) {
			sec, _ := s.Section(2)
			sec.Max = evaluation.PrintedInt(11)
		}, []string{"warning section_max section 2 [11 10]"}},
		{"star marks that fall", func(s *evaluation.CriteriaSet) {
			c, _, _ := s.Criterion("1.5")
			c.Options[3].Star = 4
		}, []string{"warning star_order criterion 1.5 option 4 [4]"}},
		{"an unreadable criterion maximum", func(s *evaluation.CriteriaSet) {
			c, _, _ := s.Criterion("1.5")
			c.Max = evaluation.ParsePrinted("3 1")
		}, []string{"warning max_unreadable criterion 1.5 [3 1 3]"}},
	} {
		s := base()
		tt.change(s)
		if got := evaluation.Validate(s).Strings(); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// Principals for the service tests.
func office() *account.Principal {
	return &account.Principal{Username: "office1", Role: account.RoleOffice}
}

func setByNo(t *testing.T, s *evaluation.Scorecards, no int, status string) *evaluation.CriteriaSet {
	t.Helper()
	list, err := s.ListSets(context.Background(), office(), evaluation.SetFilter{SetNo: no, Status: status})
	if err != nil || len(list) == 0 {
		t.Fatalf("set %d %s: %d versions, err %v", no, status, len(list), err)
	}
	set, err := s.GetSet(context.Background(), office(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func optionID(t *testing.T, set *evaluation.CriteriaSet, criterion string, pos int) int64 {
	t.Helper()
	c, _, ok := set.Criterion(criterion)
	if !ok {
		t.Fatalf("set %d has no criterion %s", set.SetNo, criterion)
	}
	o, ok := c.Option(pos)
	if !ok {
		t.Fatalf("set %d criterion %s has no option %d", set.SetNo, criterion, pos)
	}
	return o.ID
}

func countRows(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The first start loads the 26 scorecards: the sound ones in force, sets 4
// and 11 (parts not adding up) as drafts; after the documented corrections
// every set adds up to 40/25/35 and can be put in force.
func TestSeedCorrectActivate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := evaluation.NewScorecards(d, nil)
		list, err := s.ListSets(ctx, office(), evaluation.SetFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 26 {
			t.Fatalf("got %d versions, want 26", len(list))
		}
		perSet, _ := csvCounts(t)
		for _, x := range list {
			wantStatus := evaluation.SetActive
			if x.SetNo == 4 || x.SetNo == 11 {
				wantStatus = evaluation.SetDraft
			}
			if x.Status != wantStatus || x.Version != 1 || x.Options != perSet[x.SetNo] || x.CategoryCode == "" {
				t.Errorf("set %d: status %s version %d options %d category %q, want %s 1 %d", x.SetNo, x.Status, x.Version, x.Options, x.CategoryCode, wantStatus, perSet[x.SetNo])
			}
			if want := len(expectedReport[x.SetNo]); x.Errors+x.Warnings+x.Infos != want {
				t.Errorf("set %d: %d issues, want %d", x.SetNo, x.Errors+x.Warnings+x.Infos, want)
			}
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_options"); n != 2557 {
			t.Errorf("stored %d options, want 2557", n)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM audit_log"); n != 0 {
			t.Errorf("the first load wrote %d audit rows, want 0", n)
		}
		// Seeding again changes nothing.
		if err := evaluation.SeedScorecards(ctx, d); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_sets"); n != 26 {
			t.Errorf("after a second load: %d versions, want 26", n)
		}

		// Set 4 cannot be put in force until its "13" is corrected.
		set4 := setByNo(t, s, 4, "")
		if _, err := s.Activate(ctx, office(), set4.ID); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("activate set 4 as published: err %v, want invalid", err)
		}
		for _, c := range []struct {
			set       int
			criterion string
			option    int
			points    string
		}{{4, "7", 3, "3"}, {11, "6.1.1", 2, "1"}} {
			set := setByNo(t, s, c.set, "")
			got, err := s.CorrectOption(ctx, office(), set.ID, optionID(t, set, c.criterion, c.option), "points", c.points, "Bản chính thức")
			if err != nil {
				t.Fatalf("correct set %d: %v", c.set, err)
			}
			if got.ID != set.ID || got.Source != evaluation.SourceCorrected {
				t.Errorf("correct draft set %d: got version %d source %s, want the draft itself corrected", c.set, got.ID, got.Source)
			}
			if rep := evaluation.Validate(got); !rep.OK() {
				t.Errorf("set %d after correction: %v", c.set, rep.Strings())
			}
			if _, err := s.Activate(ctx, office(), set.ID); err != nil {
				t.Errorf("activate set %d: %v", c.set, err)
			}
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_corrections"); n != 2 {
			t.Errorf("%d correction rows, want 2", n)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM audit_log WHERE action IN ('scorecard.correct', 'scorecard.activate')"); n != 4 {
			t.Errorf("%d audit rows, want 4", n)
		}
		list, err = s.ListSets(ctx, nil, evaluation.SetFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 26 {
			t.Errorf("the public sees %d versions in force, want 26", len(list))
		}
		for _, x := range list {
			set, err := s.GetSet(ctx, nil, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range evaluation.PartCodes() {
				p, _ := set.Part(code)
				if got := p.Achievable(); got != evaluation.PartMax(code) {
					t.Errorf("set %d part %s adds up to %d, want %d", set.SetNo, code, got, evaluation.PartMax(code))
				}
			}
		}
		// A new binary with the same content, after corrections, adds nothing.
		if _, err := d.ExecContext(ctx, "DELETE FROM refdata WHERE name = 'scorecards'"); err != nil {
			t.Fatal(err)
		}
		if err := evaluation.SeedScorecards(ctx, d); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_sets"); n != 26 {
			t.Errorf("reloading the same copy after corrections: %d versions, want 26", n)
		}
	})
}

// A version used for scoring is never edited: the correction goes to a new
// draft, and putting the draft in force retires the old version.
func TestCorrectionVersioning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := evaluation.NewScorecards(d, nil)
		set7 := setByNo(t, s, 7, evaluation.SetActive)

		// In place while not in use, but never into an invalid version in force.
		if _, err := s.CorrectOption(ctx, office(), set7.ID, optionID(t, set7, "1.1", 3), "points", "4", "thử"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a correction that breaks the version in force: err %v, want invalid", err)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_corrections"); n != 0 {
			t.Errorf("a refused correction wrote %d rows", n)
		}
		stale := "9"
		_, err := s.Correct(ctx, office(), set7.ID, evaluation.CorrectionInput{Target: evaluation.TargetOption, TargetID: optionID(t, set7, "1.2", 1),
			Field: "points", Value: "0", Reason: "r", Expect: &stale})
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a correction of a value changed meanwhile: err %v, want conflict", err)
		}

		s.InUse = func(context.Context, db.Queryer, int64) (bool, error) { return true, nil }
		got, err := s.CorrectOption(ctx, office(), set7.ID, optionID(t, set7, "3.1", 2), "points", "2", "Các bộ khác in 1/2/3")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == set7.ID || got.Status != evaluation.SetDraft || got.Version != 2 || got.BasedOn != set7.ID {
			t.Fatalf("correcting a version in use: got id %d status %s version %d based on %d, want a new draft 2 based on %d",
				got.ID, got.Status, got.Version, got.BasedOn, set7.ID)
		}
		again, err := s.CorrectOption(ctx, office(), set7.ID, optionID(t, set7, "1.2", 1), "points", "0", "Các bộ khác in 0")
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != got.ID {
			t.Errorf("a second correction made version %d, want it in the open draft %d", again.ID, got.ID)
		}
		old := setByNo(t, s, 7, evaluation.SetActive)
		if c, _, _ := old.Criterion("3.1"); c.Options[1].Points.Value != 1 {
			t.Errorf("the version in use changed: 3.1 option 2 is %v", c.Options[1].Points)
		}
		if rep := evaluation.Validate(again); len(rep.Issues) != 0 {
			t.Errorf("set 7 after both corrections: %v, want no issues", rep.Strings())
		}
		if _, err := s.Activate(ctx, office(), again.ID); err != nil {
			t.Fatal(err)
		}
		retired, err := s.GetSet(ctx, office(), set7.ID)
		if err != nil || retired.Status != evaluation.SetRetired {
			t.Fatalf("old version: status %s err %v, want retired", retired.Status, err)
		}
		if _, err := s.CorrectOption(ctx, office(), set7.ID, optionID(t, set7, "1.1", 1), "text", "x", "r"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("correcting a retired version: err %v, want conflict", err)
		}
		hist, err := s.Corrections(ctx, office(), again.ID)
		if err != nil || len(hist) != 2 || hist[0].Place != "1.2#1" || hist[1].Place != "3.1#2" || hist[1].OldValue != "1" || hist[1].NewValue != "2" {
			t.Errorf("corrections of the new version: %+v (err %v)", hist, err)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'scorecard.version'"); n != 1 {
			t.Errorf("%d version audit rows, want 1", n)
		}
		// Other fields, through the same path.
		for _, in := range []evaluation.CorrectionInput{
			{Target: evaluation.TargetCriterion, TargetID: criterionID(t, again, "1.1"), Field: "notes", Value: "Ghi chú: Bị loại nếu không rõ nguồn gốc", Reason: "r"},
			{Target: evaluation.TargetSet, Field: "rejection", Value: "Hồ sơ bị loại khi: giả mạo hồ sơ", Reason: "r"},
			{Target: evaluation.TargetOption, TargetID: optionID(t, again, "1.3", 3), Field: "star", Value: "5", Reason: "r"},
		} {
			if _, err := s.Correct(ctx, office(), again.ID, in); err != nil {
				t.Errorf("correct %s %s: %v", in.Target, in.Field, err)
			}
		}
		for _, in := range []evaluation.CorrectionInput{
			{Target: evaluation.TargetOption, TargetID: optionID(t, again, "1.3", 3), Field: "max", Value: "3", Reason: "r"},
			{Target: evaluation.TargetOption, TargetID: optionID(t, again, "1.3", 3), Field: "points", Value: "abc", Reason: "r"},
			{Target: evaluation.TargetOption, TargetID: optionID(t, again, "1.3", 3), Field: "points", Value: "3", Reason: ""},
			{Target: evaluation.TargetOption, TargetID: optionID(t, again, "1.3", 3), Field: "star", Value: "6", Reason: "r"},
			{Target: evaluation.TargetOption, TargetID: 999999, Field: "points", Value: "3", Reason: "r"},
			{Target: "part", TargetID: 1, Field: "title", Value: "x", Reason: "r"},
		} {
			if _, err := s.Correct(ctx, office(), again.ID, in); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("bad correction %+v: err %v, want invalid", in, err)
			}
		}
	})
}

func criterionID(t *testing.T, set *evaluation.CriteriaSet, no string) int64 {
	t.Helper()
	c, _, ok := set.Criterion(no)
	if !ok {
		t.Fatalf("no criterion %s", no)
	}
	return c.ID
}

// Everyone signed in may browse; only the office and administrators change
// scorecards; the public sees the versions in force only.
func TestScorecardScopes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := evaluation.NewScorecards(d, nil)
		draft := setByNo(t, s, 4, evaluation.SetDraft)
		active := setByNo(t, s, 7, evaluation.SetActive)
		for _, role := range account.Roles {
			p := &account.Principal{UserID: 0, Username: string(role), Role: role}
			if _, err := s.GetSet(ctx, p, draft.ID); err != nil {
				t.Errorf("%s opens a draft: %v", role, err)
			}
			if list, err := s.ListSets(ctx, p, evaluation.SetFilter{}); err != nil || len(list) != 26 {
				t.Errorf("%s lists %d versions (err %v), want 26", role, len(list), err)
			}
			want := apperr.Forbidden
			if role == account.RoleAdmin || role == account.RoleOffice {
				continue
			}
			if _, err := s.CorrectOption(ctx, p, active.ID, optionID(t, active, "1.2", 1), "points", "0", "r"); !apperr.Is(err, want) {
				t.Errorf("%s corrects: err %v, want forbidden", role, err)
			}
			if _, err := s.Activate(ctx, p, draft.ID); !apperr.Is(err, want) {
				t.Errorf("%s activates: err %v, want forbidden", role, err)
			}
			if _, err := s.ImportSets(ctx, p, strings.NewReader("x"), evaluation.ImportOptions{}); !apperr.Is(err, want) {
				t.Errorf("%s imports: err %v, want forbidden", role, err)
			}
		}
		if _, err := s.GetSet(ctx, nil, draft.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("the public opens a draft: err %v, want not found", err)
		}
		if _, err := s.GetSet(ctx, nil, active.ID); err != nil {
			t.Errorf("the public opens a version in force: %v", err)
		}
		if list, _ := s.ListSets(ctx, nil, evaluation.SetFilter{Status: evaluation.SetDraft}); len(list) != 24 {
			t.Errorf("the public asking for drafts gets %d versions, want the 24 in force", len(list))
		}
		if _, err := s.Corrections(ctx, nil, active.ID); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("the public reads corrections: err %v, want unauthenticated", err)
		}
		if _, err := s.CorrectOption(ctx, nil, active.ID, 1, "points", "0", "r"); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("the public corrects: err %v, want unauthenticated", err)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_corrections"); n != 0 {
			t.Errorf("refused corrections wrote %d rows", n)
		}
	})
}

func exportCSV(t *testing.T, s *evaluation.Scorecards, id int64) [][]string {
	t.Helper()
	var b bytes.Buffer
	if _, err := s.ExportCSV(context.Background(), office(), id, &b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func toCSV(recs [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(recs)
	return b.Bytes()
}

func toXLSX(t *testing.T, recs [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range recs {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportSets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := evaluation.NewScorecards(d, nil)
		set7 := setByNo(t, s, 7, evaluation.SetActive)
		recs := exportCSV(t, s, set7.ID)
		if len(recs) != 104 || !slices.Equal(recs[0][:9], evaluation.Columns()) {
			t.Fatalf("export: %d rows, header %q", len(recs), recs[0])
		}
		// The export round-trips: importing it back is "unchanged".
		res, err := s.ImportSets(ctx, office(), bytes.NewReader(toCSV(recs)), evaluation.ImportOptions{})
		if err != nil || len(res.Errors) != 0 || len(res.Sets) != 1 || !res.Sets[0].Unchanged || res.Created != 0 {
			t.Fatalf("re-import of the export: %+v (err %v)", res, err)
		}
		// Only the 9 columns of scorecards.csv, with 3.1 corrected: a new draft
		// that keeps the notes of the version before.
		plain := make([][]string, len(recs))
		for i, r := range recs {
			plain[i] = slices.Clone(r[:9])
			if r[4] == "3.1" && r[7] == "1" && strings.HasPrefix(r[6], "Công ty") {
				plain[i][7] = "2"
			}
		}
		for _, format := range []string{evaluation.FormatCSV, evaluation.FormatXLSX} {
			file := toCSV(plain)
			if format == evaluation.FormatXLSX {
				file = toXLSX(t, plain)
			}
			res, err = s.ImportSets(ctx, office(), bytes.NewReader(file), evaluation.ImportOptions{DryRun: true})
			if err != nil || len(res.Errors) != 0 || res.Format != format || res.Sets[0].Unchanged || res.Sets[0].Options != 103 {
				t.Fatalf("%s dry run: %+v (err %v)", format, res, err)
			}
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_sets"); n != 26 {
			t.Errorf("dry runs stored versions: %d, want 26", n)
		}
		res, err = s.ImportSets(ctx, office(), bytes.NewReader(toXLSX(t, plain)), evaluation.ImportOptions{Label: "Bản sửa 3.1"})
		if err != nil || res.Created != 1 || res.Sets[0].Version != 2 {
			t.Fatalf("import: %+v (err %v)", res, err)
		}
		imp, err := s.GetSet(ctx, office(), res.Sets[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		c, _, _ := imp.Criterion("1.1")
		if imp.Status != evaluation.SetDraft || imp.Source != evaluation.SourceImported || imp.Label != "Bản sửa 3.1" ||
			c.Gate != evaluation.GateReject || imp.Rejection != set7.Rejection {
			t.Errorf("imported: status %s source %s label %q gate %q rejection %q", imp.Status, imp.Source, imp.Label, c.Gate, imp.Rejection)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'scorecard.import'"); n != 1 {
			t.Errorf("%d import audit rows, want 1", n)
		}

		// A part that does not add up is refused with its rows; nothing is stored.
		bad := make([][]string, len(plain))
		for i, r := range plain {
			bad[i] = slices.Clone(r)
			if r[4] == "11" && r[7] == "3" {
				bad[i][7] = "4"
			}
		}
		res, err = s.ImportSets(ctx, office(), bytes.NewReader(toCSV(bad)), evaluation.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || res.Errors[0].Key != "scorecard.err_import_issue" || res.Errors[0].Row != 73 ||
			!slices.Equal(res.Errors[0].Args[:3], []any{7, 73, 104}) {
			t.Errorf("wrong part total: errors %+v, want one at rows 73–104", res.Errors)
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_sets"); n != 27 {
			t.Errorf("a refused import stored versions: %d, want 27", n)
		}
		for _, tt := range []struct {
			name string
			file []byte
			want string // row error key, or "" for a whole-file error
			row  int
		}{
			{"points not a number", toCSV(replace(plain, 5, 7, "ba")), "scorecard.err_points", 5},
			{"unknown star", toCSV(replace(plain, 9, 8, "6")), "scorecard.err_star", 9},
			{"unknown part", toCSV(replace(plain, 3, 2, "D. KHÁC")), "scorecard.err_part", 3},
			{"criterion of another section", toCSV(replace(plain, 4, 4, "2.9")), "scorecard.err_criterion_section", 4},
			{"no scorecard number", toCSV(replace(plain, 6, 1, "Rau quả")), "scorecard.err_group", 6},
			{"missing column", toCSV(cut(plain, 7)), "scorecard.err_missing_column", 1},
			{"scorecard without a category", toCSV(replaceAll(plain, 1, "77. Khác [x]")), "scorecard.err_no_category", 2},
			{"not a spreadsheet", []byte("\x00\x01\x02binary"), "", 0},
			{"empty", []byte("  \n"), "", 0},
			{"broken xlsx", []byte("PK\x03\x04broken"), "", 0},
		} {
			res, err := s.ImportSets(ctx, office(), bytes.NewReader(tt.file), evaluation.ImportOptions{})
			if tt.want == "" {
				if !apperr.Is(err, apperr.Invalid) {
					t.Errorf("%s: err %v, want invalid", tt.name, err)
				}
				continue
			}
			if err != nil || len(res.Errors) == 0 || res.Errors[0].Key != tt.want || res.Errors[0].Row != tt.row {
				t.Errorf("%s: errors %+v (err %v), want %s at row %d", tt.name, res.Errors, err, tt.want, tt.row)
			}
		}
		if n := countRows(t, d, "SELECT COUNT(*) FROM criteria_sets"); n != 27 {
			t.Errorf("refused imports stored versions: %d, want 27", n)
		}
	})
}

// replace returns a copy of recs with one cell changed (row as a
// spreadsheet numbers it, the header being 1).
func replace(recs [][]string, row, col int, v string) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = slices.Clone(r)
	}
	out[row-1][col] = v
	return out
}

func replaceAll(recs [][]string, col int, v string) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = slices.Clone(r)
		if i > 0 {
			out[i][col] = v
		}
	}
	return out
}

func cut(recs [][]string, col int) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = slices.Delete(slices.Clone(r), col, col+1)
	}
	return out
}
