package stamp

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// URL is the content of a stamp's QR code: an upper-case URL, so that the
// symbol uses the QR alphanumeric mode and stays small. With a GTIN it is a
// GS1 Digital Link ("HTTPS://HOST/01/{GTIN-14}/21/{SERIAL}"), otherwise
// "HTTPS://HOST/Q/{SERIAL}". base is the site's root URL.
func URL(base, gtin, serial string) string {
	base = strings.ToUpper(strings.TrimSuffix(base, "/"))
	if base == "" {
		base = "HTTPS://OCOP.LOCALHOST"
	}
	if gtin != "" && ValidGTIN(GTIN14(gtin)) {
		return base + "/01/" + GTIN14(gtin) + "/21/" + serial
	}
	return base + "/Q/" + serial
}

// Layout is the geometry of a sheet of labels, in millimetres. Labels are
// laid out in a grid centred on the page with Gap between them; crop marks
// are drawn in the gaps at every label corner.
type Layout struct {
	PageW, PageH   float64
	LabelW, LabelH float64
	Gap            float64
	// MinMargin is the smallest page margin (printers cannot print to the
	// edge).
	MinMargin float64
}

// DefaultLayout is A4 with 40×50 mm labels: 4 columns of 5 rows.
func DefaultLayout() Layout {
	return Layout{PageW: 210, PageH: 297, LabelW: 40, LabelH: 50, Gap: 6, MinMargin: 8}
}

// Grid returns the number of columns and rows of labels on a page and the
// top-left corner of the first label, in mm; the label at column c and row
// r starts at (x0 + c·(LabelW+Gap), y0 + r·(LabelH+Gap)).
func (l Layout) Grid() (cols, rows int, x0, y0 float64, err error) {
	if l.LabelW < 25 || l.LabelH < 32 || l.PageW < l.LabelW || l.PageH < l.LabelH || l.Gap < 0 || l.MinMargin < 0 {
		return 0, 0, 0, 0, apperr.New(apperr.Invalid, "stamp.err_layout")
	}
	cols = int((l.PageW - 2*l.MinMargin + l.Gap) / (l.LabelW + l.Gap))
	rows = int((l.PageH - 2*l.MinMargin + l.Gap) / (l.LabelH + l.Gap))
	if cols < 1 || rows < 1 {
		return 0, 0, 0, 0, apperr.New(apperr.Invalid, "stamp.err_layout")
	}
	x0 = (l.PageW - float64(cols)*l.LabelW - float64(cols-1)*l.Gap) / 2
	y0 = (l.PageH - float64(rows)*l.LabelH - float64(rows-1)*l.Gap) / 2
	return cols, rows, x0, y0, nil
}

// Label is what one printed stamp shows.
type Label struct {
	URL    string
	Serial string
	Name   string // product short name
	Star   int
}

// labelsOf builds the labels of a batch.
func (s *Service) labelsOf(ctx context.Context, p *account.Principal, code, base string, fn func(Batch, Label) error) (Batch, error) {
	b, err := s.Batch(ctx, p, code)
	if err != nil {
		return b, err
	}
	_, err = s.Codes(ctx, p, code, func(c Code) error {
		return fn(b, Label{URL: URL(base, b.GTIN, c.Serial), Serial: c.Serial, Name: b.ProductName, Star: b.Star})
	})
	return b, err
}

// WritePDF prints the stamps of a batch on sheets of labels. Only those who
// may issue the product's stamps may print them.
func (s *Service) WritePDF(ctx context.Context, p *account.Principal, code, base string, l Layout, w io.Writer) (Batch, error) {
	b, err := s.Batch(ctx, p, code)
	if err != nil {
		return b, err
	}
	if !CanIssue(p, b.ProducerID) {
		return Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	if b.Count > MaxPDFStamps {
		return b, apperr.New(apperr.Invalid, "stamp.err_pdf_too_big", MaxPDFStamps)
	}
	sheet, err := NewSheet(l, b.Code)
	if err != nil {
		return b, err
	}
	chunk := make([]Label, 0, 1024)
	if _, err := s.labelsOf(ctx, p, code, base, func(bb Batch, lab Label) error {
		lab.Name, lab.Star = b.ProductName, b.Star
		chunk = append(chunk, lab)
		if len(chunk) == cap(chunk) {
			err := sheet.AddAll(chunk)
			chunk = chunk[:0]
			return err
		}
		return nil
	}); err != nil {
		return b, err
	}
	if err := sheet.AddAll(chunk); err != nil {
		return b, err
	}
	return b, sheet.Write(w)
}

// MaxPDFStamps bounds one PDF (5,000 A4 pages); larger batches go to a
// printing house as CSV.
const MaxPDFStamps = 100_000

// AddAll draws labels in order, encoding their QR codes on all CPUs first
// (the encoding is most of the work; drawing is sequential).
func (sh *Sheet) AddAll(labels []Label) error {
	codes := make([]*QRCode, len(labels))
	errs := make([]error, len(labels))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(labels)/64))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := w; i < len(labels); i += workers {
				codes[i], errs[i] = EncodeQR(labels[i].URL)
			}
		})
	}
	wg.Wait()
	for i, lab := range labels {
		if errs[i] != nil {
			return errs[i]
		}
		sh.add(lab, codes[i])
	}
	return nil
}

// Sheet draws labels onto PDF pages.
type Sheet struct {
	f          *fpdf.Fpdf
	l          Layout
	cols, rows int
	x0, y0     float64
	n          int
	k          float64 // points per mm
	buf        strings.Builder
}

// NewSheet starts a PDF of label sheets.
func NewSheet(l Layout, title string) (*Sheet, error) {
	cols, rows, x0, y0, err := l.Grid()
	if err != nil {
		return nil, err
	}
	orient := "P"
	if l.PageW > l.PageH {
		orient = "L"
	}
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm", Size: fpdf.SizeType{Wd: l.PageW, Ht: l.PageH}})
	evaluation.AddSerifFonts(f)
	f.SetTitle("Tem OCOP "+title, true)
	f.SetCreator("ocop", true)
	f.SetLang("vi-VN")
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	return &Sheet{f: f, l: l, cols: cols, rows: rows, x0: x0, y0: y0, k: f.GetConversionRatio()}, nil
}

// Add draws the next label, starting a page when needed.
func (sh *Sheet) Add(lab Label) error {
	q, err := EncodeQR(lab.URL)
	if err != nil {
		return err
	}
	sh.add(lab, q)
	return nil
}

func (sh *Sheet) add(lab Label, q *QRCode) {
	per := sh.cols * sh.rows
	i := sh.n % per
	if i == 0 {
		sh.f.AddPage()
		sh.cropMarks()
	}
	sh.n++
	col, row := i%sh.cols, i/sh.cols
	x := sh.x0 + float64(col)*(sh.l.LabelW+sh.l.Gap)
	y := sh.y0 + float64(row)*(sh.l.LabelH+sh.l.Gap)
	// The QR with its quiet zone of 4 modules fills the label's width
	// (less 3 mm on each side), above the text.
	side := math.Min(sh.l.LabelW-6, sh.l.LabelH-19)
	mod := side / float64(q.Size+8)
	qx := x + (sh.l.LabelW-side)/2 + 4*mod
	qy := y + 1.5 + 4*mod
	sh.drawQR(q, qx, qy, mod)
	f := sh.f
	ty := y + 1.5 + side + 0.5
	// OCOP mark: the word and the stars in the programme's red.
	f.SetTextColor(180, 20, 30)
	f.SetFont("serif", "B", 9)
	word := "OCOP"
	ww := f.GetStringWidth(word)
	starR := 1.3
	total := ww + 1 + float64(lab.Star)*(2*starR+0.4)
	sx := x + (sh.l.LabelW-total)/2
	f.SetXY(sx, ty)
	f.CellFormat(ww, 4, word, "", 0, "L", false, 0, "")
	sh.stars(sx+ww+1+starR, ty+2, starR, lab.Star)
	f.SetTextColor(0, 0, 0)
	f.SetFont("serif", "", 6.5)
	name := fitText(f, norm.NFC.String(lab.Name), sh.l.LabelW-3)
	f.SetXY(x+1.5, ty+4.5)
	f.CellFormat(sh.l.LabelW-3, 3, name, "", 0, "C", false, 0, "")
	f.SetFont("serif", "B", 7)
	f.SetXY(x+1.5, ty+8)
	f.CellFormat(sh.l.LabelW-3, 3, FormatSerial(lab.Serial), "", 0, "C", false, 0, "")
}

// fitText shortens s with an ellipsis until it fits in w.
func fitText(f *fpdf.Fpdf, s string, w float64) string {
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// drawQR writes the dark modules as one filled path, merging each row's
// runs into rectangles, in a coordinate system of one unit per module.
func (sh *Sheet) drawQR(q *QRCode, x, y, mod float64) {
	b := &sh.buf
	b.Reset()
	fmt.Fprintf(b, "q 0 g %.4f 0 0 %.4f %.3f %.3f cm\n", mod*sh.k, -mod*sh.k, x*sh.k, (sh.l.PageH-y)*sh.k)
	for yy := 0; yy < q.Size; yy++ {
		for xx := 0; xx < q.Size; {
			if !q.Black(xx, yy) {
				xx++
				continue
			}
			start := xx
			for xx < q.Size && q.Black(xx, yy) {
				xx++
			}
			b.WriteString(strconv.Itoa(start))
			b.WriteByte(' ')
			// Each run overlaps the row below by a hair, so that a
			// rasteriser's anti-aliasing leaves no light seam between
			// rows (print does not need it; screens and scanners do).
			b.WriteString(strconv.Itoa(yy))
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(xx - start))
			b.WriteString(" 1.05 re\n")
		}
	}
	b.WriteString("f Q")
	sh.f.RawWriteStr(b.String())
}

// stars draws n five-pointed stars centred on a line at (cx, cy).
func (sh *Sheet) stars(cx, cy, r float64, n int) {
	b := &sh.buf
	b.Reset()
	b.WriteString("q 0.706 0.078 0.118 rg\n")
	for i := 0; i < n; i++ {
		ox := cx + float64(i)*(2*r+0.4)
		for j := 0; j < 10; j++ {
			rad := r
			if j%2 == 1 {
				rad = r * 0.42
			}
			a := -math.Pi/2 + float64(j)*math.Pi/5
			px := (ox + rad*math.Cos(a)) * sh.k
			py := (sh.l.PageH - (cy + rad*math.Sin(a))) * sh.k
			op := "l"
			if j == 0 {
				op = "m"
			}
			fmt.Fprintf(b, "%.2f %.2f %s\n", px, py, op)
		}
		b.WriteString("h\n")
	}
	b.WriteString("f Q")
	sh.f.RawWriteStr(b.String())
}

// cropMarks draws short hairlines in the gaps at each label corner.
func (sh *Sheet) cropMarks() {
	f := sh.f
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.1)
	m := math.Min(3, math.Max(sh.l.Gap/2, 2))
	for c := 0; c <= sh.cols; c++ {
		for _, xe := range sh.edgesX(c) {
			for r := 0; r <= sh.rows; r++ {
				for _, ye := range sh.edgesY(r) {
					// Horizontal and vertical marks outside the label area.
					if ye == sh.y0 || ye == sh.y0+float64(sh.rows)*(sh.l.LabelH+sh.l.Gap)-sh.l.Gap {
						dir := -1.0
						if ye != sh.y0 {
							dir = 1
						}
						f.Line(xe, ye+dir*1, xe, ye+dir*(1+m))
					}
					if xe == sh.x0 || xe == sh.x0+float64(sh.cols)*(sh.l.LabelW+sh.l.Gap)-sh.l.Gap {
						dir := -1.0
						if xe != sh.x0 {
							dir = 1
						}
						f.Line(xe+dir*1, ye, xe+dir*(1+m), ye)
					}
				}
			}
		}
	}
}

// edgesX are the x positions of the label edges at column boundary c.
func (sh *Sheet) edgesX(c int) []float64 {
	var out []float64
	if c > 0 {
		out = append(out, sh.x0+float64(c)*(sh.l.LabelW+sh.l.Gap)-sh.l.Gap)
	}
	if c < sh.cols {
		out = append(out, sh.x0+float64(c)*(sh.l.LabelW+sh.l.Gap))
	}
	return out
}

func (sh *Sheet) edgesY(r int) []float64 {
	var out []float64
	if r > 0 {
		out = append(out, sh.y0+float64(r)*(sh.l.LabelH+sh.l.Gap)-sh.l.Gap)
	}
	if r < sh.rows {
		out = append(out, sh.y0+float64(r)*(sh.l.LabelH+sh.l.Gap))
	}
	return out
}

// Count is the number of labels drawn.
func (sh *Sheet) Count() int { return sh.n }

// Write finishes the PDF.
func (sh *Sheet) Write(w io.Writer) error {
	if sh.n == 0 {
		sh.f.AddPage()
	}
	return sh.f.Output(w)
}

// WriteCSV writes the stamps of a batch for a printing house: position,
// serial, printed serial and QR content, one stamp a line.
func (s *Service) WriteCSV(ctx context.Context, p *account.Principal, code, base string, w io.Writer) (Batch, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"batch", "seq", "serial", "serial_printed", "qr_content", "product_code", "product_name", "star"}); err != nil {
		return Batch{}, err
	}
	b, err := s.Batch(ctx, p, code)
	if err != nil {
		return b, err
	}
	_, err = s.Codes(ctx, p, code, func(c Code) error {
		return cw.Write([]string{b.Code, strconv.Itoa(c.Seq), c.Serial, FormatSerial(c.Serial), URL(base, b.GTIN, c.Serial), b.ProductCode, b.ProductName, strconv.Itoa(b.Star)})
	})
	if err != nil {
		return b, err
	}
	cw.Flush()
	return b, cw.Error()
}

// SVG draws a QR symbol with its quiet zone as SVG, one path for the dark
// modules, scale user units per module.
func SVG(q *QRCode) []byte {
	var b bytes.Buffer
	n := q.Size + 8
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y := 0; y < q.Size; y++ {
		for x := 0; x < q.Size; {
			if !q.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < q.Size && q.Black(x, y) {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start+4, y+4, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}

// PNG draws a QR symbol with its quiet zone, scale pixels per module.
func PNG(q *QRCode, scale int) ([]byte, error) {
	if scale < 1 || scale > 40 {
		scale = 8
	}
	n := (q.Size + 8) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < q.Size; y++ {
		for x := 0; x < q.Size; x++ {
			if q.Black(x, y) {
				for dy := 0; dy < scale; dy++ {
					for dx := 0; dx < scale; dx++ {
						img.SetGray((x+4)*scale+dx, (y+4)*scale+dy, color.Gray{})
					}
				}
			}
		}
	}
	var b bytes.Buffer
	err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img)
	return b.Bytes(), err
}

// Stamp returns the QR content of one stamp p may print.
func (s *Service) Stamp(ctx context.Context, p *account.Principal, serial, base string) (string, Batch, error) {
	sr, ok := ParseSerial(serial)
	if !ok {
		return "", Batch{}, apperr.New(apperr.NotFound, "stamp.err_stamp_not_found")
	}
	var code string
	if err := s.DB.QueryRowContext(ctx, `SELECT b.code FROM stamps st JOIN stamp_batches b ON b.id = st.batch_id WHERE st.serial = ?`, sr).Scan(&code); err != nil {
		return "", Batch{}, apperr.New(apperr.NotFound, "stamp.err_stamp_not_found")
	}
	b, err := s.Batch(ctx, p, code)
	if err != nil {
		return "", b, err
	}
	if !CanIssue(p, b.ProducerID) {
		return "", Batch{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return URL(base, b.GTIN, sr), b, nil
}
