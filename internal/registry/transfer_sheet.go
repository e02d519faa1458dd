package registry

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ocop/internal/apperr"
	"ocop/internal/textfold"
)

// table is a spreadsheet read into memory: the header row and the
// non-empty data rows, each with its row number as the user sees it.
type table struct {
	header []string
	rows   []tableRow
}

type tableRow struct {
	n     int
	cells []string
}

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts Excel 97–2003 files and password-protected XLSX.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte("\xEF\xBB\xBF")
)

func notSpreadsheet() error { return apperr.New(apperr.Invalid, "transfer.err_not_spreadsheet") }

// sniff recognises the format by content: a file's name and declared type
// say nothing reliable.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, zipMagic):
		return FormatXLSX
	case bytes.HasPrefix(b, oleMagic):
		return "ole"
	}
	text := bytes.TrimPrefix(b, utf8BOM)
	if !utf8.Valid(text) || bytes.IndexByte(text, 0) >= 0 {
		return ""
	}
	return FormatCSV
}

// readTable reads and bounds an uploaded spreadsheet.
func readTable(r io.Reader, format string) (table, string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return table{}, "", apperr.Wrap(apperr.Invalid, err, "transfer.err_read")
	}
	if len(b) > MaxImportBytes {
		return table{}, "", apperr.New(apperr.Invalid, "transfer.err_too_large", MaxImportBytes>>20)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(b, utf8BOM))) == 0 {
		return table{}, "", apperr.New(apperr.Invalid, "transfer.err_empty")
	}
	got := sniff(b)
	switch {
	case got == "ole":
		return table{}, "", apperr.New(apperr.Invalid, "transfer.err_old_excel")
	case got == "":
		return table{}, "", notSpreadsheet()
	case format != "" && format != got:
		return table{}, "", apperr.New(apperr.Invalid, "transfer.err_format_mismatch", strings.ToUpper(format), strings.ToUpper(got))
	}
	var t table
	if got == FormatXLSX {
		t, err = readXLSX(b)
	} else {
		t, err = readCSV(b)
	}
	return t, got, err
}

// collector gathers rows: the first non-empty row is the header, empty rows
// are skipped (their numbers still count), and the row limit applies.
type collector struct {
	t    table
	seen bool
}

func (c *collector) add(n int, cells []string, csvQuoted bool) error {
	empty := true
	for i, v := range cells {
		v = strings.TrimSpace(v)
		if csvQuoted {
			v = unescapeFormula(v)
		}
		cells[i] = v
		if v != "" {
			empty = false
		}
	}
	if empty {
		return nil
	}
	if !c.seen {
		c.seen = true
		c.t.header = cells
		return nil
	}
	if len(c.t.rows) >= MaxImportRows {
		return apperr.New(apperr.Invalid, "transfer.err_too_many_rows", MaxImportRows)
	}
	// Cells beyond the header belong to no column.
	if len(cells) > len(c.t.header) {
		cells = cells[:len(c.t.header)]
	}
	c.t.rows = append(c.t.rows, tableRow{n: n, cells: cells})
	return nil
}

func (c *collector) table() (table, error) {
	if !c.seen {
		return table{}, apperr.New(apperr.Invalid, "transfer.err_empty")
	}
	return c.t, nil
}

// readCSV reads UTF-8 CSV (with or without a byte order mark) separated by
// commas, semicolons (Excel in locales with a decimal comma) or tabs.
func readCSV(b []byte) (table, error) {
	b = bytes.TrimPrefix(b, utf8BOM)
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = sniffComma(b)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var c collector
	// Row numbers as a spreadsheet shows them: one per record, counting
	// the blank lines that encoding/csv skips.
	row, lastLine := 0, 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return table{}, apperr.Wrap(apperr.Invalid, err, "transfer.err_csv", line)
		}
		start, _ := cr.FieldPos(0)
		row += 1 + max(0, start-lastLine-1)
		end, _ := cr.FieldPos(len(rec) - 1)
		lastLine = end + strings.Count(rec[len(rec)-1], "\n")
		if row == 1 && len(rec) > maxImportColumns {
			return table{}, apperr.New(apperr.Invalid, "transfer.err_too_many_columns", maxImportColumns)
		}
		if err := c.add(row, rec, true); err != nil {
			return table{}, err
		}
	}
	return c.table()
}

// sniffComma picks the separator that occurs most in the first line,
// outside quotes.
func sniffComma(b []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(b[:min(len(b), 64<<10)]) {
		if r == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if r == '\n' {
			break
		}
		if r == ',' || r == ';' || r == '\t' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// formulaStart are the first characters that make a spreadsheet treat a
// CSV cell as a formula. Exports prefix such cells with an apostrophe
// (so that opening an export never runs a formula) and imports take it
// away again.
const formulaStart = "=+-@\t\r"

func escapeFormula(v string) string {
	if v != "" && strings.ContainsRune(formulaStart, rune(v[0])) {
		return "'" + v
	}
	return v
}

func unescapeFormula(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune(formulaStart, rune(v[1])) {
		return v[1:]
	}
	return v
}

// readXLSX reads the first data sheet of an XLSX workbook, refusing files
// that unpack to more than maxUnzipBytes.
func readXLSX(b []byte) (t table, err error) {
	defer func() {
		// A malformed workbook must be a message to the user, never a crash.
		if r := recover(); r != nil {
			t, err = table{}, notSpreadsheet()
		}
	}()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return table{}, notSpreadsheet()
	}
	if len(zr.File) > maxZipEntries {
		return table{}, apperr.New(apperr.Invalid, "transfer.err_unzip_too_large", maxUnzipBytes>>20)
	}
	var total uint64
	for _, f := range zr.File {
		// archive/zip stops reading a part at its declared size, so the
		// declared sizes bound what excelize can unpack.
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxUnzipBytes || total > maxUnzipBytes {
			return table{}, apperr.New(apperr.Invalid, "transfer.err_unzip_too_large", maxUnzipBytes>>20)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return table{}, apperr.Wrap(apperr.Invalid, err, "transfer.err_not_spreadsheet")
	}
	defer f.Close()
	sheet := ""
	for _, name := range f.GetSheetList() {
		if textfold.Key(name) != textfold.Key(guideSheet) {
			sheet = name
			break
		}
	}
	if sheet == "" {
		return table{}, apperr.New(apperr.Invalid, "transfer.err_empty")
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return table{}, apperr.Wrap(apperr.Invalid, err, "transfer.err_not_spreadsheet")
	}
	defer rows.Close()
	var c collector
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return table{}, apperr.Wrap(apperr.Invalid, err, "transfer.err_not_spreadsheet")
		}
		if !c.seen && len(cells) > maxImportColumns {
			return table{}, apperr.New(apperr.Invalid, "transfer.err_too_many_columns", maxImportColumns)
		}
		if err := c.add(n, cells, false); err != nil {
			return table{}, err
		}
	}
	if err := rows.Error(); err != nil {
		return table{}, apperr.Wrap(apperr.Invalid, err, "transfer.err_not_spreadsheet")
	}
	return c.table()
}

// sheetWriter writes rows of text to a CSV or XLSX file.
type sheetWriter interface {
	row(cells []any) error
	close() error
}

// newSheetWriter starts a spreadsheet with the header of cols.
func newSheetWriter(w io.Writer, format, sheet string, cols []TransferColumn) (sheetWriter, error) {
	switch format {
	case FormatCSV:
		// The byte order mark makes Excel read the file as UTF-8.
		if _, err := w.Write(utf8BOM); err != nil {
			return nil, err
		}
		cw := &csvSheet{w: csv.NewWriter(w)}
		head := make([]any, len(cols))
		for i, c := range cols {
			head[i] = c.Vi
		}
		return cw, cw.row(head)
	case FormatXLSX:
		return newXLSXSheet(w, sheet, cols)
	}
	return nil, checkFormat(format)
}

type csvSheet struct{ w *csv.Writer }

func (c *csvSheet) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		rec[i] = escapeFormula(fmt.Sprint(v))
	}
	return c.w.Write(rec)
}

func (c *csvSheet) close() error {
	c.w.Flush()
	return c.w.Error()
}

type xlsxSheet struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	n     int
	after func(f *excelize.File) error
}

func newXLSXSheet(w io.Writer, sheet string, cols []TransferColumn) (*xlsxSheet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFDA"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		f.Close()
		return nil, err
	}
	// Code columns are text, so that typing 00004 keeps its zeros.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, max(c.Width, 8)); err != nil {
			f.Close()
			return nil, err
		}
		if c.Text {
			if err := sw.SetColStyle(i+1, i+1, text); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	head1 := make([]any, len(cols))
	for i, c := range cols {
		head1[i] = excelize.Cell{StyleID: head, Value: c.Vi}
	}
	x := &xlsxSheet{w: w, f: f, sw: sw}
	if err := x.row(head1); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxSheet) row(cells []any) error {
	x.n++
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, cells)
}

func (x *xlsxSheet) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if x.after != nil {
		if err := x.after(x.f); err != nil {
			return err
		}
	}
	_, err := x.f.WriteTo(x.w)
	return err
}
