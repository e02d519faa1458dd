package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// postImport uploads a file to the import form as a browser would.
func postImport(t *testing.T, e *apptest.Env, c *apptest.Client, kind, name string, file []byte, dry bool) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.CSRF())
	mw.WriteField("kind", kind)
	if dry {
		mw.WriteField("dry_run", "1")
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/admin/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func sheetCSV(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.Bytes()
}

func sheetXLSX(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var rowErrRe = regexp.MustCompile(`<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>`)

// shownErrors reads the row-error table of a result page as
// "row | column | message" lines.
func shownErrors(body string) []string {
	var out []string
	for _, m := range rowErrRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+" | "+html.UnescapeString(m[2])+" | "+html.UnescapeString(m[3]))
	}
	return out
}

// The scenario: a commune officer imports a spreadsheet of
// producers with several bad rows. The dry run shows each error with its
// row number and reason and writes nothing; the real run writes exactly
// the valid rows. Both XLSX and CSV.
func TestImportScenario(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		other, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindSME, Name: "Công ty Khác", CommuneCode: "00008", RegistrationNo: "0100000001"})
		if err != nil {
			t.Fatal(err)
		}
		officer := e.Login(e.User(account.RoleCommune, "00004"))
		rows := [][]string{
			{"Tên chủ thể", "Loại hình", "Số đăng ký kinh doanh", "Mã xã/phường (mới)", "Mã quận/huyện cũ", "Mã xã/phường cũ", "Giới thiệu"},
			{"HTX Ba Đình Xanh", "Hợp tác xã", "0101111111", "00004", "", "", ""},     // 2 ok
			{"", "Hợp tác xã", "", "00004", "", "", ""},                               // 3 missing name
			{"Ngân hàng X", "Ngân hàng", "", "00004", "", "", ""},                     // 4 unknown kind
			{"HTX Ngọc Hà", "Hợp tác xã", "", "00008", "", "", ""},                    // 5 commune outside scope
			{"HTX Trùng", "Hợp tác xã", "0101111111", "00004", "", "", ""},            // 6 duplicate in file
			{"HTX Trùng DB", "Trang trại", "0100000001", "00004", "", "", ""},         // 7 duplicate in database
			{"HTX Chia tách", "Hợp tác xã", "", "", "001", "00016", ""},               // 8 split old commune, no new code
			{"HTX Dài", "Hợp tác xã", "", "00004", "", "", strings.Repeat("x", 5001)}, // 9 too long
			{"", "", "", "", "", "", ""}, // 10 empty
			{"Hộ Trần Văn C", "hộ kinh doanh", "8001234567", "00004", "", "", "Mộc"}, // 11 ok
		}
		want := []string{
			"3 | Tên chủ thể | Mục này là bắt buộc.",
			"4 | Loại hình | Hãy chọn loại hình chủ thể.",
			"5 | Mã xã/phường (mới) | Xã/phường này không thuộc phạm vi quản lý của bạn.",
			"6 | Số đăng ký kinh doanh | Trùng với dòng 2 trong file.",
			"7 | Số đăng ký kinh doanh | Số đăng ký 0100000001 đã thuộc về chủ thể khác.",
			"8 | Mã xã/phường (mới) | Phường Ngọc Hà (cũ) đã được chia cho nhiều đơn vị mới",
			"9 | Giới thiệu | Quá dài (tối đa 5000 ký tự).",
		}
		for _, format := range []string{"xlsx", "csv"} {
			var file []byte
			if format == "xlsx" {
				file = sheetXLSX(t, rows)
			} else {
				file = sheetCSV(rows)
			}
			var before int
			e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&before)
			r := postImport(t, e, officer, "producers", "chu-the."+format, file, true)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "Đây là lần chạy thử") || !strings.Contains(r.Body, "<h1>Kết quả nhập dữ liệu</h1>") {
				t.Fatalf("%s dry run: status %d\n%s", format, r.Status, r.Body)
			}
			got := shownErrors(r.Body)
			if len(got) != len(want) {
				t.Errorf("%s dry run: %d errors shown, want %d:\n%s", format, len(got), len(want), strings.Join(got, "\n"))
			}
			for i := range min(len(got), len(want)) {
				if !strings.HasPrefix(got[i], want[i]) {
					t.Errorf("%s dry run: error %d: got %q, want %q", format, i, got[i], want[i])
				}
			}
			var n int
			e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&n)
			if n != before {
				t.Errorf("%s dry run wrote: %d producers, want %d", format, n, before)
			}
			if format == "csv" {
				// The XLSX run already wrote the valid rows: now they are
				// unchanged, and row 6 duplicates row 2 all the same.
				r = postImport(t, e, officer, "producers", "chu-the.csv", file, false)
				if r.Status != http.StatusOK || !strings.Contains(r.Body, `<dd id="unchanged">2</dd>`) || len(shownErrors(r.Body)) != len(want) {
					t.Errorf("csv re-import: status %d, errors %v", r.Status, shownErrors(r.Body))
				}
				continue
			}
			r = postImport(t, e, officer, "producers", "chu-the.xlsx", file, false)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, `<dd id="created">2</dd>`) || len(shownErrors(r.Body)) != len(want) {
				t.Fatalf("%s real run: status %d, errors %v", format, r.Status, shownErrors(r.Body))
			}
			var names []string
			rs, err := e.App.DB.QueryContext(e.Ctx(), "SELECT name FROM producers WHERE id <> ? ORDER BY name", other.ID)
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				var s string
				rs.Scan(&s)
				names = append(names, s)
			}
			rs.Close()
			if strings.Join(names, ",") != "HTX Ba Đình Xanh,Hộ Trần Văn C" {
				t.Errorf("written producers: %v, want exactly the valid rows", names)
			}
		}
		// The officer's import wrote one audit row per record and one summary.
		var audits, summaries int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = 'producer.create' AND actor_name LIKE 'commune%'").Scan(&audits)
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = 'import'").Scan(&summaries)
		if audits != 2 || summaries != 2 {
			t.Errorf("audit: %d creations, %d import summaries; want 2, 2", audits, summaries)
		}
	})
}

// Products: a bad GTIN, an unknown producer and one outside the officer's
// communes are reported; the valid row is written. Messages follow the
// user's language.
func TestImportProductsPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if _, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Mình", CommuneCode: "00004", RegistrationNo: "0101111111"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Khác", CommuneCode: "00008", RegistrationNo: "0102222222"}); err != nil {
			t.Fatal(err)
		}
		officer := e.Login(e.User(account.RoleCommune, "00004"))
		file := sheetCSV([][]string{
			{"Mã sản phẩm", "Tên sản phẩm", "Mã phân nhóm", "Số đăng ký chủ thể", "GTIN"},
			{"", "Chè sen", "I.5.a", "0101111111", "8935000000014"},
			{"", "Chè sai mã vạch", "I.5.a", "0101111111", "8935000000015"},
			{"", "Chè người khác", "I.5.a", "0102222222", ""},
			{"", "Chè không chủ", "I.5.a", "0109999999", ""},
		})
		r := postImport(t, e, officer, "products", "sp.csv", file, false)
		want := []string{
			"3 | GTIN | Mã GTIN-13 sai số kiểm tra.",
			"4 | Số đăng ký chủ thể | Hồ sơ này không thuộc phạm vi của bạn.",
			"5 | Số đăng ký chủ thể |",
		}
		got := shownErrors(r.Body)
		if r.Status != 200 || len(got) != len(want) {
			t.Fatalf("status %d, errors %v", r.Status, got)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("error %d: got %q, want %q", i, got[i], want[i])
			}
		}
		var n int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM products").Scan(&n)
		if n != 1 {
			t.Errorf("products written: %d, want 1", n)
		}
		// In English (after the real run, row 2's GTIN is now taken).
		req, _ := http.NewRequest(http.MethodGet, e.Server.URL+"/admin/import?lang=en", nil)
		officer.Do(req)
		r = postImport(t, e, officer, "products", "sp.csv", file, true)
		if got := shownErrors(r.Body); len(got) != 4 || !strings.HasPrefix(got[1], "3 | GTIN | The GTIN-13 check digit is wrong.") || !strings.Contains(got[0], "GTIN 8935000000014 is already used") {
			t.Errorf("English dry run: %v", got)
		}
	})
}

// Files that are not spreadsheets, or that would unpack to too much, get a
// clear message on the form, never a 500, and write nothing.
func TestImportBadFiles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleOffice))
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDAT")
		random := make([]byte, 2048)
		for i := range random {
			random[i] = byte((i*131 + 7) ^ (i >> 3))
		}
		for _, tt := range []struct {
			name, file string
			data       []byte
			want       string
		}{
			{"PNG named .xlsx", "anh.xlsx", png, "không phải bảng tính Excel"},
			{"random bytes", "x.csv", random, "không phải bảng tính Excel"},
			{"zip bomb", "bom.xlsx", bomb(t), "giải nén quá lớn"},
			{"empty file", "rong.csv", nil, "File không có dữ liệu"},
			{"wrong kind of file", "sp.csv", sheetCSV([][]string{{"Giá", "Số lượng"}, {"1", "2"}}), "Không tìm thấy cột “Tên chủ thể”"},
		} {
			r := postImport(t, e, c, "producers", tt.file, tt.data, false)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
			if !strings.Contains(r.Body, `enctype="multipart/form-data"`) {
				t.Errorf("%s: the form is not shown again", tt.name)
			}
		}
		// No file at all.
		r := postImport(t, e, c, "producers", "", nil, false)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("no file: status %d", r.Status)
		}
		var n int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&n)
		if n != 0 {
			t.Errorf("bad files wrote %d producers", n)
		}
	})
}

// bomb is an XLSX-looking zip whose sheet unpacks to 210 MB of zeros from
// about 200 KB.
func bomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := 0; i < 210; i++ {
		w.Write(chunk)
	}
	zw.Close()
	return b.Bytes()
}

// Export → import gives back the same records: no change, no error.
func TestExportImportRoundTripPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		lat, lng := 21.0285, 105.8542
		x, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindFarm, Name: "Trang trại \"Sen\", Hồ Tây",
			CommuneCode: "00004", RegistrationNo: "0105555555", Phone: "+84 24 3333 4444", Latitude: &lat, Longitude: &lng, WomenLed: true,
			WorkersTotal: 4, Description: "=SUM(A1) không phải công thức"})
		if err != nil {
			t.Fatal(err)
		}
		e.Product(x.ID, "Trà sen Tây Hồ", "I.5.b")
		e.Producer("HTX Khác xã", "00008")
		officer := e.Login(e.User(account.RoleCommune, "00004"))
		for _, kind := range []string{"producers", "products"} {
			for _, format := range []string{"xlsx", "csv"} {
				r := officer.Get("/admin/export/" + kind + "." + format)
				if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
					t.Fatalf("export %s.%s: status %d", kind, format, r.Status)
				}
				if format == "csv" && strings.Contains(r.Body, "HTX Khác xã") {
					t.Errorf("export %s.csv holds another commune's producer", kind)
				}
				res := postImport(t, e, officer, kind, "export."+format, []byte(r.Body), false)
				if got := shownErrors(res.Body); res.Status != 200 || len(got) != 0 || !strings.Contains(res.Body, `<dd id="unchanged">1</dd>`) || !strings.Contains(res.Body, `<dd id="updated">0</dd>`) {
					t.Errorf("round trip %s.%s: status %d, errors %v", kind, format, res.Status, got)
				}
			}
		}
		var v int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT version FROM producers WHERE id = ?", x.ID).Scan(&v)
		if v != 1 {
			t.Errorf("producer version after round trips: %d, want 1", v)
		}
	})
}

// Who may use the import and export pages.
func TestImportAccess(t *testing.T) {
	e := apptest.New(t, "sqlite")
	x := e.Producer("HTX A", "00004")
	for _, tt := range []struct {
		role account.Role
		want int
	}{
		{account.RoleAdmin, 200}, {account.RoleOffice, 200}, {account.RoleCommune, 200},
		{account.RoleCouncil, 403}, {account.RoleProducer, 403}, {account.RoleBuyer, 403},
	} {
		var c *apptest.Client
		if tt.role == account.RoleProducer {
			c = e.Login(e.ProducerUser(x.ID))
		} else {
			c = e.Login(e.User(tt.role, "00004"))
		}
		for _, path := range []string{"/admin/import", "/admin/import/template/producers.xlsx", "/admin/import/template/products.csv", "/admin/export/producers.xlsx", "/admin/export/products.csv"} {
			if r := c.Get(path); r.Status != tt.want {
				t.Errorf("%s GET %s: status %d, want %d", tt.role, path, r.Status, tt.want)
			}
		}
		r := postImport(t, e, c, "producers", "a.csv", sheetCSV([][]string{{"Tên chủ thể", "Loại hình", "Mã xã/phường (mới)"}, {"HTX " + string(tt.role), "Trang trại", "00004"}}), false)
		if r.Status != tt.want {
			t.Errorf("%s POST /admin/import: status %d, want %d", tt.role, r.Status, tt.want)
		}
	}
	if r := e.Anon().Get("/admin/export/producers.xlsx"); r.Status != http.StatusSeeOther {
		t.Errorf("anonymous export: status %d, want a redirect to sign in", r.Status)
	}
	c := e.Login(e.User(account.RoleAdmin))
	for _, path := range []string{"/admin/export/producers.pdf", "/admin/export/users.csv", "/admin/import/template/x"} {
		if r := c.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, r.Status)
		}
	}
	// The template is a workbook with the guide sheet.
	r := c.Get("/admin/import/template/producers.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	defer f.Close()
	if got := fmt.Sprint(f.GetSheetList()); got != "[Chủ thể Hướng dẫn]" {
		t.Errorf("template sheets: %s", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("template content type %q", ct)
	}
	// The import page links to the templates and the exports.
	page := c.Get("/admin/import")
	if !strings.Contains(page.Body, "<h1>Nhập/xuất Excel</h1>") {
		t.Errorf("import page title missing")
	}
	for _, link := range []string{"/admin/import/template/producers.xlsx", "/admin/import/template/products.csv", "/admin/export/products.xlsx"} {
		if !strings.Contains(page.Body, link) {
			t.Errorf("import page lacks a link to %s", link)
		}
	}
}
