package evaluation

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Translate resolves a message key with its arguments in the reader's
// language (the web layer passes its catalogue). The printed forms use the
// same keys as the print-friendly page, so paper and screen say the same.
type Translate func(key string, args ...any) string

// The page of a printed form: A4 portrait with the margins of Vietnamese
// administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I: left 30–35
// mm, right 15–20 mm, top and bottom 20–25 mm; the left one a little
// narrower here, as the forms are not bound).
const (
	formPageW, formPageH = 210.0, 297.0
	formLeft, formRight  = 25.0, 15.0
	formTop, formBottom  = 20.0, 20.0
	formBodyW            = formPageW - formLeft - formRight
	formBodySize         = 12.0 // body text, points
	formLineH            = 6.0  // body line height, mm
	formTableSize        = 9.0
	formTableLineH       = 4.2
	formTablePad         = 1.0 // space above and below the lines of a table row
	formSignatureH       = 45.0
)

// formWriter lays out one Printout. boxes and ticks count the check boxes
// drawn and ticked, for the tests: the boxes are drawn, not font glyphs,
// so the text of the PDF does not show them.
type formWriter struct {
	f            *fpdf.Fpdf
	t            Translate
	po           *Printout
	boxes, ticks int
}

// formText is text as printed: composed (NFC, so that a decomposed tone
// mark typed on some keyboards sits on its letter) and with Windows line
// ends made plain.
func formText(s string) string {
	return norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
}

// WriteFormPDF writes a filled-in form of Phụ lục III (Mẫu 01, 02 or 03,
// from Service.Print) as an A4 portrait PDF laid out like the official
// form: the form's number, the national heading (with the commune's
// People's Committee on the left for Mẫu 03), the title, the numbered
// items with the values as entered, check boxes drawn ticked or empty, the
// self-assessment table of Mẫu 02 part III with a row per criterion, the
// closing text, the place and date and the signature block, and "page n/N"
// at the foot of every page. Long texts wrap and continue on the next
// page; a table row taller than a page is split across pages, with the
// table's header repeated. lang is the document's language tag ("vi",
// "en"); t names the labels.
func WriteFormPDF(w io.Writer, po *Printout, lang string, t Translate) error {
	fw, err := renderForm(po, lang, t)
	if err != nil {
		return err
	}
	return fw.f.Output(w)
}

// renderForm lays out the form; the tests look at the writer's counts.
func renderForm(po *Printout, lang string, t Translate) (*formWriter, error) {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: formPageW, Ht: formPageH}})
	addSerifFonts(f)
	fw := &formWriter{f: f, t: t, po: po}
	title := formText(t(po.TitleKey))
	if po.RegNo != "" {
		title += " " + po.RegNo
	}
	f.SetTitle(title, true)
	f.SetSubject(formText(t("formpdf.form_no", po.Form)), true)
	f.SetCreator("ocop", true)
	if lang == "vi" {
		f.SetLang("vi-VN")
	} else if lang != "" {
		f.SetLang(lang)
	}
	if !po.Date.IsZero() {
		// A dated form prints to the same bytes every time.
		f.SetCreationDate(po.Date.Time())
		f.SetModificationDate(po.Date.Time())
	}
	f.SetCatalogSort(true)
	f.SetMargins(formLeft, formTop, formRight)
	f.SetAutoPageBreak(true, formBottom)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-formBottom + 6)
		f.SetFont("serif", "", 9)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(0, 5, formText(t("formpdf.page", f.PageNo(), "{nb}")), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	fw.heading()
	for _, sec := range po.Sections {
		fw.section(sec)
	}
	fw.closing()
	fw.signature()
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("form %s PDF of dossier %d: %w", po.Form, po.DossierID, err)
	}
	return fw, nil
}

// bottom is the lowest y that text may reach on a page.
func (fw *formWriter) bottom() float64 { return formPageH - formBottom }

// room starts a new page unless h millimetres are left on this one.
func (fw *formWriter) room(h float64) {
	if fw.f.GetY()+h > fw.bottom() {
		fw.f.AddPage()
	}
}

// fitFont sets the font at size, smaller if needed for s to fit in w.
func (fw *formWriter) fitFont(style string, size float64, s string, w float64) {
	fw.f.SetFont("serif", style, size)
	for size > 7 && fw.f.GetStringWidth(s) > w {
		size -= 0.5
		fw.f.SetFont("serif", style, size)
	}
}

// centred writes one line centred in the column [x, x+w) at y, with a
// short rule under it when rule is set (as under the motto).
func (fw *formWriter) centred(x, y, w, h float64, style string, size float64, s string, rule float64) {
	f := fw.f
	s = formText(s)
	fw.fitFont(style, size, s, w)
	f.SetXY(x, y)
	f.CellFormat(w, h, s, "", 0, "C", false, 0, "")
	if rule > 0 {
		rw := min(rule, f.GetStringWidth(s))
		f.SetLineWidth(0.3)
		f.Line(x+w/2-rw/2, y+h+0.3, x+w/2+rw/2, y+h+0.3)
	}
}

// heading prints the form's number, the national heading (beside the
// issuing committee on Mẫu 03), the title, the lines under it and the
// registration number.
func (fw *formWriter) heading() {
	f, po, t := fw.f, fw.po, fw.t
	f.SetFont("serif", "", 10)
	f.SetXY(formLeft, 12)
	f.CellFormat(formBodyW, 5, formText(t("formpdf.form_no", po.Form)), "", 0, "R", false, 0, "")
	y := formTop
	national, motto := t("dossier.print_national"), t("dossier.print_motto")
	if po.Authority != "" {
		const leftW = 70.0
		fw.centred(formLeft-5, y, leftW, 5.5, "", 11, t("dossier.print_committee"), 0)
		fw.centred(formLeft-5, y+5.5, leftW, 5.5, "B", 11, strings.ToUpper(po.Authority), 25)
		rx := formLeft - 5 + leftW
		fw.centred(rx, y, formPageW-formRight-rx+5, 5.5, "B", 11, national, 0)
		fw.centred(rx, y+5.5, formPageW-formRight-rx+5, 5.5, "B", 12, motto, 200)
	} else {
		fw.centred(formLeft, y, formBodyW, 6, "B", 12, national, 0)
		fw.centred(formLeft, y+6, formBodyW, 6, "B", 13, motto, 200)
	}
	f.SetXY(formLeft, y+22)
	f.SetFont("serif", "B", 14)
	f.MultiCell(formBodyW, 7, formText(strings.ToUpper(t(po.TitleKey))), "", "C", false)
	for _, h := range po.Heading {
		f.SetFont("serif", "B", formBodySize)
		f.SetX(formLeft + 10)
		f.MultiCell(formBodyW-20, formLineH, formText(t(h.Key, h.Args...)), "", "C", false)
	}
	if po.RegNo != "" {
		f.SetFont("serif", "", formBodySize)
		f.SetX(formLeft)
		f.MultiCell(formBodyW, formLineH, formText(t("dossier.print_reg_no")+": "+po.RegNo), "", "C", false)
	}
	f.Ln(3)
}

// formBlank is what an empty value prints: a dotted line to write on.
const formBlank = "……………………………………"

// section prints a numbered part of a form with its items and table.
func (fw *formWriter) section(sec PrintSection) {
	f, t := fw.f, fw.t
	if sec.TitleKey != "" {
		fw.room(3 + 2*formLineH) // never a title alone at the foot of a page
		f.Ln(1.5)
		f.SetFont("serif", "B", formBodySize)
		f.SetX(formLeft)
		f.MultiCell(formBodyW, formLineH, formText(t(sec.TitleKey)), "", "L", false)
	}
	for _, fd := range sec.Fields {
		label := formText(t(fd.LabelKey))
		value := fd.Value
		if fd.ValueKey != "" {
			value = t(fd.ValueKey)
		}
		value = formText(strings.TrimSpace(value))
		switch fd.Kind {
		case FieldCheck:
			fw.check(label, fd.Checked)
		case FieldLong:
			fw.long(label, value)
		default:
			fw.text(label, value)
		}
	}
	if sec.Table != nil {
		fw.table(sec.Table)
	}
}

// text prints "- Label: value" as running text that wraps to the margin,
// the value in bold so the filled-in part stands out as on a hand-filled
// form.
func (fw *formWriter) text(label, value string) {
	f := fw.f
	fw.room(formLineH)
	f.SetX(formLeft)
	f.SetFont("serif", "", formBodySize)
	f.Write(formLineH, "- "+label+": ")
	if value == "" {
		f.Write(formLineH, formBlank)
	} else {
		f.SetFont("serif", "B", formBodySize)
		f.Write(formLineH, value)
	}
	f.Ln(formLineH)
}

// long prints "- Label:" and the value as justified paragraphs under it,
// which continue on the next page when they reach the foot of this one.
func (fw *formWriter) long(label, value string) {
	f := fw.f
	fw.room(2 * formLineH)
	f.SetX(formLeft)
	f.SetFont("serif", "", formBodySize)
	f.MultiCell(formBodyW, formLineH, "- "+label+":", "", "L", false)
	if value == "" {
		f.SetX(formLeft + 5)
		f.MultiCell(formBodyW-5, formLineH, formBlank+formBlank, "", "L", false)
		return
	}
	for _, para := range strings.Split(value, "\n") {
		f.SetX(formLeft + 5)
		f.MultiCell(formBodyW-5, formLineH, strings.TrimRight(para, " \t"), "", "J", false)
	}
}

// check prints a drawn check box, ticked or empty, and its label.
func (fw *formWriter) check(label string, checked bool) {
	f := fw.f
	f.SetFont("serif", "", formBodySize)
	fw.room(formLineH)
	x, y := formLeft+2, f.GetY()
	if strings.HasPrefix(label, "+ ") {
		x += 6 // a sub-item of Mẫu 02 item 7.d (the kinds of IP title)
	}
	const box = 3.6
	by := y + (formLineH-box)/2
	f.SetLineWidth(0.3)
	f.Rect(x, by, box, box, "D")
	fw.boxes++
	if checked {
		fw.ticks++
		f.SetLineWidth(0.55)
		f.Line(x+0.7, by+1.9, x+1.5, by+2.9)
		f.Line(x+1.5, by+2.9, x+3.1, by+0.6)
		f.SetLineWidth(0.3)
	}
	f.SetXY(x+box+2, y)
	f.MultiCell(formPageW-formRight-(x+box+2), formLineH, label, "", "L", false)
}

// formColumnWeights are the relative widths of Mẫu 02 part III's columns:
// criterion, content, self-assessed option, points, description and proof,
// attached files; formColumnAligns their alignment.
var (
	formColumnWeights = []float64{14, 37, 40, 12, 37, 30}
	formColumnAligns  = []string{"C", "L", "L", "C", "L", "L"}
)

// formTable is the table being printed: what a new page repeats and how
// much room a fresh page leaves under the header.
type formTable struct {
	widths []float64
	aligns []string
	header []string
	room   float64
	// fresh: nothing but the header is on this page yet, so a row that
	// does not fit must be cut here rather than moved on.
	fresh bool
}

// table prints a table of a form (Mẫu 02 part III): a header row repeated
// on every page the table reaches, a row per entry whose height follows
// its longest cell, and the total.
func (fw *formWriter) table(tb *PrintTable) {
	f, t := fw.f, fw.t
	n := len(tb.HeaderKeys)
	if n == 0 {
		return
	}
	ft := &formTable{widths: make([]float64, n), aligns: formColumnAligns, header: make([]string, n)}
	weights := formColumnWeights
	if len(weights) != n {
		weights, ft.aligns = make([]float64, n), make([]string, n)
		for i := range weights {
			weights[i], ft.aligns[i] = 1, "L"
		}
	}
	var sum float64
	for _, wt := range weights {
		sum += wt
	}
	for i := range ft.widths {
		ft.widths[i] = formBodyW * weights[i] / sum
	}
	for i, k := range tb.HeaderKeys {
		ft.header[i] = formText(t(k))
	}
	// Rows are placed by hand: the automatic break would split a row's
	// cells over two pages.
	f.SetAutoPageBreak(false, formBottom)
	defer f.SetAutoPageBreak(true, formBottom)
	defer f.SetCellMargin(f.GetCellMargin())
	f.SetCellMargin(1.2)
	f.SetLineWidth(0.2)
	headH := fw.rowHeight(ft.widths, ft.header, "B")
	ft.room = fw.bottom() - formTop - headH
	fw.room(1 + headH + fw.rowHeight(ft.widths, []string{"-"}, ""))
	f.Ln(1)
	fw.tableRow(ft, ft.widths, ft.aligns, ft.header, "B", true)
	for _, row := range tb.Rows {
		cells := make([]string, n)
		for i := range min(n, len(row)) {
			if row[i].Key != "" {
				cells[i] = formText(t(row[i].Key))
			} else {
				cells[i] = formText(strings.TrimSpace(row[i].Text))
			}
		}
		fw.tableRow(ft, ft.widths, ft.aligns, cells, "", false)
	}
	if tb.TotalKey != "" && n >= 4 {
		// The total's label spans the columns before the points.
		merged := []float64{ft.widths[0] + ft.widths[1] + ft.widths[2], ft.widths[3], 0}
		for _, w := range ft.widths[4:] {
			merged[2] += w
		}
		fw.tableRow(ft, merged, []string{"R", "C", "L"}, []string{formText(t(tb.TotalKey)), tb.Total, ""}, "B", false)
	}
	f.SetXY(formLeft, f.GetY()+2)
}

// rowHeight is the height of a table row with the cells' text wrapped to
// the widths.
func (fw *formWriter) rowHeight(widths []float64, cells []string, style string) float64 {
	fw.f.SetFont("serif", style, formTableSize)
	most := 1
	for i, c := range cells {
		if c != "" {
			most = max(most, len(fw.split(c, widths[i])))
		}
	}
	return float64(most)*formTableLineH + 2*formTablePad
}

// split wraps a table cell's text to the width w: at spaces, and a word
// wider than the cell (a file name, a URL) after a hyphen, underscore,
// dot or slash where one fits, so "hop-dong-lien-ket.pdf" breaks as
// "hop-dong-lien-" / "ket.pdf" rather than in the middle of a word.
func (fw *formWriter) split(s string, w float64) []string {
	f := fw.f
	avail := w - 2*f.GetCellMargin()
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if f.GetStringWidth(try) <= avail {
				line = try
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for f.GetStringWidth(word) > avail {
				runes := []rune(word)
				cut, soft := 1, 0
				for i := 1; i < len(runes) && f.GetStringWidth(string(runes[:i+1])) <= avail; i++ {
					cut = i + 1
					if strings.ContainsRune("-_./", runes[i]) {
						soft = i + 1
					}
				}
				if soft > 0 && soft < len(runes) {
					cut = soft
				}
				out = append(out, string(runes[:cut]))
				word = string(runes[cut:])
			}
			line = word
		}
		out = append(out, line)
	}
	return out
}

// tableRow draws one row of a table at the current position: each cell's
// lines wrapped to its width, all cells as tall as the tallest. A row that
// does not fit the rest of the page goes to the next one, after the
// repeated header; a row taller than a whole page is cut into pieces, one
// per page, so no text is ever lost off the foot of a page.
func (fw *formWriter) tableRow(ft *formTable, widths []float64, aligns, cells []string, style string, header bool) {
	f := fw.f
	f.SetFont("serif", style, formTableSize)
	lines := make([][]string, len(cells))
	most := 1
	for i, c := range cells {
		if c != "" {
			lines[i] = fw.split(c, widths[i])
		}
		most = max(most, len(lines[i]))
	}
	full := func(k int) float64 { return float64(k)*formTableLineH + 2*formTablePad }
	for start := 0; start < most; {
		left := most - start
		fits := int((fw.bottom() - f.GetY() - 2*formTablePad) / formTableLineH)
		if fits < left {
			if header {
				f.AddPage()
				continue
			}
			// Move on unless this page holds nothing else of the table yet;
			// cut the row here only when it would not fit a fresh page
			// either, and at least two lines fit.
			if !ft.fresh && (full(left) <= ft.room || fits < 2) {
				f.AddPage()
				fw.tableRow(ft, ft.widths, ft.aligns, ft.header, "B", true)
				ft.fresh = true
				f.SetFont("serif", style, formTableSize)
				continue
			}
		}
		take := min(left, max(fits, 1))
		fw.tableCells(widths, aligns, lines, start, take, style)
		if !header {
			ft.fresh = false
		}
		start += take
	}
}

// tableCells draws lines [start, start+take) of each cell as one band of
// bordered cells.
func (fw *formWriter) tableCells(widths []float64, aligns []string, lines [][]string, start, take int, style string) {
	f := fw.f
	f.SetFont("serif", style, formTableSize)
	y := f.GetY()
	h := float64(take)*formTableLineH + 2*formTablePad
	x := formLeft
	for i, w := range widths {
		if style == "B" {
			f.SetFillColor(235, 235, 235)
			f.Rect(x, y, w, h, "FD")
		} else {
			f.Rect(x, y, w, h, "D")
		}
		for j := start; j < start+take && j < len(lines[i]); j++ {
			f.SetXY(x, y+formTablePad+float64(j-start)*formTableLineH)
			f.CellFormat(w, formTableLineH, lines[i][j], "", 0, aligns[i], false, 0, "")
		}
		x += w
	}
	f.SetXY(formLeft, y+h)
}

// closing prints the form's closing paragraph (Mẫu 01's pledge, Mẫu 03's
// request to the province).
func (fw *formWriter) closing() {
	po, f := fw.po, fw.f
	if po.ClosingKey == "" {
		return
	}
	fw.room(3 * formLineH)
	f.Ln(2)
	f.SetFont("serif", "", formBodySize)
	f.SetX(formLeft)
	f.MultiCell(formBodyW, formLineH, formText("    "+fw.t(po.ClosingKey, po.Closing...)), "", "J", false)
}

// signature prints the place and date and the signer's block on the right
// half, kept together with room left to sign.
func (fw *formWriter) signature() {
	po, f, t := fw.po, fw.f, fw.t
	f.Ln(4)
	fw.room(formSignatureH)
	day := t("dossier.print_date_blank")
	if !po.Date.IsZero() {
		day = t("dossier.print_date", po.Date.D, int(po.Date.M), po.Date.Y)
	}
	placeDate := day
	if po.Place != "" {
		placeDate = po.Place + ", " + day
	}
	const x, w = formPageW/2 - 5, formPageW/2 - formRight + 5
	f.SetFont("serif", "", formBodySize-0.5)
	f.SetX(x)
	f.MultiCell(w, formLineH, formText(placeDate), "", "C", false)
	signer := formText(t(po.SignerKey))
	title, note := signer, ""
	if i := strings.Index(signer, " ("); i > 0 {
		title, note = signer[:i], signer[i+1:]
	}
	fw.fitFont("B", formBodySize, title, w-2)
	f.SetX(x)
	f.MultiCell(w, formLineH, title, "", "C", false)
	if note != "" {
		f.SetFont("serif", "", formBodySize-1)
		f.SetX(x)
		f.MultiCell(w, formLineH, note, "", "C", false)
	}
}
