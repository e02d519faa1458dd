package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

var pdfPagesRe = regexp.MustCompile(`Trang 1/(\d+)`)

// Mẫu 01, 02 and 03 of a dossier filed through the pages download as PDFs
// whose text keeps the Vietnamese values with every tone mark; a long Mẫu
// 02 runs over several pages; an unknown form is 404 and an officer of
// another commune is refused.
func TestDossierFormPDF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := e.Producer("Hợp tác xã Quả sấy Bát Tràng", "00577")
		prod := e.Product(x.ID, "Mít sấy giòn Bát Tràng", "I.3.c")
		producerName := e.ProducerUser(x.ID)
		producer := e.Session(producerName)
		officer := e.Session(e.User(account.RoleCommune, "00577"))
		r := producer.PostForm("/admin/dossiers", url.Values{"product": {itoa(prod.ID)}, "kind": {"first"}})
		m := dossierIDRe.FindStringSubmatch(r.Location())
		if m == nil {
			t.Fatalf("create dossier: status %d, location %q", r.Status, r.Location())
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		base := "/admin/dossiers/" + m[1]
		post := func(c *apptest.Client, path string, form url.Values) {
			t.Helper()
			if r := c.PostForm(base+path, form); r.Status != http.StatusSeeOther {
				t.Fatalf("POST %s: status %d\n%s", path, r.Status, r.Body)
			}
		}
		var history []string
		for i := 1; i <= 40; i++ {
			history = append(history, fmt.Sprintf("Năm %d: hợp tác xã mở rộng vùng trồng mít, đầu tư lò sấy lạnh và đào tạo xã viên về an toàn thực phẩm (giai đoạn %d).", 1985+i, i))
		}
		post(producer, "/form01", dossierForm(t, e, id, "representative", "Nguyễn Thị Hoa", "position", "Giám đốc",
			"address", "Thôn Giang Cao, xã Bát Tràng", "phone", "0912345678", "email", "hoa@example.vn", "samples", "5"))
		post(producer, "/form02", dossierForm(t, e, id, "representative_name", "Nguyễn Thị Hoa", "representative_gender", "female",
			"representative_ethnicity", "Kinh", "founded_on", "2015-03-02", "check", "business_registration",
			"history", strings.Join(history, "\n"), "production", "Vùng mít 20 ha liên kết với 45 hộ.", "market", "Siêu thị ở Hà Nội",
			"revenue", "3,2 tỷ đồng năm 2025", "plans", "Xuất khẩu sang Nhật Bản"))
		post(producer, "/self", dossierSelfForm(t, e, id))
		c11 := dossierCriterion(t, e, id, "1.1")
		if r := dossierUpload(t, e, producer, id, "hop-dong-lien-ket.pdf", dossierPDF, "criterion", itoa(c11), "title", "Hợp đồng liên kết vùng nguyên liệu"); r.Status != http.StatusSeeOther {
			t.Fatalf("evidence: status %d\n%s", r.Status, r.Body)
		}
		post(producer, "/submit", dossierForm(t, e, id))
		post(officer, "/report", dossierForm(t, e, id, "raw_materials", "Mít của các hộ trong xã, có hợp đồng liên kết.",
			"labour", "18/20 lao động là người địa phương.", "idea_origin", "Nghề sấy quả truyền thống của làng.",
			"identity", "Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề gốm Bát Tràng."))
		regNo := dossierGet(t, e, id).RegNo

		for _, tt := range []struct {
			form     string
			want     []string
			minPages int
		}{
			{"01", []string{"Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHIẾU ĐĂNG KÝ",
				"Phiếu số: " + regNo, "Tên đơn vị: Hợp tác xã Quả sấy Bát Tràng", "Họ tên người đại diện pháp lý: Nguyễn Thị Hoa",
				"Chức vụ: Giám đốc", "Thôn Giang Cao, xã Bát Tràng", "Tên sản phẩm: Mít sấy giòn Bát Tràng", "Chế biến từ rau, củ, quả, hạt",
				"Sản phẩm mẫu (số lượng): 5", "Cam đoan những thông tin", "ĐẠI DIỆN"}, 1},
			{"02", []string{"Mẫu số 02", "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", "Tên chủ thể: Hợp tác xã Quả sấy Bát Tràng",
				"Loại hình tổ chức: Hợp tác xã", "Giới tính: Nữ", "Dân tộc: Kinh", "Ngày thành lập/đăng ký kinh doanh: 02/03/2015",
				"Năm 1986: hợp tác xã mở rộng vùng trồng mít", "(giai đoạn 40)", "Vùng mít 20 ha liên kết với 45 hộ.",
				"Phần III. Đánh giá kết quả thực hiện theo Bộ tiêu chí sản phẩm OCOP", "Minh chứng tiêu chí 1.1", "Hợp đồng liên kết vùng nguyên liệu",
				"Tổng điểm tự đánh giá", "Xuất khẩu sang Nhật Bản", "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ"}, 3},
			{"03", []string{"Mẫu số 03", "ỦY BAN NHÂN DÂN", "XÃ BÁT TRÀNG", "BÁO CÁO ĐÁNH GIÁ MỘT SỐ NỘI DUNG",
				"Mít của các hộ trong xã, có hợp đồng liên kết.", "18/20 lao động là người địa phương.",
				"Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề gốm Bát Tràng.", "đánh giá, phân hạng sản phẩm OCOP cho sản phẩm Mít sấy giòn Bát Tràng của Hợp tác xã Quả sấy Bát Tràng",
				"T.M ỦY BAN NHÂN DÂN"}, 1},
		} {
			r := producer.Get(base + "/pdf/" + tt.form)
			if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
				t.Fatalf("PDF %s: status %d, type %q", tt.form, r.Status, r.Header.Get("Content-Type"))
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="mau-`+tt.form+`-`) {
				t.Errorf("PDF %s: Content-Disposition %q", tt.form, cd)
			}
			text := certPDFText(t, []byte(r.Body))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF %s lacks %q", tt.form, w)
				}
			}
			pm := pdfPagesRe.FindStringSubmatch(text)
			if pm == nil {
				t.Fatalf("PDF %s has no page numbers", tt.form)
			}
			if pages, _ := strconv.Atoi(pm[1]); pages < tt.minPages || !strings.Contains(text, fmt.Sprintf("Trang %d/%d", pages, pages)) {
				t.Errorf("PDF %s: %d pages (last page numbered: %v), want at least %d", tt.form, pages,
					strings.Contains(text, fmt.Sprintf("Trang %d/%d", pages, pages)), tt.minPages)
			}
		}
		// Every criterion of part III has its row, and the evidence its file
		// name (wrapped after a hyphen, which pdftotext joins back without
		// it: compare without hyphens and spaces).
		text := certPDFText(t, []byte(producer.Get(base+"/pdf/02").Body))
		if bare := strings.NewReplacer("-", "", " ", "").Replace(text); !strings.Contains(bare, "(hopdonglienket.pdf)") {
			t.Errorf("Mẫu 02 part III lacks the evidence file name")
		}
		sheet, err := e.App.Evaluation.SelfAssessment(e.Ctx(), e.Admin(), id)
		if err != nil {
			t.Fatal(err)
		}
		sheet.Set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			if !strings.Contains(text, "Minh chứng tiêu chí "+c.No) {
				t.Errorf("Mẫu 02 part III lacks criterion %s", c.No)
			}
		})
		// The print view and the dossier page link the PDFs.
		if r := producer.Get(base + "/print/02"); !strings.Contains(r.Body, base+"/pdf/02") {
			t.Errorf("print view does not link its PDF")
		}
		if r := producer.Get(base); !strings.Contains(r.Body, base+"/pdf/01") || !strings.Contains(r.Body, base+"/pdf/03") {
			t.Errorf("dossier page does not link the PDFs")
		}

		// In English, the labels follow the reader; the values stay as filed.
		if pdf := certPDFText(t, []byte(e.Session(producerName).Get(base+"/pdf/01?lang=en").Body)); !strings.Contains(pdf, "Form 01") ||
			!strings.Contains(pdf, "REGISTRATION FORM") || !strings.Contains(pdf, "Legal representative: Nguyễn Thị Hoa") || !strings.Contains(pdf, "Page 1 of 1") {
			t.Errorf("English Mẫu 01:\n%s", pdf)
		}

		elsewhere := e.Session(e.User(account.RoleCommune, "00008"))
		stranger := e.Session(e.ProducerUser(e.Producer("HTX khác", "00577").ID))
		for _, tt := range []struct {
			name   string
			c      *apptest.Client
			path   string
			status int
		}{
			{"an unknown form", producer, base + "/pdf/04", http.StatusNotFound},
			{"a form named with .pdf", producer, base + "/pdf/01.pdf", http.StatusNotFound},
			{"an unknown dossier", officer, "/admin/dossiers/999999/pdf/01", http.StatusNotFound},
			{"the commune's officer", officer, base + "/pdf/03", http.StatusOK},
			{"an officer of another commune", elsewhere, base + "/pdf/01", http.StatusForbidden},
			{"another producer", stranger, base + "/pdf/02", http.StatusForbidden},
			{"a visitor", e.Anon(), base + "/pdf/01", http.StatusSeeOther},
		} {
			r := tt.c.Get(tt.path)
			if r.Status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, r.Status, tt.status)
			}
			if tt.status != http.StatusOK && strings.HasPrefix(r.Body, "%PDF-") {
				t.Errorf("%s: got a PDF", tt.name)
			}
		}
	})
}
