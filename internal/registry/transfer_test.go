package registry_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/registry"
)

// transferEnv is a registry service over a fresh database.
type transferEnv struct {
	tb  testing.TB
	ctx context.Context
	d   *db.DB
	s   *registry.Service
}

var transferAdmin = &account.Principal{Username: "fixture", Role: account.RoleAdmin}

func newTransferEnv(tb testing.TB, d *db.DB) *transferEnv {
	tb.Helper()
	ref := dbtest.Reference(tb)
	now := func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	acc := account.NewService(d, ref.Units, account.Options{Now: now})
	s := registry.NewService(d, ref.Units, ref.Categories, acc, registry.Options{Now: now})
	return &transferEnv{tb: tb, ctx: context.Background(), d: d, s: s}
}

func (e *transferEnv) producer(name, commune, reg string) registry.Producer {
	e.tb.Helper()
	x, err := e.s.CreateProducer(e.ctx, transferAdmin, registry.ProducerInput{Kind: registry.KindCooperative, Name: name, CommuneCode: commune, RegistrationNo: reg})
	if err != nil {
		e.tb.Fatalf("create producer %s: %v", name, err)
	}
	return x
}

func (e *transferEnv) count(query string, args ...any) int {
	e.tb.Helper()
	var n int
	if err := e.d.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
	return n
}

func csvBytes(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

func xlsxBytes(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			tb.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func encode(tb testing.TB, format string, rows [][]string) []byte {
	if format == registry.FormatXLSX {
		return xlsxBytes(tb, rows)
	}
	return csvBytes(rows)
}

// errorsByRow renders row errors as "row field key" lines for comparison.
func errorsByRow(errs []registry.RowError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%d %s %s", e.Row, e.Field, e.Key)
	}
	return out
}

var producerHeader = []string{"Tên chủ thể", "Loại hình", "Số đăng ký kinh doanh", "Mã xã/phường (mới)", "Mã quận/huyện cũ", "Mã xã/phường cũ", "Vĩ độ", "Kinh độ", "Do phụ nữ làm chủ", "Tổng số lao động", "Giới thiệu"}

// Every kind of bad row is reported with its row number and reason; the
// good rows around them are written, the bad ones are not, and a dry run
// reports the same and writes nothing.
func TestImportProducerRows(t *testing.T) {
	for _, format := range []string{registry.FormatCSV, registry.FormatXLSX} {
		t.Run(format, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				e := newTransferEnv(t, d)
				e.producer("HTX Đã có", "00008", "0100000001")
				officer := &account.Principal{Username: "officer", Role: account.RoleCommune, Communes: []string{"00004"}}
				rows := [][]string{
					producerHeader,
					{"HTX Gốm Ba Đình", "Hợp tác xã", "0101111111", "00004", "", "", "21.03", "105.83", "có", "12", "Gốm"}, // 2 ok
					{"", "Hợp tác xã", "", "00004", "", "", "", "", "", "", ""},                                            // 3 no name
					{"Ngân hàng X", "Ngân hàng", "", "00004", "", "", "", "", "", "", ""},                                  // 4 unknown kind
					{"HTX Ngọc Hà", "htx", "", "00008", "", "", "", "", "", "", ""},                                        // 5 out of scope
					{"HTX Trùng số", "Hợp tác xã", "0101111111", "00004", "", "", "", "", "", "", ""},                      // 6 duplicate in file
					{"HTX Trùng DB", "Hợp tác xã", "0100000001", "00004", "", "", "", "", "", "", ""},                      // 7 duplicate in DB
					{"HTX Chia tách", "Hợp tác xã", "", "", "001", "00016", "", "", "", "", ""},                            // 8 split old commune
					{strings.Repeat("Dài ", 80), "Hợp tác xã", "", "00004", "", "", "", "", "", "", ""},                    // 9 too long
					{"", "", "", "", "", "", "", "", "", "", ""},                                                           // 10 empty
					{"Hộ Nguyễn Văn B", "Hộ sản xuất, hộ kinh doanh", "", "4", "", "", "", "", "không", "3", ""},           // 11 ok, code without zeros
					{"HTX Sai số", "Hợp tác xã", "", "00004", "", "", "abc", "105.8", "có lẽ", "", ""},                     // 12 bad number, bad yes/no
				}
				want := []string{
					"3 name err.required",
					"4 kind err.producer_kind_unknown",
					"5 commune_code err.commune_out_of_scope",
					"6 registration_no transfer.err_duplicate_in_file",
					"7 registration_no err.registration_no_taken",
					"8 commune_code err.old_commune_split",
					"9 name err.too_long",
					"12 latitude err.bad_number",
					"12 women_led transfer.err_yes_no",
				}
				file := encode(t, format, rows)
				for _, dry := range []bool{true, false} {
					res, err := e.s.Import(e.ctx, officer, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers, DryRun: dry})
					if err != nil {
						t.Fatalf("dry %v: %v", dry, err)
					}
					if got := errorsByRow(res.Errors); strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("dry %v: errors:\n%s\nwant:\n%s", dry, strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
					if res.Format != format || res.Rows != 10 || res.Valid != 2 || res.Failed() != 8 {
						t.Errorf("dry %v: format %s rows %d valid %d failed %d, want %s 10 2 8", dry, res.Format, res.Rows, res.Valid, res.Failed(), format)
					}
					n := e.count("SELECT COUNT(*) FROM producers")
					if dry && (n != 1 || res.Written != 0) {
						t.Errorf("dry run: %d producers, written %d; want 1, 0", n, res.Written)
					}
					if !dry && (n != 3 || res.Written != 2 || res.Created != 2) {
						t.Errorf("real run: %d producers, written %d, created %d; want 3, 2, 2", n, res.Written, res.Created)
					}
				}
				if n := e.count("SELECT COUNT(*) FROM producers WHERE commune_code = '00004' AND name IN ('HTX Gốm Ba Đình', 'Hộ Nguyễn Văn B')"); n != 2 {
					t.Errorf("valid rows written: %d, want 2", n)
				}
				if n := e.count("SELECT COUNT(*) FROM producers WHERE women_led = TRUE AND workers_total = 12 AND latitude = 21.03 AND registration_no = '0101111111'"); n != 1 {
					t.Errorf("row 2 values not stored as given")
				}
				if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'producer.create' AND actor_name = 'officer'"); n != 2 {
					t.Errorf("audit rows for creations: %d, want 2", n)
				}
				if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'import'"); n != 1 {
					t.Errorf("import summary audit rows: %d, want 1 (none for the dry run)", n)
				}
			})
		})
	}
}

// A row refused by the database itself is undone alone: the rows before
// and after it are written, with their audit rows, and it leaves nothing.
func TestImportSavepointIsolatesRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newTransferEnv(t, d)
		// A constraint the checks in Go do not know about.
		if _, err := d.ExecContext(e.ctx, "CREATE UNIQUE INDEX test_producers_phone ON producers(phone) WHERE phone <> ''"); err != nil {
			t.Fatal(err)
		}
		file := csvBytes([][]string{
			{"Tên chủ thể", "Loại hình", "Mã xã/phường (mới)", "Điện thoại"},
			{"A", "Trang trại", "00004", "0912345678"},
			{"B", "Trang trại", "00004", "0912345678"},
			{"C", "Trang trại", "00004", "0987654321"},
		})
		res, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 3 || res.Written != 2 {
			t.Fatalf("errors %+v, written %d; want one error on row 3, 2 written", res.Errors, res.Written)
		}
		if n := e.count("SELECT COUNT(*) FROM producers WHERE name IN ('A', 'C')"); n != 2 {
			t.Errorf("rows around the failed one: %d written, want 2", n)
		}
		if n := e.count("SELECT COUNT(*) FROM producers WHERE name = 'B'"); n != 0 {
			t.Errorf("failed row left %d producers", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'producer.create'"); n != 2 {
			t.Errorf("audit rows: %d, want 2 (the failed row's is undone)", n)
		}
	})
}

// New products are written in batches; when the database refuses one row
// of a batch, the batch is undone and replayed row by row, so that only
// that row is left out and reported.
func TestImportProductBatchFallback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newTransferEnv(t, d)
		e.producer("HTX A", "00004", "0101111111")
		if _, err := d.ExecContext(e.ctx, "CREATE UNIQUE INDEX test_products_brand ON products(brand) WHERE brand <> ''"); err != nil {
			t.Fatal(err)
		}
		rows := [][]string{{"Tên sản phẩm", "Mã phân nhóm", "Số đăng ký chủ thể", "Nhãn hiệu"}}
		for i := 0; i < 250; i++ {
			brand := fmt.Sprint("B", i)
			if i == 48 || i == 148 {
				brand = "Trùng"
			}
			rows = append(rows, []string{fmt.Sprint("SP ", i), "I.5.a", "0101111111", brand})
		}
		res, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(csvBytes(rows)), registry.ImportOptions{Kind: registry.TransferProducts})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 150 || res.Created != 249 || res.Valid != 249 {
			t.Fatalf("errors %+v, created %d, valid %d; want one error on row 150 and 249 created", res.Errors, res.Created, res.Valid)
		}
		if n := e.count("SELECT COUNT(*) FROM products"); n != 249 {
			t.Errorf("products: %d, want 249", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product.create'"); n != 249 {
			t.Errorf("audit rows: %d, want 249", n)
		}
		if n := e.count("SELECT COUNT(*) FROM products WHERE name = 'SP 148'"); n != 0 {
			t.Errorf("refused row written")
		}
	})
}

func TestImportProducts(t *testing.T) {
	for _, format := range []string{registry.FormatCSV, registry.FormatXLSX} {
		t.Run(format, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				e := newTransferEnv(t, d)
				mine := e.producer("HTX Của tôi", "00004", "0101111111")
				noReg := e.producer("Hộ không số", "00004", "")
				e.producer("HTX Khác", "00008", "0102222222")
				existing, err := e.s.CreateProduct(e.ctx, transferAdmin, registry.ProductInput{ProducerID: mine.ID, Name: "Chè cũ", CategoryCode: "I.5.a", GTIN: "8935000000014"})
				if err != nil {
					t.Fatal(err)
				}
				officer := &account.Principal{Username: "officer", Role: account.RoleCommune, Communes: []string{"00004"}}
				rows := [][]string{
					{"Mã sản phẩm", "Tên sản phẩm", "Mã phân nhóm", "Số đăng ký chủ thể", "ID chủ thể", "GTIN", "Trạng thái"},
					{"", "Chè sen", "I.5.a", "0101111111", "", "8935000000021", ""},                // 2 ok, code allocated
					{"", "Gốm", "IV.1", "", fmt.Sprint(noReg.ID), "", "Nháp"},                      // 3 ok by producer id
					{"", "Sai GTIN", "I.5.a", "0101111111", "", "8935000000022", ""},               // 4 bad check digit
					{"", "Ngoài phạm vi", "I.5.a", "0102222222", "", "", ""},                       // 5 producer out of scope
					{"", "Không có chủ thể", "I.5.a", "0109999999", "", "", ""},                    // 6 unknown producer
					{"", "Sai nhóm", "I.9", "0101111111", "", "", ""},                              // 7 unknown category
					{"", "Trùng GTIN DB", "I.5.a", "0101111111", "", "8935000000014", ""},          // 8 GTIN taken
					{"", "Trùng GTIN file", "I.5.a", "0101111111", "", "8935000000021", ""},        // 9 GTIN dup in file
					{existing.Code, "Chè mới", "I.5.a", "", "", "8935000000014", "Đang hoạt động"}, // 10 update by code
					{existing.Code, "Chè lại", "I.5.a", "", "", "", ""},                            // 11 code dup in file
					{"01-00004-900-2026", "Có mã", "I.5.a", "0101111111", "", "", ""},              // 12 ok, typed code
					{"", "Nhóm đầu mục", "I.5", "0101111111", "", "", ""},                          // 13 heading category
				}
				want := []string{
					"4 gtin err.gtin_check_digit",
					"5 producer_registration_no err.out_of_scope",
					"6 producer_registration_no err.producer_not_found_by_regno",
					"7 category_code err.category_unknown",
					"8 gtin err.gtin_taken",
					"9 gtin transfer.err_duplicate_in_file",
					"11 code transfer.err_duplicate_in_file",
					"13 category_code err.category_not_leaf",
				}
				file := encode(t, format, rows)
				for _, dry := range []bool{true, false} {
					res, err := e.s.Import(e.ctx, officer, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducts, DryRun: dry})
					if err != nil {
						t.Fatal(err)
					}
					if got := errorsByRow(res.Errors); strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("dry %v: errors:\n%s\nwant:\n%s", dry, strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
					if res.Valid != 4 {
						t.Errorf("dry %v: valid %d, want 4", dry, res.Valid)
					}
					n := e.count("SELECT COUNT(*) FROM products")
					if dry && n != 1 {
						t.Errorf("dry run wrote: %d products, want 1", n)
					}
					if !dry && (n != 4 || res.Created != 3 || res.Updated != 1) {
						t.Errorf("real run: %d products, created %d, updated %d; want 4, 3, 1", n, res.Created, res.Updated)
					}
				}
				var code, gtin string
				if err := d.QueryRowContext(e.ctx, "SELECT code, COALESCE(gtin, '') FROM products WHERE name = 'Chè sen'").Scan(&code, &gtin); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(code, "01-00004-") || !strings.HasSuffix(code, "-2026") || gtin != "8935000000021" {
					t.Errorf("allocated code %q, gtin %q", code, gtin)
				}
				var name string
				var version int
				if err := d.QueryRowContext(e.ctx, "SELECT name, version FROM products WHERE id = ?", existing.ID).Scan(&name, &version); err != nil || name != "Chè mới" || version != 2 {
					t.Errorf("update by code: name %q version %d (err %v), want Chè mới 2", name, version, err)
				}
				// Codes allocated later do not collide with those the import used.
				p, err := e.s.CreateProduct(e.ctx, transferAdmin, registry.ProductInput{ProducerID: mine.ID, Name: "Sau", CategoryCode: "I.5.a"})
				if err != nil {
					t.Fatalf("create after import: %v", err)
				}
				if p.Code == code {
					t.Errorf("code %s allocated twice", code)
				}
			})
		})
	}
}

// Export, then import the exported file: nothing changes and nothing is
// reported, for every format and engine.
func TestExportImportRoundTrip(t *testing.T) {
	for _, format := range []string{registry.FormatCSV, registry.FormatXLSX} {
		t.Run(format, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				e := newTransferEnv(t, d)
				lat, lng := 20.977612345, 105.91
				a, err := e.s.CreateProducer(e.ctx, transferAdmin, registry.ProducerInput{
					Kind: registry.KindHousehold, Name: "Hộ \"Gốm\", Bát Tràng", RegistrationNo: "01A8001234", Representative: "Lê Thị C",
					Phone: "+84 912 345 678", Email: "a@example.vn", Website: "https://example.vn", CommuneCode: "00577", LegacyDistrictCode: "018",
					LegacyCommuneCode: "00583", AddressLine: "Thôn 1; xóm 2", Latitude: &lat, Longitude: &lng, WomenLed: true, WorkersTotal: 7,
					WorkersWomen: 5, Description: "=1+2 không phải công thức\ndòng hai", Status: registry.StatusDraft,
				})
				if err != nil {
					t.Fatal(err)
				}
				b := e.producer("HTX không số", "00004", "")
				v, err := e.s.CreateCraftVillage(e.ctx, transferAdmin, registry.CraftVillageInput{Name: "Làng gốm Bát Tràng", CommuneCode: "00577"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.s.CreateProduct(e.ctx, transferAdmin, registry.ProductInput{ProducerID: a.ID, Name: "Bình gốm", NameEn: "Vase", CategoryCode: "IV.1",
					Brand: "-Gốm-", GTIN: "8935000000014", CraftVillageID: &v.ID, Ingredients: "Đất", Status: registry.StatusInactive}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.s.CreateProduct(e.ctx, transferAdmin, registry.ProductInput{ProducerID: b.ID, Name: "Chè", CategoryCode: "I.5.a"}); err != nil {
					t.Fatal(err)
				}
				for _, kind := range []string{registry.TransferProducers, registry.TransferProducts} {
					var buf bytes.Buffer
					if err := e.s.Export(e.ctx, transferAdmin, &buf, kind, format); err != nil {
						t.Fatalf("export %s: %v", kind, err)
					}
					before := e.count("SELECT COALESCE(SUM(version), 0) FROM " + kind)
					res, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(buf.Bytes()), registry.ImportOptions{Kind: kind, Format: format})
					if err != nil {
						t.Fatalf("import %s: %v", kind, err)
					}
					if len(res.Errors) != 0 || res.Rows != 2 || res.Unchanged != 2 || res.Written != 0 || len(res.Ignored) != 0 {
						t.Errorf("%s round trip: rows %d unchanged %d written %d ignored %v errors %+v", kind, res.Rows, res.Unchanged, res.Written, res.Ignored, res.Errors)
					}
					if after := e.count("SELECT COALESCE(SUM(version), 0) FROM " + kind); after != before {
						t.Errorf("%s versions changed: %d → %d", kind, before, after)
					}
				}
				// Formula-like text is exported inert in CSV and comes back as typed.
				if format == registry.FormatCSV {
					var buf bytes.Buffer
					if err := e.s.Export(e.ctx, transferAdmin, &buf, registry.TransferProducers, format); err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(buf.String(), "'=1+2") || !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBFID,")) {
						t.Errorf("CSV export does not neutralise formulas or lacks the BOM:\n%s", buf.String())
					}
				}
			})
		})
	}
}

// An edited export updates exactly what was edited.
func TestImportUpdatesFromExport(t *testing.T) {
	e := newTransferEnv(t, dbtest.New(t, db.SQLite))
	x := e.producer("HTX Cũ", "00004", "0101111111")
	file := csvBytes([][]string{{"ID", "Điện thoại"}, {fmt.Sprint(x.ID), "0243 123 4567"}})
	res, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers})
	if err != nil || res.Updated != 1 || len(res.Errors) != 0 {
		t.Fatalf("partial update: %+v, %v", res, err)
	}
	got, err := e.s.Producer(e.ctx, transferAdmin, x.ID)
	if err != nil || got.Phone != "0243 123 4567" || got.Name != "HTX Cũ" || got.RegistrationNo != "0101111111" || got.Version != 2 {
		t.Errorf("after partial update: %+v (err %v)", got, err)
	}
	// By registration number, English headers without the ID column.
	file = csvBytes([][]string{{"registration number", "producer name", "kind", "commune code (current)"}, {"0101111111", "HTX Mới", "cooperative", "00004"}})
	res, err = e.s.Import(e.ctx, transferAdmin, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers})
	if err != nil || res.Updated != 1 || res.Created != 0 {
		t.Fatalf("update by registration number: %+v, %v", res, err)
	}
	if n := e.count("SELECT COUNT(*) FROM producers WHERE name = 'HTX Mới'"); n != 1 {
		t.Errorf("renamed producers: %d, want 1", n)
	}
}

func TestImportFileProblems(t *testing.T) {
	e := newTransferEnv(t, dbtest.New(t, db.SQLite))
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i/13)
	}
	many := [][]string{{"Tên chủ thể"}}
	for i := 0; i <= registry.MaxImportRows; i++ {
		many = append(many, []string{"x"})
	}
	wide := make([]string, 101)
	for i := range wide {
		wide[i] = fmt.Sprint("c", i)
	}
	for _, tt := range []struct {
		name   string
		file   []byte
		format string
		want   string
	}{
		{"PNG image", png, "", "transfer.err_not_spreadsheet"},
		{"random bytes", random, "", "transfer.err_not_spreadsheet"},
		{"empty", nil, "", "transfer.err_empty"},
		{"only blanks", []byte(" \n\n"), "", "transfer.err_empty"},
		{"UTF-16 text", []byte("\xff\xfeT\x00e\x00n\x00"), "", "transfer.err_not_spreadsheet"},
		{"Excel 97", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "", "transfer.err_old_excel"},
		{"zip that is no workbook", zipOf(t, "hello.txt", 10), "", "transfer.err_not_spreadsheet"},
		{"zip bomb", zipOf(t, "xl/worksheets/sheet1.xml", 210<<20), "", "transfer.err_unzip_too_large"},
		{"too large", bytes.Repeat([]byte("a,b\n"), registry.MaxImportBytes/4+1), "", "transfer.err_too_large"},
		{"too many rows", csvBytes(many), "", "transfer.err_too_many_rows"},
		{"too many columns", csvBytes([][]string{wide, wide}), "", "transfer.err_too_many_columns"},
		{"no known column", csvBytes([][]string{{"foo", "bar"}, {"1", "2"}}), "", "transfer.err_missing_column"},
		{"duplicate column", csvBytes([][]string{{"Tên chủ thể", "Name"}, {"1", "2"}}), "", "transfer.err_duplicate_column"},
		{"header only", csvBytes([][]string{{"Tên chủ thể"}}), "", "transfer.err_no_rows"},
		{"CSV sent as XLSX", csvBytes([][]string{{"Tên chủ thể"}, {"x"}}), "xlsx", "transfer.err_format_mismatch"},
	} {
		_, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(tt.file), registry.ImportOptions{Kind: registry.TransferProducers, Format: tt.format})
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || ae.Key != tt.want {
			t.Errorf("%s: got %v, want Invalid %s", tt.name, err, tt.want)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM producers"); n != 0 {
		t.Errorf("bad files wrote %d producers", n)
	}
}

// zipOf returns a zip holding one part of size bytes of zeros (which
// compresses about a thousandfold).
func zipOf(tb testing.TB, name string, size int) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for size > 0 {
		n := min(size, len(chunk))
		if _, err := w.Write(chunk[:n]); err != nil {
			tb.Fatal(err)
		}
		size -= n
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestImportCSVDialects(t *testing.T) {
	e := newTransferEnv(t, dbtest.New(t, db.SQLite))
	for _, tt := range []struct {
		name string
		file string
	}{
		{"semicolons and BOM", "\xEF\xBB\xBFten chu the;loai hinh;ma xa/phuong (moi)\r\nHTX Một;Hợp tác xã;00004\r\n"},
		{"tabs", "Tên chủ thể\tLoại hình\tMã xã/phường (mới)\nHTX Hai\tTRANG TRẠI\t00004\n"},
		{"blank lines and quoted newline", "Tên chủ thể,Loại hình,Mã xã/phường (mới),Giới thiệu\n\n\"HTX Ba\",farm,00004,\"dòng 1\ndòng 2\"\n\nHTX Bốn,X,00004,\n"},
	} {
		res, err := e.s.Import(e.ctx, transferAdmin, strings.NewReader(tt.file), registry.ImportOptions{Kind: registry.TransferProducers, DryRun: true})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if tt.name == "blank lines and quoted newline" {
			// Spreadsheet rows: 1 header, 2 blank, 3 HTX Ba (one row of
			// two lines), 4 blank, 5 HTX Bốn.
			if len(res.Errors) != 1 || res.Errors[0].Row != 5 || res.Valid != 1 {
				t.Errorf("%s: valid %d errors %+v, want the bad kind on row 5", tt.name, res.Valid, res.Errors)
			}
			continue
		}
		if res.Valid != 1 || len(res.Errors) != 0 {
			t.Errorf("%s: valid %d errors %+v", tt.name, res.Valid, res.Errors)
		}
	}
}

func TestImportScope(t *testing.T) {
	e := newTransferEnv(t, dbtest.New(t, db.SQLite))
	x := e.producer("HTX A", "00008", "0101111111")
	file := csvBytes([][]string{{"Tên chủ thể", "Loại hình", "Mã xã/phường (mới)"}, {"HTX B", "Trang trại", "00004"}})
	for _, p := range []*account.Principal{
		nil,
		{Username: "p", Role: account.RoleProducer, Producers: []int64{x.ID}},
		{Username: "c", Role: account.RoleCouncil},
		{Username: "b", Role: account.RoleBuyer},
	} {
		if _, err := e.s.Import(e.ctx, p, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("%v: import got %v, want Forbidden", p, err)
		}
	}
	// A commune officer cannot update another commune's producer by ID.
	officer := &account.Principal{Username: "o", Role: account.RoleCommune, Communes: []string{"00004"}}
	file = csvBytes([][]string{{"ID", "Tên chủ thể"}, {fmt.Sprint(x.ID), "Chiếm"}})
	res, err := e.s.Import(e.ctx, officer, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducers})
	if err != nil || len(res.Errors) == 0 || res.Errors[0].Key != "err.out_of_scope" || res.Written != 0 {
		t.Errorf("update outside scope: %+v, %v", res, err)
	}
	// Exports hold only the caller's scope.
	e.producer("HTX Mình", "00004", "")
	var buf bytes.Buffer
	if err := e.s.Export(e.ctx, officer, &buf, registry.TransferProducers, registry.FormatCSV); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, "HTX Mình") || strings.Contains(s, "HTX A") {
		t.Errorf("officer export:\n%s", s)
	}
	if err := e.s.Export(e.ctx, &account.Principal{Role: account.RoleBuyer}, &buf, registry.TransferProducers, registry.FormatCSV); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("buyer export: %v, want Forbidden", err)
	}
}

func TestWriteTemplate(t *testing.T) {
	e := newTransferEnv(t, dbtest.New(t, db.SQLite))
	for _, kind := range []string{registry.TransferProducers, registry.TransferProducts} {
		cols, _ := registry.TransferColumns(kind)
		var buf bytes.Buffer
		if err := registry.WriteTemplate(&buf, kind, registry.FormatXLSX); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 2 || sheets[1] != "Hướng dẫn" {
			t.Errorf("%s: sheets %v", kind, sheets)
		}
		rows, _ := f.GetRows(sheets[0])
		if len(rows) != 2 || rows[0][0] != cols[0].Vi || len(rows[0]) != len(cols) || len(rows[1]) != len(cols) {
			t.Errorf("%s: data sheet %v", kind, rows)
		}
		guide, _ := f.GetRows("Hướng dẫn")
		var all strings.Builder
		for _, r := range guide {
			all.WriteString(strings.Join(r, "|") + "\n")
		}
		for _, want := range []string{"Tên chủ thể", "Hợp tác xã|cooperative", "I.3.c|", "00577|Xã Bát Tràng", "00583|Xã Bát Tràng|00145, 00565, 00577"} {
			if kind == registry.TransferProducts && want == "Tên chủ thể" {
				want = "Tên sản phẩm"
			}
			if !strings.Contains(all.String(), want) {
				t.Errorf("%s: guide lacks %q", kind, want)
			}
		}
		f.Close()
		// The untouched template imports as "no rows": its sample row is skipped.
		_, err = e.s.Import(e.ctx, transferAdmin, bytes.NewReader(buf.Bytes()), registry.ImportOptions{Kind: kind})
		if ae := apperr.As(err); ae == nil || ae.Key != "transfer.err_no_rows" {
			t.Errorf("%s: importing the template: %v", kind, err)
		}
		// The sample row itself is valid (once its marker is removed).
		buf.Reset()
		if err := registry.WriteTemplate(&buf, kind, registry.FormatCSV); err != nil {
			t.Fatal(err)
		}
		head, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")))).Read()
		if len(head) != len(cols) || head[1] != cols[1].Vi {
			t.Errorf("%s: CSV header %v", kind, head)
		}
	}
}
