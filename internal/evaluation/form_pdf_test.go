package evaluation

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ocop/internal/i18n"
)

// formTranslate is the Vietnamese catalogue, as the web layer passes it.
func formTranslate(t testing.TB) Translate {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...any) string { return cat.T("vi", key, args...) }
}

// formPDF renders a printout and returns the PDF, its text (pages split
// on form feeds, whitespace collapsed on each) and the writer's counts.
func formPDF(t *testing.T, po *Printout) ([]byte, []string, *formWriter) {
	t.Helper()
	tr := formTranslate(t)
	fw, err := renderForm(po, "vi", tr)
	if err != nil {
		t.Fatalf("form %s: %v", po.Form, err)
	}
	var buf bytes.Buffer
	if err := fw.f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("OCOP_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "mau-"+po.Form+".pdf"), buf.Bytes(), 0o600)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("form %s: output starts with %q, want %%PDF-", po.Form, buf.Bytes()[:8])
	}
	var pages []string
	for _, p := range strings.Split(strings.TrimRight(pdfText(t, buf.Bytes()), "\f\n"), "\f") {
		pages = append(pages, strings.Join(strings.Fields(p), " "))
	}
	return buf.Bytes(), pages, fw
}

func formTestForm01() *Printout {
	return &Printout{Form: FormRegistration, TitleKey: "dossier.print_f01_title", DossierID: 7, RegNo: "1-001/PĐK-01-00577-2026",
		Heading: []PrintArg{{"dossier.print_f01_heading", []any{"Thành phố Hà Nội", 2026}}},
		Place:   "Xã Bát Tràng", Date: Date{2026, time.November, 22}, SignerKey: "dossier.print_f01_signer",
		Sections: []PrintSection{
			{TitleKey: "dossier.print_f01_s1", Fields: []PrintField{
				printText("dossier.print_f01_unit", "Hợp tác xã Quả sấy Bát Tràng"),
				printText("dossier.print_f01_representative", "Nguyễn Thị Hoa"),
				printText("dossier.print_f01_position", "Giám đốc"),
				printText("dossier.print_f01_address", "Thôn 3, xã Bát Tràng, Thành phố Hà Nội"),
				printText("dossier.print_f01_phone", ""),
			}},
			{TitleKey: "dossier.print_f01_s3", Fields: []PrintField{printText("dossier.print_f01_group",
				"Thực phẩm, Chế biến từ rau, củ, quả, hạt")}},
			{TitleKey: "dossier.print_f01_s4", Fields: []PrintField{
				printCheck("dossier.kind_first", true), printCheck("dossier.kind_upgrade", false), printCheck("dossier.kind_rerating", false),
			}},
		},
		ClosingKey: "dossier.print_f01_pledge",
	}
}

func formTestForm03() *Printout {
	return &Printout{Form: FormCommune, TitleKey: "dossier.print_f03_title", DossierID: 7, RegNo: "1-001/PĐK-01-00577-2026",
		Heading: []PrintArg{{"dossier.print_f03_heading", nil}}, Authority: "Xã Bát Tràng",
		Place: "Xã Bát Tràng", SignerKey: "dossier.print_f03_signer",
		Sections: []PrintSection{
			{TitleKey: "dossier.print_f03_s1", Fields: []PrintField{
				printCode("dossier.print_f02_org_kind", "kind.cooperative"),
				printText("dossier.print_f03_product", "Mít sấy giòn (Thực phẩm)"),
			}},
			{TitleKey: "dossier.print_f03_s2", Fields: []PrintField{
				printLong("dossier.report_raw_materials", "Mít của các hộ trong xã, có hợp đồng liên kết."),
				printLong("dossier.report_identity", "Kỹ thuật sấy lạnh giữ màu,\ngắn với làng nghề Bát Tràng."),
				printLong("dossier.report_labour", ""),
			}},
		},
		ClosingKey: "dossier.print_f03_closing",
		Closing:    []any{"Xã Bát Tràng", "Thành phố Hà Nội", "Mít sấy giòn", "Hợp tác xã Quả sấy Bát Tràng"},
	}
}

// Each form prints as one A4 page whose text keeps every Vietnamese letter
// with its tone marks: the form's number, the national heading, the title
// in capitals, the filled-in values, the closing text and the signature
// block, with the page number; boxes are drawn, ticked as filed.
func TestFormPDF(t *testing.T) {
	for _, tt := range []struct {
		name         string
		po           *Printout
		want         []string
		boxes, ticks int
	}{
		{"Mẫu 01", formTestForm01(), []string{"Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHIẾU ĐĂNG KÝ",
			"Tham gia đánh giá, phân hạng sản phẩm OCOP của Thành phố Hà Nội năm 2026", "Phiếu số: 1-001/PĐK-01-00577-2026",
			"1. Thông tin về đơn vị đăng ký", "- Tên đơn vị: Hợp tác xã Quả sấy Bát Tràng", "- Họ tên người đại diện pháp lý: Nguyễn Thị Hoa",
			"- Chức vụ: Giám đốc", "- Điện thoại: ……", "Thực phẩm, Chế biến từ rau, củ, quả, hạt", "Lần đầu", "Nâng hạng", "Đánh giá lại",
			"Cam đoan những thông tin trong Phiếu đăng ký là đúng sự thật", "Xã Bát Tràng, ngày 22 tháng 11 năm 2026", "ĐẠI DIỆN",
			"(Ký, đóng dấu, ghi rõ họ tên)", "Trang 1/1"}, 3, 1},
		{"Mẫu 03", formTestForm03(), []string{"Mẫu số 03", "ỦY BAN NHÂN DÂN", "XÃ BÁT TRÀNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
			"BÁO CÁO ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ ĐĂNG KÝ", "- Loại hình tổ chức: Hợp tác xã", "Mít sấy giòn (Thực phẩm)",
			"Mít của các hộ trong xã, có hợp đồng liên kết.", "Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề Bát Tràng.",
			"Ủy ban nhân dân Xã Bát Tràng đề nghị Ủy ban nhân dân Thành phố Hà Nội đánh giá, phân hạng sản phẩm OCOP cho sản phẩm Mít sấy giòn của Hợp tác xã Quả sấy Bát Tràng.",
			"Xã Bát Tràng, ngày ..... tháng ..... năm .....", "T.M ỦY BAN NHÂN DÂN", "(Ký tên và đóng dấu)", "Trang 1/1"}, 0, 0},
	} {
		pdf, pages, fw := formPDF(t, tt.po)
		if len(pages) != 1 {
			t.Errorf("%s: %d pages, want 1", tt.name, len(pages))
		}
		text := strings.Join(pages, " ")
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q\n%s", tt.name, w, text)
			}
		}
		if fw.boxes != tt.boxes || fw.ticks != tt.ticks {
			t.Errorf("%s: drew %d boxes, %d ticked; want %d, %d", tt.name, fw.boxes, fw.ticks, tt.boxes, tt.ticks)
		}
		if len(pdf) > 150<<10 {
			t.Errorf("%s: PDF is %d bytes; the fonts should be subset", tt.name, len(pdf))
		}
		// A dated form prints to the same bytes every time.
		if tt.po.Date.IsZero() {
			continue
		}
		var again bytes.Buffer
		if err := WriteFormPDF(&again, tt.po, "vi", formTranslate(t)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), pdf) {
			t.Errorf("%s: two prints differ", tt.name)
		}
	}
}

// A long Mẫu 02 runs over several pages without losing a word: paragraphs
// wrap and continue on the next page, every criterion of part III has its
// row with the option, the points and the evidence file names, the table's
// header is repeated on each page it reaches, a note longer than a page is
// cut across pages, and the signature closes the last page.
func TestFormPDFLongSelfReport(t *testing.T) {
	var history []string
	for i := 1; i <= 30; i++ {
		history = append(history, fmt.Sprintf("Giai đoạn %d: hợp tác xã mở rộng vùng trồng mít, đầu tư lò sấy lạnh, đào tạo xã viên về an toàn thực phẩm và truy xuất nguồn gốc sản phẩm.", i))
	}
	var sentences []string
	for i := 1; i <= 40; i++ {
		sentences = append(sentences, fmt.Sprintf("Hợp đồng HĐ%03d liên kết tiêu thụ quả tươi với các hộ trồng mít trong xã.", i))
	}
	huge := strings.Join(sentences, " ") + " Hết phần mô tả dài."
	tbl := &PrintTable{HeaderKeys: []string{"dossier.col_criterion", "dossier.col_title", "dossier.col_option", "dossier.col_points",
		"dossier.col_note", "dossier.col_evidence"}, TotalKey: "dossier.self_total", Total: "99"}
	for i := 1; i <= 32; i++ {
		note := fmt.Sprintf("Ghi chú số %d", i)
		if i == 20 {
			note = huge
		}
		tbl.Rows = append(tbl.Rows, []PrintCell{{Text: fmt.Sprintf("%d.%d", i/10+1, i%10)}, {Text: fmt.Sprintf("Chỉ tiêu số %d về nguyên liệu và sản xuất", i)},
			{Text: fmt.Sprintf("Phương án %d đạt", i)}, {Text: "3"}, {Text: note}, {Text: fmt.Sprintf("Tệp %d (tep-%d.pdf)", i, i)}})
	}
	tbl.Rows[4][2] = PrintCell{Key: "dossier.self_met"}
	po := &Printout{Form: FormSelfReport, TitleKey: "dossier.print_f02_title", DossierID: 9, Heading: []PrintArg{{"dossier.print_f02_heading", nil}},
		Place: "Xã Bát Tràng", Date: Date{2026, time.November, 22}, SignerKey: "dossier.print_f02_signer",
		Sections: []PrintSection{
			{TitleKey: "dossier.print_f02_part1", Fields: []PrintField{
				printText("dossier.print_f02_unit", "Hợp tác xã Quả sấy Bát Tràng"),
				printCheck("dossier.check_business_registration", true), printCheck("dossier.check_quality_declared", false),
				printLong("dossier.print_f02_history", strings.Join(history, "\n")),
			}},
			{TitleKey: "dossier.print_f02_part3", Table: tbl},
			{TitleKey: "dossier.print_f02_part4", Fields: []PrintField{printLong("dossier.field_plans", "Xuất khẩu sang Nhật Bản năm 2027.")}},
		}}
	_, pages, fw := formPDF(t, po)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want at least 3", len(pages))
	}
	n := len(pages)
	text := strings.Join(pages, " ")
	for i, p := range pages {
		if want := fmt.Sprintf("Trang %d/%d", i+1, n); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	want := []string{"BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", "Giai đoạn 1:", "Giai đoạn 30: hợp tác xã mở rộng vùng trồng mít",
		"Phần III. Đánh giá kết quả thực hiện theo Bộ tiêu chí sản phẩm OCOP", "Hết phần mô tả dài.", "Tổng điểm tự đánh giá", "Đạt",
		"Xuất khẩu sang Nhật Bản năm 2027.", "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ"}
	for i := 1; i <= 32; i++ {
		want = append(want, fmt.Sprintf("Chỉ tiêu số %d về", i), fmt.Sprintf("tep-%d.pdf", i))
		if i != 5 {
			want = append(want, fmt.Sprintf("Phương án %d đạt", i))
		}
		if i != 20 {
			want = append(want, fmt.Sprintf("Ghi chú số %d", i))
		}
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	for i := 1; i <= 40; i++ {
		if w := fmt.Sprintf("HĐ%03d", i); !strings.Contains(text, w) {
			t.Errorf("the long note lost its sentence %s", w)
		}
	}
	// The table starts on page 2 at the latest and the header heads every
	// page the table reaches after that.
	first, last := -1, -1
	for i, p := range pages {
		if strings.Contains(p, "Chỉ tiêu số ") {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || last-first < 1 {
		t.Fatalf("the table spans pages %d to %d, want at least two pages", first+1, last+1)
	}
	for i := first; i <= last; i++ {
		if !strings.Contains(pages[i], "Kết quả tự đánh giá") {
			t.Errorf("page %d of the table lacks the header", i+1)
		}
	}
	if !strings.Contains(pages[n-1], "ĐẠI DIỆN THEO PHÁP LUẬT") {
		t.Errorf("the signature is not on the last page")
	}
	if fw.boxes != 2 || fw.ticks != 1 {
		t.Errorf("drew %d boxes, %d ticked; want 2, 1", fw.boxes, fw.ticks)
	}
}

// BenchmarkFormPDF measures printing a one-page form (the fonts are parsed
// and subset on every print).
func BenchmarkFormPDF(b *testing.B) {
	po, tr := formTestForm01(), formTranslate(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteFormPDF(&buf, po, "vi", tr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
