package evaluation

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/textfold"
)

// The embedded scorecards: an unchanged copy of the shared scorecards.csv
// and what the printed scorecards add to it (data/README.md says where each
// comes from).
var (
	//go:embed data/scorecards-26-2026.csv
	embeddedCSV []byte
	//go:embed data/scorecards-26-2026-print.csv
	embeddedPrint []byte
)

// The columns of scorecards.csv, which is also the format of import and
// export (one row per answer option).
const (
	ColDecision    = "decision"
	ColGroup       = "product_group"      // "7. Chế biến từ rau, củ, quả, hạt [Sản phẩm: …]"
	ColPart        = "part"               // "A. SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)"
	ColSection     = "section"            // "1. TỔ CHỨC SẢN XUẤT"
	ColCriterionNo = "criterion_no"       // "1.5", "7", "6.1.1"
	ColCriterion   = "criterion"          // title; "6.1. Ngoại hình › Tạp chất" for third-level criteria
	ColOption      = "option"             // empty for a criterion printed without options
	ColPoints      = "points"             // as printed; may be empty
	ColStar        = "mandatory_for_star" // 3, 4, 5 or empty
	// Optional columns, written by exports so that a file round-trips.
	ColSectionMax   = "section_max"   // the section's printed maximum
	ColCriterionMax = "criterion_max" // the criterion's printed maximum
	ColCase         = "case_group"    // 1 or 2 for the alternative cases of set 26
	ColNotes        = "notes"         // the criterion's printed notes
)

// Columns returns the required columns in order.
func Columns() []string {
	return []string{ColDecision, ColGroup, ColPart, ColSection, ColCriterionNo, ColCriterion, ColOption, ColPoints, ColStar}
}

// OptionalColumns returns the optional columns in order.
func OptionalColumns() []string {
	return []string{ColSectionMax, ColCriterionMax, ColCase, ColNotes}
}

// RowError is one problem with one row of a scorecard file.
type RowError struct {
	// Row is the row number as a spreadsheet shows it (the header is row 1).
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Key    string `json:"key"`
	Args   []any  `json:"args,omitempty"`
	// Issue is the validation issue behind a "scorecard.err_import_issue"
	// error, whose message ends with the issue's own message.
	Issue *Issue `json:"issue,omitempty"`
}

// Error makes a RowError usable as an error (for logs; users see Key).
func (e RowError) Error() string {
	return fmt.Sprintf("row %d %s: %s %v", e.Row, e.Column, e.Key, e.Args)
}

// sheet is a file read into memory: its header and its non-empty rows.
type sheet struct {
	header []string
	rows   []sheetRow
}

type sheetRow struct {
	n     int
	cells []string
}

// maxRowErrors bounds the errors collected from one file.
const maxRowErrors = 500

var (
	groupRe     = regexp.MustCompile(`^(\d{1,3})\s*\.\s*(.+?)\s*(?:\[(.*)\])?$`)
	partRe      = regexp.MustCompile(`^([ABCabc])\s*[.:]\s*(.*?)\s*(?:\(\s*(\d+)\s*[Đđ][Ii][Ểể][Mm]\s*\))?$`)
	sectionRe   = regexp.MustCompile(`^(\d{1,2})\s*\.\s*(.+)$`)
	criterionRe = regexp.MustCompile(`^\d{1,2}(\.\d{1,2}){0,2}$`)
	parentRe    = regexp.MustCompile(`^\d+(?:\.\d+)*\.?\s*(.*)$`)
)

// builders keep pointers while a file is read; the result is assembled at
// the end.
type bSet struct {
	set    *CriteriaSet
	group  string
	parts  map[string]*bPart
	secs   map[int]*bSection
	crits  map[string]*bCrit
	order  []string // part codes in order of appearance
	hasMax bool
}

type bPart struct {
	p    Part
	secs []*bSection
}

type bSection struct {
	s     Section
	part  string
	crits []*bCrit
}

type bCrit struct {
	c         Criterion
	sec       int
	notes     []string
	caseGiven bool
}

func widen(r *[2]int, n int) {
	if r[0] == 0 || n < r[0] {
		r[0] = n
	}
	if n > r[1] {
		r[1] = n
	}
}

// parseSheet turns the rows of a scorecard file into criteria sets, in the
// order they appear. Row errors name the row and column; a row with an
// error is left out, and the caller must not store anything when there are
// errors.
func parseSheet(sh sheet) ([]*CriteriaSet, []RowError) {
	var errs []RowError
	add := func(row int, col, key string, args ...any) {
		if len(errs) < maxRowErrors {
			errs = append(errs, RowError{Row: row, Column: col, Key: key, Args: args})
		}
	}
	idx := map[string]int{}
	for i, h := range sh.header {
		k := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if k == "" {
			continue
		}
		if _, dup := idx[k]; dup {
			add(1, h, "scorecard.err_duplicate_column")
			continue
		}
		idx[k] = i
	}
	for _, c := range Columns() {
		if _, ok := idx[c]; !ok {
			add(1, c, "scorecard.err_missing_column")
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(sh.rows) == 0 {
		return nil, []RowError{{Row: 2, Key: "scorecard.err_no_rows", Args: []any{2}}}
	}
	cell := func(r sheetRow, col string) string {
		i, ok := idx[col]
		if !ok || i >= len(r.cells) {
			return ""
		}
		return textfold.NFC(r.cells[i])
	}
	var order []*bSet
	sets := map[int]*bSet{}
	for _, r := range sh.rows {
		before := len(errs)
		decision := cell(r, ColDecision)
		if decision == "" {
			add(r.n, ColDecision, "scorecard.err_required")
		}
		group := cell(r, ColGroup)
		gm := groupRe.FindStringSubmatch(group)
		setNo := 0
		if gm == nil {
			add(r.n, ColGroup, "scorecard.err_group")
		} else if setNo, _ = strconv.Atoi(gm[1]); setNo < 1 || setNo > 99 {
			add(r.n, ColGroup, "scorecard.err_group")
		}
		pm := partRe.FindStringSubmatch(cell(r, ColPart))
		if pm == nil {
			add(r.n, ColPart, "scorecard.err_part")
		}
		sm := sectionRe.FindStringSubmatch(cell(r, ColSection))
		secNo := 0
		if sm == nil {
			add(r.n, ColSection, "scorecard.err_section")
		} else {
			secNo, _ = strconv.Atoi(sm[1])
		}
		critNo := strings.TrimSuffix(cell(r, ColCriterionNo), ".")
		if !criterionRe.MatchString(critNo) {
			add(r.n, ColCriterionNo, "scorecard.err_criterion_no")
		} else if sm != nil && strings.SplitN(critNo, ".", 2)[0] != sm[1] {
			add(r.n, ColCriterionNo, "scorecard.err_criterion_section", critNo, secNo)
		}
		title := cell(r, ColCriterion)
		if title == "" {
			add(r.n, ColCriterion, "scorecard.err_required")
		}
		text := cell(r, ColOption)
		points := ParsePrinted(cell(r, ColPoints))
		if !points.Empty() && (!points.OK || points.Value > 100) {
			add(r.n, ColPoints, "scorecard.err_points", points.Text)
		}
		if text == "" && points.Empty() {
			add(r.n, ColPoints, "scorecard.err_yes_no_points")
		}
		star, ok := parseStar(cell(r, ColStar))
		if !ok {
			add(r.n, ColStar, "scorecard.err_star", cell(r, ColStar))
		}
		caseNo := 0
		if v := cell(r, ColCase); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 9 {
				add(r.n, ColCase, "scorecard.err_case", v)
			}
			caseNo = n
		}
		secMax, critMax := ParsePrinted(cell(r, ColSectionMax)), ParsePrinted(cell(r, ColCriterionMax))
		if secMax.OK && secMax.Value > 100 {
			add(r.n, ColSectionMax, "scorecard.err_points", secMax.Text)
		}
		if critMax.OK && critMax.Value > 100 {
			add(r.n, ColCriterionMax, "scorecard.err_points", critMax.Text)
		}
		if len(errs) > before {
			continue
		}

		b := sets[setNo]
		if b == nil {
			b = &bSet{set: &CriteriaSet{Decision: decision, SetNo: setNo, Name: gm[2], Classification: strings.TrimSpace(gm[3]), StarFootnote: true},
				group: group, parts: map[string]*bPart{}, secs: map[int]*bSection{}, crits: map[string]*bCrit{}}
			sets[setNo] = b
			order = append(order, b)
		} else if b.group != group {
			add(r.n, ColGroup, "scorecard.err_group_changed", setNo, b.group)
			continue
		} else if b.set.Decision != decision {
			add(r.n, ColDecision, "scorecard.err_decision_changed", setNo, b.set.Decision)
			continue
		}
		widen(&b.set.Rows, r.n)
		code := strings.ToUpper(pm[1])
		bp := b.parts[code]
		if bp == nil {
			bp = &bPart{p: Part{Code: code, Title: pm[2], PrintedMax: ParsePrinted(pm[3])}}
			b.parts[code] = bp
			b.order = append(b.order, code)
		}
		bs := b.secs[secNo]
		if bs == nil {
			bs = &bSection{s: Section{No: secNo, Title: strings.TrimSpace(sm[2])}, part: code}
			b.secs[secNo] = bs
			bp.secs = append(bp.secs, bs)
		} else if bs.part != code {
			add(r.n, ColPart, "scorecard.err_section_part", secNo, bs.part)
			continue
		}
		if bs.s.Max.Empty() {
			bs.s.Max = secMax
		}
		bc := b.crits[critNo]
		if bc == nil {
			c := Criterion{No: critNo, Title: title}
			if strings.Count(critNo, ".") == 2 {
				c.ParentNo = critNo[:strings.LastIndex(critNo, ".")]
				if parent, own, ok := strings.Cut(title, "›"); ok {
					c.Title = strings.TrimSpace(own)
					if m := parentRe.FindStringSubmatch(strings.TrimSpace(parent)); m != nil {
						c.ParentTitle = strings.TrimSpace(m[1])
					}
				}
			}
			bc = &bCrit{c: c, sec: secNo}
			b.crits[critNo] = bc
			bs.crits = append(bs.crits, bc)
		} else if bc.sec != secNo {
			add(r.n, ColSection, "scorecard.err_criterion_moved", critNo, bc.sec)
			continue
		}
		if text == "" || bc.c.YesNo {
			if len(bc.c.Options) > 0 {
				add(r.n, ColOption, "scorecard.err_empty_option", critNo)
				continue
			}
			bc.c.YesNo = true
		}
		if bc.c.Max.Empty() {
			bc.c.Max = critMax
		}
		if n := cell(r, ColNotes); n != "" && !slices.Contains(bc.notes, n) {
			bc.notes = append(bc.notes, n)
		}
		if caseNo > 0 {
			bc.caseGiven = true
		}
		bc.c.Options = append(bc.c.Options, Option{Position: len(bc.c.Options) + 1, Text: text, Points: points, Star: star, Case: caseNo, Row: r.n})
		widen(&bc.c.Rows, r.n)
		widen(&bs.s.Rows, r.n)
		widen(&bp.p.Rows, r.n)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	out := make([]*CriteriaSet, 0, len(order))
	for _, b := range order {
		out = append(out, b.assemble())
	}
	return out, nil
}

func (b *bSet) assemble() *CriteriaSet {
	set := b.set
	codes := slices.Clone(b.order)
	slices.Sort(codes)
	for _, code := range codes {
		bp := b.parts[code]
		for _, bs := range bp.secs {
			for _, bc := range bs.crits {
				c := bc.c
				c.Notes = strings.Join(bc.notes, "\n")
				if !bc.caseGiven {
					detectCases(&c)
				}
				if c.SectionLevel(&bs.s) {
					switch {
					case c.Max.Empty():
						c.Max = bs.s.Max
					case bs.s.Max.Empty():
						bs.s.Max = c.Max
					}
				}
				c.Gate = gateOf(&c)
				bs.s.Criteria = append(bs.s.Criteria, c)
			}
			bp.p.Sections = append(bp.p.Sections, bs.s)
		}
		set.Parts = append(set.Parts, bp.p)
	}
	return set
}

func parseStar(v string) (int, bool) {
	switch strings.TrimSpace(v) {
	case "":
		return 0, true
	case "3", "***":
		return 3, true
	case "4", "****":
		return 4, true
	case "5", "*****":
		return 5, true
	}
	return 0, false
}

// detectCases recognises a criterion whose options are two alternative
// lists flattened into one (set 26: "Lựa chọn một trong hai trường hợp
// sau"): the points rise, fall back to where they started and rise again
// to the same maximum, e.g. 1, 3, 1, 3. A single typo (0, 11, 2) does not
// match, because the list does not restart at its first value.
func detectCases(c *Criterion) {
	n := len(c.Options)
	if n < 4 {
		return
	}
	p := make([]int, n)
	for i, o := range c.Options {
		if !o.Points.OK {
			return
		}
		p[i] = o.Points.Value
	}
	k := -1
	for i := 1; i < n; i++ {
		if p[i] < p[i-1] {
			if k >= 0 {
				return
			}
			k = i
		}
	}
	if k < 2 || n-k < 2 || p[k] != p[0] || p[k-1] != p[n-1] {
		return
	}
	for i := range c.Options {
		c.Options[i].Case = 1
		if i >= k {
			c.Options[i].Case = 2
		}
	}
}

// gateOf reads the gate a criterion's notes (or an option's inline note)
// print: "Bị loại nếu …" and "Không đánh giá những sản phẩm …" reject the
// dossier; "… sẽ không đánh giá các bước tiếp theo" and "Không xem xét
// các chỉ tiêu khác …" stop the evaluation.
func gateOf(c *Criterion) string {
	texts := []string{c.Notes}
	for _, o := range c.Options {
		texts = append(texts, o.Text)
	}
	gate := ""
	for _, t := range texts {
		f := textfold.Fold(t)
		switch {
		case strings.Contains(f, "bi loai"), strings.Contains(f, "khong danh gia nhung san pham"):
			return GateReject
		case strings.Contains(f, "khong danh gia cac buoc tiep theo"), strings.Contains(f, "khong xem xet cac chi tieu khac"):
			gate = GateStop
		}
	}
	return gate
}

// readCSVSheet reads CSV bytes (UTF-8, with or without a byte order mark,
// separated by commas, semicolons or tabs). Row numbers count records, the
// header being row 1.
func readCSVSheet(b []byte) (sheet, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = sniffComma(b)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var sh sheet
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := n + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return sheet{}, RowError{Row: line, Key: "scorecard.err_csv"}
		}
		n++
		if err := sh.add(n, rec); err != nil {
			return sheet{}, err
		}
	}
	if sh.header == nil {
		return sheet{}, RowError{Row: 1, Key: "scorecard.err_no_rows"}
	}
	return sh, nil
}

// Bounds of an uploaded scorecard file: all 26 scorecards take about 2,600
// rows and 1 MB.
const (
	maxSheetRows    = 20_000
	maxSheetColumns = 50
)

func (sh *sheet) add(n int, cells []string) error {
	empty := true
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil
	}
	if sh.header == nil {
		if len(cells) > maxSheetColumns {
			return RowError{Row: n, Key: "scorecard.err_too_many_columns", Args: []any{maxSheetColumns}}
		}
		sh.header = cells
		return nil
	}
	if len(sh.rows) >= maxSheetRows {
		return RowError{Row: n, Key: "scorecard.err_too_many_rows", Args: []any{maxSheetRows}}
	}
	// Spreadsheets open CSV cells that start with = + - @ as formulas, so
	// exports prefix them with an apostrophe; take it away again.
	for i, v := range cells {
		if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
			cells[i] = v[1:]
		}
	}
	sh.rows = append(sh.rows, sheetRow{n: n, cells: cells})
	return nil
}

func sniffComma(b []byte) rune {
	line := b[:min(len(b), 64<<10)]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	best, count := ',', bytes.Count(line, []byte{','})
	for _, r := range []rune{';', '\t'} {
		if c := bytes.Count(line, []byte(string(r))); c > count {
			best, count = r, c
		}
	}
	return best
}

// printRow is one row of the embedded print supplement.
type printRow struct {
	setNo           int
	kind, no, value string
	line            int
}

func parsePrint(b []byte) ([]printRow, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("scorecard print supplement: %w", err)
	}
	var out []printRow
	for i, r := range recs[1:] {
		if len(r) != 4 {
			return nil, fmt.Errorf("scorecard print supplement line %d: want 4 columns", i+2)
		}
		n, err := strconv.Atoi(r[0])
		if err != nil {
			return nil, fmt.Errorf("scorecard print supplement line %d: %w", i+2, err)
		}
		out = append(out, printRow{setNo: n, kind: r[1], no: r[2], value: r[3], line: i + 2})
	}
	return out, nil
}

// applyPrint adds to parsed sets what the printed scorecards show and the
// CSV does not carry: printed maxima, notes, rejection lines, star footnotes.
func applyPrint(sets []*CriteriaSet, rows []printRow) error {
	by := map[int]*CriteriaSet{}
	for _, s := range sets {
		by[s.SetNo] = s
	}
	for _, r := range rows {
		set := by[r.setNo]
		if set == nil {
			return fmt.Errorf("scorecard print supplement line %d: no set %d", r.line, r.setNo)
		}
		switch r.kind {
		case "section_max":
			no, _ := strconv.Atoi(r.no)
			sec, ok := set.Section(no)
			if !ok {
				return fmt.Errorf("scorecard print supplement line %d: set %d has no section %s", r.line, r.setNo, r.no)
			}
			sec.Max = ParsePrinted(r.value)
			for i := range sec.Criteria {
				if sec.Criteria[i].SectionLevel(sec) {
					sec.Criteria[i].Max = sec.Max
				}
			}
		case "criterion_max", "note":
			c, _, ok := set.Criterion(r.no)
			if !ok {
				return fmt.Errorf("scorecard print supplement line %d: set %d has no criterion %s", r.line, r.setNo, r.no)
			}
			if r.kind == "note" {
				c.Notes = strings.TrimSpace(c.Notes + "\n" + r.value)
				c.Gate = gateOf(c)
			} else {
				c.Max = ParsePrinted(r.value)
			}
		case "rejection":
			set.Rejection = r.value
		case "star_footnote":
			set.StarFootnote = r.value == "1"
		default:
			return fmt.Errorf("scorecard print supplement line %d: unknown kind %q", r.line, r.kind)
		}
	}
	return nil
}

// seedVersion changes when the way the embedded data is read changes, so
// that databases seeded by an older binary are brought up to date.
const seedVersion = "1"

// EmbeddedHash identifies the embedded scorecards and the way they are
// read: what SeedScorecards keys the refdata row on (and what a cache of
// seeded databases, such as the test templates, should key on too).
func EmbeddedHash() string {
	h := sha256.New()
	h.Write([]byte(seedVersion))
	h.Write(embeddedCSV)
	h.Write(embeddedPrint)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// LoadEmbedded parses the scorecards embedded in the binary: the 26
// scorecards of Decision 26/2026/QĐ-TTg exactly as published, defects
// included (Validate reports them).
func LoadEmbedded() ([]*CriteriaSet, error) {
	sh, err := readCSVSheet(embeddedCSV)
	if err != nil {
		return nil, fmt.Errorf("embedded scorecards: %w", err)
	}
	sets, errs := parseSheet(sh)
	if len(errs) > 0 {
		return nil, fmt.Errorf("embedded scorecards: %w", errs[0])
	}
	rows, err := parsePrint(embeddedPrint)
	if err != nil {
		return nil, err
	}
	if err := applyPrint(sets, rows); err != nil {
		return nil, err
	}
	for _, s := range sets {
		s.Source = SourceEmbedded
		s.ContentHash = contentHash(s)
		s.OriginHash = s.ContentHash
	}
	return sets, nil
}

// contentHash identifies what a version says (not who loaded it or when),
// so that loading the same content twice is recognised.
func contentHash(s *CriteriaSet) string {
	h := sha256.New()
	w := csv.NewWriter(h)
	_ = w.Write([]string{s.Rejection, strconv.FormatBool(s.StarFootnote)})
	for _, rec := range exportRecords(s) {
		_ = w.Write(rec)
	}
	w.Flush()
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// exportRecords writes a set in the file format: the required columns,
// then the optional ones. Maxima and notes are written once, on the first
// row of their section or criterion.
func exportRecords(s *CriteriaSet) [][]string {
	var out [][]string
	group := fmt.Sprintf("%d. %s", s.SetNo, s.Name)
	if s.Classification != "" {
		group += " [" + s.Classification + "]"
	}
	for _, p := range s.Parts {
		part := p.Code + ". " + p.Title
		if !p.PrintedMax.Empty() {
			part += " (" + p.PrintedMax.Text + " Điểm)"
		}
		for _, sec := range p.Sections {
			secMax := sec.Max.Text
			for _, c := range sec.Criteria {
				title := c.Title
				if c.ParentNo != "" {
					title = c.ParentNo + ". " + c.ParentTitle + " › " + c.Title
				}
				critMax, notes := c.Max.Text, c.Notes
				if c.SectionLevel(&sec) {
					critMax = ""
				}
				for _, o := range c.Options {
					star, cs := "", ""
					if o.Star > 0 {
						star = strconv.Itoa(o.Star)
					}
					if o.Case > 0 {
						cs = strconv.Itoa(o.Case)
					}
					out = append(out, []string{s.Decision, group, part, fmt.Sprintf("%d. %s", sec.No, sec.Title), c.No, title,
						o.Text, o.Points.Text, star, secMax, critMax, cs, notes})
					secMax, critMax, notes = "", "", ""
				}
			}
		}
	}
	return out
}
