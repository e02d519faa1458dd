package evaluation

import (
	"fmt"
	"strconv"
	"strings"
)

// Severities of a validation issue. Errors refuse activation (and import);
// warnings and notes are shown for the office to check against the
// official text.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Issue codes reported by Validate.
const (
	// IssuePartTotal: the highest options of a part do not add up to
	// 40/25/35 (error: refuses activation).
	IssuePartTotal = "part_total"
	// IssueOptionAboveMax: an option is worth more than its criterion's
	// printed maximum, like the "13" of set 4 criterion 7 (error).
	IssueOptionAboveMax = "option_above_max"
	// IssuePartLabel: a part heading prints another maximum than 40/25/35.
	IssuePartLabel = "part_label"
	// IssueSectionMax: a section's printed maximum is not the sum of its
	// criteria maxima.
	IssueSectionMax = "section_max"
	// IssueMaxUnreadable: a printed maximum is not one number (set 23's "4 1").
	IssueMaxUnreadable = "max_unreadable"
	// IssueMaxUnreachable: no option reaches the criterion's printed maximum.
	IssueMaxUnreachable = "max_unreachable"
	// IssuePointsEmpty: an option's points cell is empty (counts as 0).
	IssuePointsEmpty = "points_empty"
	// IssuePointsDuplicate: two options of a criterion are worth the same
	// (set 7's 1/1/3 where other sets print 1/2/3).
	IssuePointsDuplicate = "points_duplicate"
	// IssueStarOrder: star marks do not rise with the options.
	IssueStarOrder = "star_order"
	// IssueAlternativeCases: a criterion holds alternative option lists (info).
	IssueAlternativeCases = "alternative_cases"
	// IssueStarFootnote: starred options without the star footnote (info).
	IssueStarFootnote = "star_footnote"
)

// Targets of a correction.
const (
	TargetSet       = "set"
	TargetSection   = "section"
	TargetCriterion = "criterion"
	TargetOption    = "option"
)

// Issue is one problem found in a criteria set.
type Issue struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	// Where: the part code, the section number, the criterion number and
	// the option position, as far as they apply.
	Part      string `json:"part,omitempty"`
	Section   int    `json:"section,omitempty"`
	Criterion string `json:"criterion,omitempty"`
	Option    int    `json:"option,omitempty"`
	// Target, TargetID, Field and Value say what a correction would change
	// and its current value ("" Target when there is nothing to correct).
	Target   string `json:"target,omitempty"`
	TargetID int64  `json:"target_id,omitempty"`
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
	// Args are the arguments of the message "scorecard.issue_<code>".
	Args []any `json:"args,omitempty"`
	// Rows are the first and last rows of the file the set came from.
	Rows [2]int `json:"rows"`
}

// Key is the translation key of the issue's message.
func (i Issue) Key() string { return "scorecard.issue_" + i.Code }

// Where names the place of the issue: "part C", "section 9", "criterion
// 1.2", "criterion 1.2 option 1" or "set".
func (i Issue) Where() string {
	switch {
	case i.Option > 0:
		return "criterion " + i.Criterion + " option " + strconv.Itoa(i.Option)
	case i.Criterion != "":
		return "criterion " + i.Criterion
	case i.Section > 0:
		return "section " + strconv.Itoa(i.Section)
	case i.Part != "":
		return "part " + i.Part
	}
	return "set"
}

// String is a compact, stable form for logs and tests:
// "error option_above_max criterion 7 option 3 [3 13 3]".
func (i Issue) String() string {
	s := i.Severity + " " + i.Code + " " + i.Where()
	if len(i.Args) > 0 {
		s += " " + fmt.Sprint(i.Args)
	}
	return s
}

// Report is the result of Validate.
type Report struct {
	Issues []Issue `json:"issues"`
}

// Count returns the number of issues of a severity.
func (r Report) Count(severity string) int {
	n := 0
	for _, i := range r.Issues {
		if i.Severity == severity {
			n++
		}
	}
	return n
}

// OK reports whether the set has no errors and may be activated.
func (r Report) OK() bool { return r.Count(SeverityError) == 0 }

// Strings returns every issue's String.
func (r Report) Strings() []string {
	out := make([]string, len(r.Issues))
	for i, x := range r.Issues {
		out[i] = x.String()
	}
	return out
}

// Validate checks a criteria set against the structure every scorecard of
// Decision 26/2026 must have and against what it prints about itself:
// parts adding up to 40/25/35 (Điều 3.1), section and criterion maxima
// matching their options, readable and plausible points, star marks rising
// with the options. It reports the known defects of the published copy
// (README "Defects found") and anything like them in an imported file.
func Validate(set *CriteriaSet) Report {
	var r Report
	add := func(i Issue) { r.Issues = append(r.Issues, i) }
	for _, code := range PartCodes() {
		p, ok := set.Part(code)
		if !ok {
			add(Issue{Code: IssuePartTotal, Severity: SeverityError, Part: code, Args: []any{code, 0, PartMax(code)}, Rows: set.Rows})
			continue
		}
		if p.PrintedMax.OK && p.PrintedMax.Value != PartMax(code) {
			add(Issue{Code: IssuePartLabel, Severity: SeverityWarning, Part: code, Args: []any{code, p.PrintedMax.Value, PartMax(code)}, Rows: p.Rows})
		}
		for si := range p.Sections {
			validateSection(add, p, &p.Sections[si])
		}
		if got := p.Achievable(); got != PartMax(code) {
			add(Issue{Code: IssuePartTotal, Severity: SeverityError, Part: code, Args: []any{code, got, PartMax(code)}, Rows: p.Rows})
		}
	}
	if !set.StarFootnote && set.StarCount(3)+set.StarCount(4)+set.StarCount(5) > 0 {
		add(Issue{Code: IssueStarFootnote, Severity: SeverityInfo, Target: TargetSet, TargetID: set.ID, Field: "star_footnote", Value: "0", Rows: set.Rows})
	}
	return r
}

func validateSection(add func(Issue), p *Part, sec *Section) {
	at := Issue{Part: p.Code, Section: sec.No, Target: TargetSection, TargetID: sec.ID, Field: "max", Value: sec.Max.Text, Rows: sec.Rows}
	switch {
	case sec.Max.Empty():
	case !sec.Max.OK:
		i := at
		i.Code, i.Severity, i.Args = IssueMaxUnreadable, SeverityWarning, []any{sec.Max.Text, sec.CriteriaMax()}
		add(i)
	case len(sec.Criteria) == 1 && sec.Criteria[0].SectionLevel(sec):
		// The section is its own criterion: one printed cell, checked
		// against the options below.
	case sec.Max.Value != sec.CriteriaMax():
		i := at
		i.Code, i.Severity, i.Args = IssueSectionMax, SeverityWarning, []any{sec.Max.Value, sec.CriteriaMax()}
		add(i)
	}
	for ci := range sec.Criteria {
		validateCriterion(add, p, sec, &sec.Criteria[ci])
	}
}

func validateCriterion(add func(Issue), p *Part, sec *Section, c *Criterion) {
	at := Issue{Part: p.Code, Section: sec.No, Criterion: c.No, Rows: c.Rows}
	onCriterion := func(code, severity, field, value string, args ...any) {
		i := at
		i.Code, i.Severity, i.Args = code, severity, args
		if field != "" {
			i.Target, i.TargetID, i.Field, i.Value = TargetCriterion, c.ID, field, value
		}
		add(i)
	}
	onOption := func(o *Option, code, severity, field, value string, args ...any) {
		i := at
		i.Code, i.Severity, i.Args, i.Option, i.Rows = code, severity, args, o.Position, [2]int{o.Row, o.Row}
		i.Target, i.TargetID, i.Field, i.Value = TargetOption, o.ID, field, value
		add(i)
	}
	highest, _ := c.Highest()
	if !c.Max.Empty() && !c.Max.OK && !c.SectionLevel(sec) {
		onCriterion(IssueMaxUnreadable, SeverityWarning, "max", c.Max.Text, c.Max.Text, highest)
	}
	if c.Max.OK {
		above := false
		for oi := range c.Options {
			o := &c.Options[oi]
			if o.Points.OK && o.Points.Value > c.Max.Value {
				above = true
				onOption(o, IssueOptionAboveMax, SeverityError, "points", o.Points.Text, o.Position, o.Points.Value, c.Max.Value)
			}
		}
		if !above && highest < c.Max.Value {
			onCriterion(IssueMaxUnreachable, SeverityWarning, "max", c.Max.Text, c.Max.Value, highest)
		}
	}
	var prev *Option
	lastStar := 0
	for oi := range c.Options {
		o := &c.Options[oi]
		if !o.Points.OK {
			onOption(o, IssuePointsEmpty, SeverityWarning, "points", o.Points.Text, o.Position)
		}
		if prev != nil && prev.Case != o.Case {
			prev, lastStar = nil, 0
		}
		if prev != nil && prev.Points.OK && o.Points.OK && prev.Points.Value == o.Points.Value {
			onOption(o, IssuePointsDuplicate, SeverityWarning, "points", o.Points.Text, prev.Position, o.Position, o.Points.Value)
		}
		if o.Star > 0 {
			if o.Star <= lastStar {
				onOption(o, IssueStarOrder, SeverityWarning, "star", strconv.Itoa(o.Star), o.Position)
			}
			lastStar = o.Star
		}
		prev = o
	}
	if n := len(c.Cases()); n > 1 {
		onCriterion(IssueAlternativeCases, SeverityInfo, "", "", n)
	}
}

// Summary is a one-line count of a report's issues, e.g. "2 error, 1 warning".
func (r Report) Summary() string {
	var parts []string
	for _, s := range []string{SeverityError, SeverityWarning, SeverityInfo} {
		if n := r.Count(s); n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+s)
		}
	}
	return strings.Join(parts, ", ")
}
