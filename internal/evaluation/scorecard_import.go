package evaluation

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// File formats of import and export.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Bounds of an uploaded file. An XLSX file is a zip archive that can unpack
// to far more than it weighs, so what it unpacks to is bounded too.
const (
	MaxImportBytes = 10 << 20
	maxUnzipBytes  = 100 << 20
	maxZipEntries  = 1_000
)

// ImportOptions say how to read a file and whether to store it.
type ImportOptions struct {
	// Format is FormatCSV, FormatXLSX or "" to recognise the file by its
	// content.
	Format string
	// DryRun parses and validates, and stores nothing.
	DryRun bool
	// Label names the new versions ("" for a default).
	Label string
}

// ImportedSet is one scorecard found in an imported file.
type ImportedSet struct {
	SetNo    int    `json:"set_no"`
	Name     string `json:"name"`
	Rows     [2]int `json:"rows"`
	Criteria int    `json:"criteria"`
	Options  int    `json:"options"`
	Report   Report `json:"report"`
	// Unchanged is true when the latest version already says the same.
	Unchanged bool `json:"unchanged,omitempty"`
	// ID is the new draft version (0 in a dry run, when unchanged, or when
	// the file was refused).
	ID      int64 `json:"id,omitempty"`
	Version int   `json:"version,omitempty"`
}

// ImportResult tells what an import found and did. When Errors is not
// empty nothing was stored.
type ImportResult struct {
	Format string        `json:"format"`
	DryRun bool          `json:"dry_run"`
	Rows   int           `json:"rows"`
	Sets   []ImportedSet `json:"sets"`
	Errors []RowError    `json:"errors"`
	// Created is the number of new draft versions stored.
	Created int `json:"created"`
}

// ImportSets reads a corrected or newer copy of one or more scorecards
// (CSV or XLSX with the columns of scorecards.csv, see Columns and
// OptionalColumns), validates each, and stores each as a new draft version
// in one transaction, with an audit row per version. Errors name the row
// (and column): a row that cannot be read, a set that does not validate
// (for instance a part that does not add up, with the part's rows). When
// there is any error nothing is stored. Notes, the rejection line and the
// star footnote, which the file does not carry, are taken from the latest
// version of the same scorecard. Programme office and administrators only.
func (s *Scorecards) ImportSets(ctx context.Context, p *account.Principal, r io.Reader, opt ImportOptions) (ImportResult, error) {
	if err := needManage(p); err != nil {
		return ImportResult{}, err
	}
	if opt.Format != "" && opt.Format != FormatCSV && opt.Format != FormatXLSX {
		return ImportResult{}, apperr.Fields(apperr.Field("format", "scorecard.err_format"))
	}
	opt.Label = textfold.NFC(opt.Label)
	if utf8.RuneCountInString(opt.Label) > 200 {
		return ImportResult{}, apperr.Fields(apperr.Field("label", "err.too_long", 200))
	}
	sh, format, err := readUpload(r, opt.Format)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Format: format, DryRun: opt.DryRun, Rows: len(sh.rows), Sets: []ImportedSet{}, Errors: []RowError{}}
	sets, rowErrs := parseSheet(sh)
	if len(rowErrs) > 0 {
		res.Errors = rowErrs
		return res, nil
	}
	_, hasNotes := indexOf(sh.header, ColNotes)
	if err := s.inherit(ctx, sets, !hasNotes); err != nil {
		return ImportResult{}, err
	}
	for _, set := range sets {
		set.Source = SourceImported
		set.ContentHash = contentHash(set)
		set.OriginHash = set.ContentHash
		rep := Validate(set)
		is := ImportedSet{SetNo: set.SetNo, Name: set.Name, Rows: set.Rows, Criteria: set.CriterionCount(), Options: set.OptionCount(), Report: rep}
		if code, err := categoryFor(ctx, s.db, set.SetNo); err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				return ImportResult{}, err
			}
			res.Errors = append(res.Errors, RowError{Row: set.Rows[0], Column: ColGroup, Key: "scorecard.err_no_category", Args: []any{set.SetNo}})
		} else {
			set.CategoryVersion, set.CategoryCode = registry.CurrentCategoryVersion, code
		}
		for _, i := range rep.Issues {
			if i.Severity != SeverityError {
				continue
			}
			e := RowError{Row: i.Rows[0], Column: issueColumn(i), Key: "scorecard.err_import_issue", Args: []any{set.SetNo, i.Rows[0], i.Rows[1]}, Issue: &i}
			if i.Rows[0] == i.Rows[1] {
				e.Key, e.Args = "scorecard.err_import_issue_row", []any{set.SetNo, i.Rows[0]}
			}
			res.Errors = append(res.Errors, e)
		}
		var latest string
		err := s.db.QueryRowContext(ctx, "SELECT content_hash FROM criteria_sets WHERE decision = ? AND set_no = ? ORDER BY version DESC LIMIT 1",
			set.Decision, set.SetNo).Scan(&latest)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return ImportResult{}, err
		}
		is.Unchanged = latest == set.ContentHash
		res.Sets = append(res.Sets, is)
	}
	if len(res.Errors) > 0 || opt.DryRun {
		slices.SortStableFunc(res.Errors, func(a, b RowError) int { return a.Row - b.Row })
		return res, nil
	}
	label := opt.Label
	if label == "" {
		label = "Nhập từ tệp"
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for i, set := range sets {
			if res.Sets[i].Unchanged {
				continue
			}
			v, err := nextVersion(ctx, tx, set.Decision, set.SetNo)
			if err != nil {
				return err
			}
			set.Version, set.Label, set.Status = v, label, SetDraft
			set.CreatedAt, set.CreatedBy, set.CreatedByName = db.Now(), p.UserID, p.Username
			if err := insertSet(ctx, tx, set); err != nil {
				return err
			}
			if err := account.Audit(ctx, tx, p, "scorecard.import", "criteria_set", set.ID, "", nil, map[string]any{
				"set_no": set.SetNo, "version": v, "format": format, "rows": set.Rows, "options": set.OptionCount(), "content_hash": set.ContentHash,
			}); err != nil {
				return err
			}
			res.Sets[i].ID, res.Sets[i].Version = set.ID, v
			res.Created++
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// issueColumn is the column a validation error points at.
func issueColumn(i Issue) string {
	switch i.Code {
	case IssuePartTotal:
		return ColPart
	case IssueOptionAboveMax, IssuePointsEmpty, IssuePointsDuplicate:
		return ColPoints
	}
	return ""
}

func indexOf(header []string, col string) (int, bool) {
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), col) {
			return i, true
		}
	}
	return 0, false
}

// inherit copies what the file format does not carry (the rejection line,
// the star footnote, and the criteria notes when the file has no notes
// column) from the latest version of each scorecard.
func (s *Scorecards) inherit(ctx context.Context, sets []*CriteriaSet, notes bool) error {
	for _, set := range sets {
		var id int64
		err := s.db.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE decision = ? AND set_no = ? ORDER BY version DESC LIMIT 1",
			set.Decision, set.SetNo).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		prev, err := loadSet(ctx, s.db, id)
		if err != nil {
			return err
		}
		set.Rejection, set.StarFootnote = prev.Rejection, prev.StarFootnote
		if !notes {
			continue
		}
		set.Each(func(_ *Part, _ *Section, c *Criterion) {
			if old, _, ok := prev.Criterion(c.No); ok && c.Notes == "" {
				c.Notes = old.Notes
				c.Gate = gateOf(c)
			}
		})
	}
	return nil
}

// readUpload reads and bounds an uploaded file, recognising its format by
// content (a file's name and declared type say nothing reliable).
func readUpload(r io.Reader, format string) (sheet, string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return sheet{}, "", apperr.Wrap(apperr.Invalid, err, "scorecard.err_read")
	}
	if len(b) > MaxImportBytes {
		return sheet{}, "", apperr.Fields(apperr.Field("file", "scorecard.err_too_large", MaxImportBytes>>20))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))) == 0 {
		return sheet{}, "", apperr.Fields(apperr.Field("file", "scorecard.err_empty_file"))
	}
	got := ""
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		got = FormatXLSX
	case utf8.Valid(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))) && bytes.IndexByte(b, 0) < 0:
		got = FormatCSV
	default:
		return sheet{}, "", apperr.Fields(apperr.Field("file", "scorecard.err_not_spreadsheet"))
	}
	if format != "" && format != got {
		return sheet{}, "", apperr.Fields(apperr.Field("file", "scorecard.err_format_mismatch", strings.ToUpper(format), strings.ToUpper(got)))
	}
	var sh sheet
	if got == FormatXLSX {
		sh, err = readXLSXSheet(b)
	} else {
		sh, err = readCSVSheet(b)
	}
	if err != nil {
		var re RowError
		if errors.As(err, &re) {
			return sheet{}, "", apperr.Fields(apperr.Field("file", re.Key, append([]any{re.Row}, re.Args...)...))
		}
		return sheet{}, "", err
	}
	return sh, got, nil
}

// readXLSXSheet reads the first sheet of a workbook.
func readXLSXSheet(b []byte) (sh sheet, err error) {
	defer func() {
		// A malformed workbook is a message to the user, never a crash.
		if r := recover(); r != nil {
			sh, err = sheet{}, apperr.Fields(apperr.Field("file", "scorecard.err_not_spreadsheet"))
		}
	}()
	bad := apperr.Fields(apperr.Field("file", "scorecard.err_not_spreadsheet"))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return sheet{}, bad
	}
	if len(zr.File) > maxZipEntries {
		return sheet{}, apperr.Fields(apperr.Field("file", "scorecard.err_unzip_too_large", maxUnzipBytes>>20))
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxUnzipBytes {
			return sheet{}, apperr.Fields(apperr.Field("file", "scorecard.err_unzip_too_large", maxUnzipBytes>>20))
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return sheet{}, bad
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return sheet{}, apperr.Fields(apperr.Field("file", "scorecard.err_empty_file"))
	}
	rows, err := f.Rows(names[0])
	if err != nil {
		return sheet{}, bad
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return sheet{}, bad
		}
		if err := sh.add(n, cells); err != nil {
			return sheet{}, err
		}
	}
	if rows.Error() != nil {
		return sheet{}, bad
	}
	if sh.header == nil {
		return sheet{}, apperr.Fields(apperr.Field("file", "scorecard.err_empty_file"))
	}
	return sh, nil
}

// ExportCSV writes a version in the import format (the columns of
// scorecards.csv, then the optional ones), so that the office can edit a
// copy and import it back. A UTF-8 byte order mark makes spreadsheets read
// it as UTF-8; cells that would start a formula are prefixed with an
// apostrophe.
func (s *Scorecards) ExportCSV(ctx context.Context, p *account.Principal, id int64, w io.Writer) (*CriteriaSet, error) {
	set, err := s.GetSet(ctx, p, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	cw := csv.NewWriter(&buf)
	if err := cw.Write(append(Columns(), OptionalColumns()...)); err != nil {
		return nil, err
	}
	for _, rec := range exportRecords(set) {
		for i, v := range rec {
			if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
				rec[i] = "'" + v
			}
		}
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return nil, fmt.Errorf("export scorecard %d: %w", id, err)
	}
	return set, nil
}
