package evaluation

import (
	"context"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Decision26 is the decision whose scorecards are embedded: Decision
// 26/2026/QĐ-TTg, Phụ lục II (in force since 22 May 2026).
const Decision26 = "26/2026/QĐ-TTg"

// Statuses of a criteria set version. Only an active version is used for
// new evaluations; at most one version of a scorecard is active at a time.
const (
	SetDraft   = "draft"   // being prepared or corrected; not used for scoring
	SetActive  = "active"  // the version in force
	SetRetired = "retired" // replaced; kept unchanged for the evaluations made with it
)

// Sources of a criteria set version.
const (
	SourceEmbedded  = "embedded"  // loaded from the copy embedded in the binary
	SourceImported  = "imported"  // uploaded by the programme office
	SourceCorrected = "corrected" // changed by the programme office after loading
)

// PartMax returns the maximum a scorecard part must add up to (Điều 3.1:
// Part A 40, Part B 25, Part C 35), or 0 for an unknown part.
func PartMax(code string) int {
	switch code {
	case "A":
		return 40
	case "B":
		return 25
	case "C":
		return 35
	}
	return 0
}

// PartCodes are the parts of every scorecard, in order.
func PartCodes() []string { return []string{"A", "B", "C"} }

// Printed is a number as printed in a scorecard cell: the text of the cell
// and, when the text is a whole number, its value. The source has cells that
// are empty or hold two numbers ("4 1"), and the platform must show them as
// printed while computing with what it can read.
type Printed struct {
	Text  string `json:"text"`
	Value int    `json:"value"`
	OK    bool   `json:"ok"`
}

// ParsePrinted reads a printed cell.
func ParsePrinted(s string) Printed {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Printed{Text: s}
	}
	return Printed{Text: s, Value: n, OK: true}
}

// PrintedInt returns a printed whole number.
func PrintedInt(n int) Printed { return Printed{Text: strconv.Itoa(n), Value: n, OK: true} }

// Empty reports whether the cell holds nothing.
func (p Printed) Empty() bool { return p.Text == "" }

// CriteriaSet is one version of an official scorecard (bộ tiêu chí của một
// "bộ sản phẩm", Phụ lục II): its parts A/B/C, sections, criteria and
// answer options with points and star marks.
type CriteriaSet struct {
	ID       int64  `json:"id"`
	Decision string `json:"decision"`
	// SetNo is the number of the scorecard in Phụ lục II (1–26).
	SetNo   int    `json:"set_no"`
	Version int    `json:"version"`
	Label   string `json:"label"`
	// Name and Classification are as printed on the scorecard: "Chế biến
	// từ rau, củ, quả, hạt" and "Sản phẩm: Thực phẩm. Nhóm: Nông sản chế biến".
	Name           string `json:"name"`
	Classification string `json:"classification"`
	// CategoryVersion and CategoryCode name the leaf of the product
	// classification (Phụ lục I) that is rated with this scorecard.
	CategoryVersion string `json:"category_version"`
	CategoryCode    string `json:"category_code"`
	Status          string `json:"status"`
	Source          string `json:"source"`
	// BasedOn is the version this one was copied from (0 for none).
	BasedOn int64 `json:"based_on,omitempty"`
	// ContentHash identifies what the version says; OriginHash what it said
	// when it was loaded or imported (corrections and copies keep it).
	ContentHash string `json:"content_hash"`
	OriginHash  string `json:"origin_hash"`
	// Rejection is the "Hồ sơ bị loại khi …" line printed at the top.
	Rejection string `json:"rejection,omitempty"`
	// StarFootnote is true when the scorecard prints the note that the star
	// marks are the minimum for each star level.
	StarFootnote  bool       `json:"star_footnote"`
	Notes         string     `json:"notes,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     int64      `json:"created_by,omitempty"`
	CreatedByName string     `json:"created_by_name"`
	ActivatedAt   *time.Time `json:"activated_at,omitempty"`
	ActivatedBy   int64      `json:"activated_by,omitempty"`
	Parts         []Part     `json:"parts,omitempty"`
	// Rows is the first and last source row of the set (imports; 0 when
	// unknown).
	Rows [2]int `json:"-"`
}

// Part is Part A, B or C of a scorecard.
type Part struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
	// PrintedMax is the number printed in the heading ("(40 Điểm)").
	PrintedMax Printed   `json:"printed_max"`
	Sections   []Section `json:"sections"`
	Rows       [2]int    `json:"-"`
}

// Section is a level-1 heading of a scorecard ("1. TỔ CHỨC SẢN XUẤT").
type Section struct {
	ID       int64       `json:"id"`
	No       int         `json:"no"`
	Title    string      `json:"title"`
	Max      Printed     `json:"max"`
	Criteria []Criterion `json:"criteria"`
	Rows     [2]int      `json:"-"`
}

// Gates printed in a criterion's notes.
const (
	GateReject = "reject" // "Bị loại nếu …": the dossier is rejected
	GateStop   = "stop"   // "… sẽ không đánh giá các bước tiếp theo": evaluation stops
)

// Criterion is the heading that owns answer options: "1.5", "7" or "6.1.1".
type Criterion struct {
	ID    int64  `json:"id"`
	No    string `json:"no"`
	Title string `json:"title"`
	// ParentNo and ParentTitle name the second-level heading of a
	// third-level criterion ("6.1", "Ngoại hình").
	ParentNo    string `json:"parent_no,omitempty"`
	ParentTitle string `json:"parent_title,omitempty"`
	// Max is the printed maximum; empty when the source gives none, in which
	// case the maximum is the highest option.
	Max   Printed `json:"max"`
	Notes string  `json:"notes,omitempty"`
	// Gate is GateReject or GateStop when a note (or an option) says so.
	Gate string `json:"gate,omitempty"`
	// YesNo marks a criterion printed without options (the bilingual label
	// item): its one option carries the points awarded when it is met.
	YesNo   bool     `json:"yes_no,omitempty"`
	Options []Option `json:"options"`
	Rows    [2]int   `json:"-"`
}

// Option is an answer option ("□ …") with its points and star mark.
type Option struct {
	ID       int64   `json:"id"`
	Position int     `json:"position"`
	Text     string  `json:"text"`
	Points   Printed `json:"points"`
	// Star is 3, 4 or 5 when the option is marked ***, **** or *****: the
	// minimum a product must reach on this criterion for that star.
	Star int `json:"star,omitempty"`
	// Case is the alternative case (1, 2) the option belongs to when the
	// criterion says "Lựa chọn một trong hai trường hợp sau" (set 26); 0
	// otherwise. An assessor picks within one case only.
	Case int `json:"case,omitempty"`
	// Row is the option's row in the file it was loaded from.
	Row int `json:"row,omitempty"`
}

// Highest returns the highest points of the criterion's options, and false
// when no option has readable points.
func (c Criterion) Highest() (int, bool) {
	best, ok := 0, false
	for _, o := range c.Options {
		if o.Points.OK && (!ok || o.Points.Value > best) {
			best, ok = o.Points.Value, true
		}
	}
	return best, ok
}

// MaxPoints is the criterion's maximum: as printed when readable, else its
// highest option.
func (c Criterion) MaxPoints() int {
	if c.Max.OK {
		return c.Max.Value
	}
	n, _ := c.Highest()
	return n
}

// Cases returns the alternative cases of the criterion (nil when none).
func (c Criterion) Cases() []int {
	var out []int
	for _, o := range c.Options {
		if o.Case > 0 && (len(out) == 0 || out[len(out)-1] != o.Case) {
			out = append(out, o.Case)
		}
	}
	return out
}

// Option returns the option at a 1-based position.
func (c *Criterion) Option(pos int) (*Option, bool) {
	for i := range c.Options {
		if c.Options[i].Position == pos {
			return &c.Options[i], true
		}
	}
	return nil, false
}

// SectionLevel reports whether the criterion is its section itself (a
// section printed with options and no sub-criteria, e.g. "7. DINH DƯỠNG"):
// both then share one printed maximum.
func (c *Criterion) SectionLevel(s *Section) bool {
	return c.No == strconv.Itoa(s.No)
}

// MaxPoints is the section's maximum: as printed when readable, else the
// sum of its criteria maxima.
func (s Section) MaxPoints() int {
	if s.Max.OK {
		return s.Max.Value
	}
	return s.CriteriaMax()
}

// CriteriaMax adds up the maxima of the section's criteria.
func (s Section) CriteriaMax() int {
	n := 0
	for i := range s.Criteria {
		n += s.Criteria[i].MaxPoints()
	}
	return n
}

// Achievable adds up the highest options of the part's criteria: what an
// assessor can actually award, whatever the headings print.
func (p Part) Achievable() int {
	n := 0
	for i := range p.Sections {
		for j := range p.Sections[i].Criteria {
			h, _ := p.Sections[i].Criteria[j].Highest()
			n += h
		}
	}
	return n
}

// Part returns the part with the code.
func (s *CriteriaSet) Part(code string) (*Part, bool) {
	for i := range s.Parts {
		if s.Parts[i].Code == code {
			return &s.Parts[i], true
		}
	}
	return nil, false
}

// Criterion returns the criterion with the number and its section.
func (s *CriteriaSet) Criterion(no string) (*Criterion, *Section, bool) {
	for i := range s.Parts {
		for j := range s.Parts[i].Sections {
			sec := &s.Parts[i].Sections[j]
			for k := range sec.Criteria {
				if sec.Criteria[k].No == no {
					return &sec.Criteria[k], sec, true
				}
			}
		}
	}
	return nil, nil, false
}

// Section returns the section with the number.
func (s *CriteriaSet) Section(no int) (*Section, bool) {
	for i := range s.Parts {
		for j := range s.Parts[i].Sections {
			if s.Parts[i].Sections[j].No == no {
				return &s.Parts[i].Sections[j], true
			}
		}
	}
	return nil, false
}

// Each calls fn for every criterion in document order.
func (s *CriteriaSet) Each(fn func(p *Part, sec *Section, c *Criterion)) {
	for i := range s.Parts {
		for j := range s.Parts[i].Sections {
			for k := range s.Parts[i].Sections[j].Criteria {
				fn(&s.Parts[i], &s.Parts[i].Sections[j], &s.Parts[i].Sections[j].Criteria[k])
			}
		}
	}
}

// CriterionCount is the number of criteria (headings that own options).
func (s *CriteriaSet) CriterionCount() int {
	n := 0
	s.Each(func(*Part, *Section, *Criterion) { n++ })
	return n
}

// OptionCount is the number of answer options, one per row of the source
// file (a criterion printed without options counts its one row).
func (s *CriteriaSet) OptionCount() int {
	n := 0
	s.Each(func(_ *Part, _ *Section, c *Criterion) { n += len(c.Options) })
	return n
}

// StarCount is the number of options marked for the star level.
func (s *CriteriaSet) StarCount(star int) int {
	n := 0
	s.Each(func(_ *Part, _ *Section, c *Criterion) {
		for _, o := range c.Options {
			if o.Star == star {
				n++
			}
		}
	})
	return n
}

// Total is the achievable total of the set (100 when it is sound).
func (s *CriteriaSet) Total() int {
	n := 0
	for i := range s.Parts {
		n += s.Parts[i].Achievable()
	}
	return n
}

// Scorecards manages the official scorecards over the database: browsing,
// validation, corrections, versions, activation, import and export.
type Scorecards struct {
	db  *db.DB
	now func() time.Time
	// InUse reports whether a set version has been used for scoring. A
	// version in use is never edited in place: a correction goes to a new
	// draft version, activated when the office publishes it. Scoring does
	// not exist yet, so nil means "never in use"; the scoring code sets
	// this hook when it is wired in (and tests set it to exercise the
	// versioning path).
	InUse func(ctx context.Context, q db.Queryer, setID int64) (bool, error)
}

// NewScorecards returns the scorecard service.
func NewScorecards(d *db.DB, now func() time.Time) *Scorecards {
	if now == nil {
		now = time.Now
	}
	return &Scorecards{db: d, now: now}
}

func (s *Scorecards) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

func (s *Scorecards) inUse(ctx context.Context, q db.Queryer, setID int64) (bool, error) {
	if s.InUse == nil {
		return false, nil
	}
	return s.InUse(ctx, q, setID)
}

// CanManage reports whether p may correct, activate and import scorecards:
// the programme office and administrators.
func CanManage(p *account.Principal) bool { return p.Province() }

func needManage(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !CanManage(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// canSee reports whether p may open a version: everyone may read active
// versions (they are the law); signed-in users may also read drafts and
// retired versions.
func canSee(p *account.Principal, status string) bool {
	return p != nil || status == SetActive
}
