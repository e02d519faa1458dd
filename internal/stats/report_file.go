package stats

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"ocop/internal/evaluation"
)

// The report follows the layout of a Vietnamese administrative document
// (Nghị định 30/2020/NĐ-CP, Phụ lục I): the issuing body top left, the
// national motto top right, the place and date, the kind of document and
// its subject centred, the body, then the recipients and the signature.

// ReportHeader is the administrative heading of a report.
type ReportHeader struct {
	// Superior and Issuer are the issuing body's parent and itself
	// ("UBND THÀNH PHỐ HÀ NỘI", "VĂN PHÒNG ĐIỀU PHỐI CHƯƠNG TRÌNH OCOP").
	Superior, Issuer string
	// Place is the place name of the date line ("Hà Nội").
	Place string
	// Signer is the signing title ("CHÁNH VĂN PHÒNG").
	Signer string
}

// headerLines returns the fixed texts of the heading.
func headerLines(r *Report, h ReportHeader, t T) (motto1, motto2, number, date, kind, subject string) {
	motto1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	motto2 = "Độc lập - Tự do - Hạnh phúc"
	number = t("stats.report_number")
	date = t("stats.report_date", h.Place, r.Today.D, int(r.Today.M), r.Today.Y)
	kind = t("stats.report_kind")
	subject = t("stats.report_subject", r.Period.Label(t))
	return
}

// reportNotes are the explanations printed under the tables.
func reportNotes(r *Report, t T) []string {
	return []string{
		t("stats.report_note_cumulative"),
		t("stats.report_note_valid", DayText(r.Period.End)),
		t("stats.report_note_units"),
		t("stats.report_note_prev", DayText(r.Prev.From), DayText(r.Prev.End)),
	}
}

// WriteReportXLSX writes the report as a workbook: the sheet "Báo cáo"
// with the heading and the three tables, and one sheet per table.
func WriteReportXLSX(w io.Writer, r *Report, h ReportHeader, t T) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "BaoCao"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman", Size: 13},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	if err != nil {
		return err
	}
	center, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 13, Italic: true},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	motto1, motto2, number, date, kind, subject := headerLines(r, h, t)
	set := func(cell, v string, style int) error {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	merge := func(a, b string) error { return f.MergeCell(sheet, a, b) }
	for _, x := range []struct {
		a, b, v string
		st      int
	}{
		{"A1", "B1", h.Superior, bold}, {"C1", "G1", motto1, bold},
		{"A2", "B2", h.Issuer, bold}, {"C2", "G2", motto2, bold},
		{"A3", "B3", number, center}, {"C3", "G3", date, center},
		{"A5", "G5", kind, bold}, {"A6", "G6", subject, bold},
	} {
		if err := merge(x.a, x.b); err != nil {
			return err
		}
		if err := set(x.a, x.v, x.st); err != nil {
			return err
		}
	}
	row := 8
	for i, tb := range ReportTables(r, t) {
		tb.Title = fmt.Sprintf("%s. %s", roman(i+1), tb.Title)
		if err := writeSheet(f, sheet, row, tb); err != nil {
			return err
		}
		row += len(tb.Rows) + 3
		name := []string{"TheoHang", "TheoXa", "ChiTieu"}[i]
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, 1, tb); err != nil {
			return err
		}
	}
	for _, n := range reportNotes(r, t) {
		if err := f.SetCellValue(sheet, fmt.Sprintf("A%d", row), n); err != nil {
			return err
		}
		row++
	}
	row++
	if err := merge(fmt.Sprintf("D%d", row), fmt.Sprintf("G%d", row)); err != nil {
		return err
	}
	if err := set(fmt.Sprintf("D%d", row), h.Signer, bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "G", 18); err != nil {
		return err
	}
	return f.Write(w)
}

// roman returns the Roman numeral of 1–10 (section numbers).
func roman(n int) string {
	return []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}[min(max(n, 0), 10)]
}

// WriteReportPDF writes the report as an A4 PDF in DejaVu Serif (the
// fonts are registered by addFonts, evaluation.AddSerifFonts in
// production, as the family "serif" in "" and "B").
func WriteReportPDF(w io.Writer, r *Report, h ReportHeader, t T, addFonts func(*fpdf.Fpdf)) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	addFonts(pdf)
	// Margins of Nghị định 30/2020: left 30, right 15, top and bottom 20.
	pdf.SetMargins(30, 20, 15)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle(t("stats.report_kind")+" "+t("stats.report_subject", r.Period.Label(t)), true)
	pdf.SetCreator("ocop", true)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("serif", "", 9)
		pdf.CellFormat(0, 5, fmt.Sprintf("%d/{nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	motto1, motto2, number, date, kind, subject := headerLines(r, h, t)
	const leftW, rightW = 70.0, 95.0
	y := pdf.GetY()
	pdf.SetFont("serif", "", 11)
	pdf.SetXY(30, y)
	pdf.MultiCell(leftW, 5.5, h.Superior, "", "C", false)
	pdf.SetFont("serif", "B", 11)
	pdf.SetX(30)
	pdf.MultiCell(leftW, 5.5, h.Issuer, "", "C", false)
	yl := pdf.GetY()
	pdf.Line(30+leftW/2-15, yl+0.5, 30+leftW/2+15, yl+0.5)
	pdf.SetFont("serif", "", 11)
	pdf.SetXY(30, yl+2)
	pdf.CellFormat(leftW, 6, number, "", 0, "C", false, 0, "")
	pdf.SetFont("serif", "B", 11)
	pdf.SetXY(30+leftW, y)
	pdf.CellFormat(rightW, 5.5, motto1, "", 2, "C", false, 0, "")
	pdf.SetFont("serif", "B", 12)
	pdf.CellFormat(rightW, 6, motto2, "", 2, "C", false, 0, "")
	mw := pdf.GetStringWidth(motto2)
	pdf.Line(30+leftW+rightW/2-mw/2, y+12, 30+leftW+rightW/2+mw/2, y+12)
	pdf.SetFont("serif", "", 11)
	pdf.SetXY(30+leftW, yl+2)
	pdf.CellFormat(rightW, 6, date, "", 1, "C", false, 0, "")
	pdf.Ln(8)
	pdf.SetFont("serif", "B", 14)
	pdf.CellFormat(0, 7, kind, "", 1, "C", false, 0, "")
	pdf.SetFont("serif", "B", 13)
	pdf.MultiCell(0, 6.5, subject, "", "C", false)
	pdf.Ln(4)

	pdf.SetFont("serif", "", 12)
	pdf.MultiCell(0, 6, t("stats.report_intro", r.Period.Label(t), DayText(r.Period.From), DayText(r.Period.End)), "", "J", false)
	pdf.Ln(2)
	for i, tb := range ReportTables(r, t) {
		pdf.SetFont("serif", "B", 12)
		pdf.MultiCell(0, 6, fmt.Sprintf("%s. %s", roman(i+1), strings.ToUpper(tb.Title)), "", "L", false)
		pdf.Ln(1)
		if len(tb.Rows) == 0 {
			pdf.SetFont("serif", "", 11)
			pdf.MultiCell(0, 6, t("stats.report_no_rows"), "", "L", false)
			pdf.Ln(3)
			continue
		}
		pdfTable(pdf, tb)
		pdf.Ln(4)
	}
	pdf.SetFont("serif", "", 10)
	for _, n := range reportNotes(r, t) {
		pdf.MultiCell(0, 5, "- "+n, "", "J", false)
	}
	pdf.Ln(6)
	ys := pdf.GetY()
	pdf.SetFont("serif", "B", 11)
	pdf.CellFormat(80, 6, t("stats.report_recipients"), "", 2, "L", false, 0, "")
	pdf.SetFont("serif", "", 10)
	for _, l := range strings.Split(t("stats.report_recipients_list"), "\n") {
		pdf.CellFormat(80, 5, l, "", 2, "L", false, 0, "")
	}
	pdf.SetXY(30+80, ys)
	pdf.SetFont("serif", "B", 12)
	pdf.MultiCell(85, 6, h.Signer, "", "C", false)
	return pdf.Output(w)
}

// pdfTable draws a table with its header repeated on each page; the first
// column takes what the numeric columns leave.
func pdfTable(pdf *fpdf.Fpdf, tb Table) {
	pageW, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	width := pageW - left - right
	n := len(tb.Head)
	numW := 22.0
	if n > 5 {
		numW = (width - 42) / float64(n-1)
	}
	firstW := width - numW*float64(n-1)
	colW := func(i int) float64 {
		if i == 0 {
			return firstW
		}
		return numW
	}
	header := func() {
		pdf.SetFont("serif", "B", 8.5)
		pdf.SetFillColor(234, 238, 242)
		// Header cells wrap: draw each as a MultiCell of the same height.
		lines := 1
		for i, h := range tb.Head {
			lines = max(lines, len(pdf.SplitText(h, colW(i)-1)))
		}
		hh := float64(lines) * 4
		x, y := pdf.GetX(), pdf.GetY()
		for i, h := range tb.Head {
			pdf.Rect(x, y, colW(i), hh+2, "FD")
			pdf.SetXY(x, y+1)
			pdf.MultiCell(colW(i), 4, h, "", "C", false)
			x += colW(i)
		}
		pdf.SetXY(left, y+hh+2)
	}
	header()
	_, pageH := pdf.GetPageSize()
	for _, row := range tb.Rows {
		if pdf.GetY()+6 > pageH-22 {
			pdf.AddPage()
			header()
		}
		pdf.SetFont("serif", "", 9)
		for i, c := range row {
			align := "R"
			txt := c.Text
			if i == 0 {
				align = "L"
				for pdf.GetStringWidth(txt) > colW(0)-2 && len([]rune(txt)) > 4 {
					r := []rune(txt)
					txt = string(r[:len(r)-2]) + "…"
				}
			}
			pdf.CellFormat(colW(i), 6, txt, "1", 0, align, false, 0, "")
		}
		pdf.Ln(6)
	}
}

// DefaultHeader returns the heading of a report for a scope: the
// province's programme office, or a commune's People's Committee.
func DefaultHeader(s *Service, sc Scope, t T) ReportHeader {
	h := ReportHeader{Superior: t("stats.report_superior"), Issuer: t("stats.report_issuer"), Place: t("stats.report_place"), Signer: t("stats.report_signer")}
	if !sc.All && len(sc.Communes) > 0 {
		name := sc.Communes[0]
		if w, ok := s.Registry.Units().Ward(name); ok {
			name = w.FullName
		}
		h.Superior = t("stats.report_superior")
		h.Issuer = strings.ToUpper(t("stats.report_commune_issuer", name))
		h.Signer = t("stats.report_commune_signer")
	}
	return h
}

// ReportFileName names a report download.
func ReportFileName(p Period, ext string) string {
	if p.Kind == "month" {
		return fmt.Sprintf("bao-cao-ocop-%d-%02d.%s", p.Year, p.Month, ext)
	}
	return fmt.Sprintf("bao-cao-ocop-%d.%s", p.Year, ext)
}

// DayText writes a date the Vietnamese way, dd/mm/yyyy.
func DayText(d evaluation.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.D, int(d.M), d.Y) }
