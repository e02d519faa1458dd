package registry

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/apperr"
)

// guideSheet is the name of the template's explanations sheet; an import
// never reads it.
const guideSheet = "Hướng dẫn"

func dataSheet(kind string) string {
	if kind == TransferProducts {
		return "Sản phẩm"
	}
	return "Chủ thể"
}

// Export writes every producer or product in p's scope as a spreadsheet
// laid out like the import template, so that the file can be edited and
// imported back. Text is never written as a formula (see escapeFormula).
func (s *Service) Export(ctx context.Context, p *account.Principal, w io.Writer, kind, format string) error {
	if !p.Province() && !p.Is(account.RoleCommune, account.RoleProducer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	cols, err := TransferColumns(kind)
	if err != nil {
		return err
	}
	if err := checkFormat(format); err != nil {
		return err
	}
	sw, err := newSheetWriter(w, format, dataSheet(kind), cols)
	if err != nil {
		return err
	}
	if kind == TransferProducers {
		err = s.exportProducers(ctx, p, sw)
	} else {
		err = s.exportProducts(ctx, p, sw)
	}
	if err != nil {
		if x, ok := sw.(*xlsxSheet); ok {
			x.f.Close()
		}
		return err
	}
	return sw.close()
}

func optFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func (s *Service) exportProducers(ctx context.Context, p *account.Principal, sw sheetWriter) error {
	var w where
	cond, args := scopeFilter(p, "p.commune_code", "p.id", "p.status")
	w.add(cond, args...)
	return eachRow(ctx, s.db, "SELECT "+producerCols+" FROM producers p"+w.sql()+" ORDER BY p.id", w.args, func(sc scanner) error {
		x, err := scanProducer(sc, false)
		if err != nil {
			return err
		}
		return sw.row([]any{x.ID, x.Name, kindName(x.Kind), x.RegistrationNo, x.Representative, x.Phone, x.Email, x.Website,
			x.CommuneCode, x.LegacyDistrictCode, x.LegacyCommuneCode, x.AddressLine, optFloat(x.Latitude), optFloat(x.Longitude),
			boolName(x.WomenLed), boolName(x.EthnicMinorityLed), x.WorkersTotal, x.WorkersWomen, x.WorkersEthnic, x.Description,
			statusName(x.Status)})
	})
}

// withExtra scans a row's leading columns into a struct's scanner and the
// rest into extra.
type withExtra struct {
	sc    scanner
	extra []any
}

func (e withExtra) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

func (s *Service) exportProducts(ctx context.Context, p *account.Principal, sw sheetWriter) error {
	var w where
	cond, args := scopeFilter(p, "pr.commune_code", "p.producer_id", "p.status")
	w.add(cond, args...)
	q := "SELECT " + productCols + ", COALESCE(pr.registration_no, '')" + productFrom + w.sql() + " ORDER BY p.id"
	return eachRow(ctx, s.db, q, w.args, func(sc scanner) error {
		var reg string
		x, err := scanProduct(withExtra{sc, []any{&reg}})
		if err != nil {
			return err
		}
		village := ""
		if x.CraftVillageID != nil {
			village = strconv.FormatInt(*x.CraftVillageID, 10)
		}
		return sw.row([]any{x.Code, x.Name, x.NameEn, x.CategoryCode, reg, x.ProducerID, x.ProducerName, x.Brand, x.GTIN,
			x.Description, x.DescriptionEn, x.Ingredients, x.RawMaterialArea, village, statusName(x.Status)})
	})
}

// exampleRow is the template's sample row; its first cell marks it so that
// an import skips it if it is left in.
func exampleRow(kind string) []any {
	if kind == TransferProducts {
		return []any{"Ví dụ", "Bình gốm men lam", "Blue-glazed ceramic vase", "IV.1", "0101234567", "", "HTX Gốm sứ Bát Tràng",
			"Gốm Bát Tràng", "8935000000012", "Bình gốm vẽ tay, men lam truyền thống.", "Hand-painted vase with traditional blue glaze.",
			"Đất sét trắng, men lam", "Xã Bát Tràng", "", "Đang hoạt động"}
	}
	return []any{"Ví dụ", "HTX Gốm sứ Bát Tràng", "Hợp tác xã", "0101234567", "Nguyễn Văn An", "0912 345 678", "lienhe@example.vn",
		"https://example.vn", "00577", "018", "00583", "Thôn 1", "20.9776", "105.9122", "có", "không", "25", "15", "0",
		"Sản xuất gốm sứ truyền thống.", "Đang hoạt động"}
}

// WriteTemplate writes the empty import template of a kind: the header
// row, and for XLSX a sample row and a guide sheet with the columns, the
// producer kinds, the product categories and the Hanoi commune codes. It
// loads the reference data itself, for callers without a database (the
// template command); a Service has Template.
func WriteTemplate(w io.Writer, kind, format string) error {
	units, err := adminunit.Load()
	if err != nil {
		return err
	}
	cats, err := LoadCategories()
	if err != nil {
		return err
	}
	return writeTemplate(w, kind, format, units, cats)
}

// Template is WriteTemplate with the service's reference data.
func (s *Service) Template(w io.Writer, kind, format string) error {
	return writeTemplate(w, kind, format, s.units, s.cats)
}

func writeTemplate(w io.Writer, kind, format string, units *adminunit.Units, cats *Categories) error {
	cols, err := TransferColumns(kind)
	if err != nil {
		return err
	}
	if err := checkFormat(format); err != nil {
		return err
	}
	sw, err := newSheetWriter(w, format, dataSheet(kind), cols)
	if err != nil {
		return err
	}
	if x, ok := sw.(*xlsxSheet); ok {
		ex := exampleRow(kind)
		grey, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}})
		if err != nil {
			x.f.Close()
			return err
		}
		for i, v := range ex {
			ex[i] = excelize.Cell{StyleID: grey, Value: v}
		}
		if err := sw.row(ex); err != nil {
			x.f.Close()
			return err
		}
		x.after = func(f *excelize.File) error { return writeGuide(f, kind, cols, units, cats) }
	}
	return sw.close()
}

// writeGuide adds the guide sheet. It is in Vietnamese, the language of
// the template; English headers are given beside the Vietnamese ones.
func writeGuide(f *excelize.File, kind string, cols []TransferColumn, units *adminunit.Units, cats *Categories) error {
	if _, err := f.NewSheet(guideSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	n := 0
	put := func(style int, cells ...any) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(guideSheet, cell, &cells); err != nil {
			return err
		}
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(max(len(cells), 1), n)
			return f.SetCellStyle(guideSheet, cell, end, style)
		}
		return nil
	}
	what := "chủ thể OCOP"
	if kind == TransferProducts {
		what = "sản phẩm OCOP"
	}
	lines := []string{
		"Mỗi dòng của trang “" + dataSheet(kind) + "” là một " + what + ". Dòng 1 là tiêu đề cột: giữ nguyên (có thể dùng tiêu đề tiếng Anh); thứ tự cột không quan trọng, cột thiếu thì giữ nguyên dữ liệu đã có khi cập nhật.",
		"Dòng mẫu có ô đầu tiên ghi “Ví dụ” được bỏ qua khi nhập; có thể xoá đi.",
		"Nên chạy thử trước (đánh dấu “Chạy thử”): hệ thống kiểm tra mọi dòng và báo lỗi theo số dòng, không ghi gì. Khi nhập thật, mọi dòng hợp lệ được ghi, dòng có lỗi được bỏ qua.",
		"Để sửa hàng loạt: xuất danh sách ra Excel, sửa, rồi nhập lại file đó.",
		"File CSV phải lưu dạng UTF-8 (Excel: “CSV UTF-8”), phân cách bằng dấu phẩy hoặc dấu chấm phẩy. File tối đa 20 MB và 50.000 dòng.",
	}
	if err := put(title, "Hướng dẫn nhập danh sách "+what); err != nil {
		return err
	}
	for _, l := range lines {
		if err := put(0, l); err != nil {
			return err
		}
	}
	section := func(name string, head ...any) error {
		n++
		if err := put(bold, name); err != nil {
			return err
		}
		return put(bold, head...)
	}
	if err := section("Các cột", "Tiêu đề cột", "Tiêu đề tiếng Anh", "Bắt buộc", "Ghi chú"); err != nil {
		return err
	}
	for _, c := range cols {
		req := ""
		switch {
		case c.ReadOnly:
			req = "chỉ để đọc"
		case c.Required:
			req = "có"
		}
		if err := put(0, c.Vi, c.En, req, c.Note); err != nil {
			return err
		}
	}
	if err := section("Loại hình chủ thể", "Tên", "Mã", "Tên tiếng Anh"); err != nil {
		return err
	}
	for _, k := range ProducerKinds {
		if err := put(0, kindNames[k][0], k, kindNames[k][1]); err != nil {
			return err
		}
	}
	if err := section("Trạng thái", "Tên", "Mã", "Tên tiếng Anh"); err != nil {
		return err
	}
	for _, st := range []string{StatusActive, StatusDraft, StatusInactive} {
		if err := put(0, statusNames[st][0], st, statusNames[st][1]); err != nil {
			return err
		}
	}
	if err := section("Phân nhóm sản phẩm (Phụ lục I, Quyết định 26/2026/QĐ-TTg)", "Mã phân nhóm", "Tên", "Tên tiếng Anh", "Bộ tiêu chí số"); err != nil {
		return err
	}
	for _, c := range cats.Leaves() {
		var vi, en []string
		for _, x := range cats.Path(c.Code) {
			vi, en = append(vi, x.Name), append(en, x.NameEn)
		}
		if err := put(0, c.Code, strings.Join(vi, " › "), strings.Join(en, " › "), c.ScorecardSet); err != nil {
			return err
		}
	}
	if err := section("Mã xã/phường Hà Nội (từ 1/7/2025)", "Mã", "Tên"); err != nil {
		return err
	}
	for _, wd := range units.WardsOf("01") {
		if err := put(0, wd.Code, wd.FullName); err != nil {
			return err
		}
	}
	if err := section("Mã quận/huyện và xã/phường cũ của Hà Nội (trước 1/7/2025)", "Mã quận/huyện cũ", "Quận/huyện", "Mã xã/phường cũ", "Xã/phường", "Mã xã/phường mới"); err != nil {
		return err
	}
	for _, d := range units.OldDistrictsOf("01") {
		for _, ow := range units.OldWardsOf(d.Code) {
			var to []string
			for _, t := range units.NewFor(ow.Code) {
				to = append(to, t.Ward.Code)
			}
			if err := put(0, d.Code, d.FullName, ow.Code, ow.FullName, strings.Join(to, ", ")); err != nil {
				return err
			}
		}
	}
	for col, width := range map[string]float64{"A": 28, "B": 40, "C": 22, "D": 40, "E": 18} {
		if err := f.SetColWidth(guideSheet, col, col, width); err != nil {
			return err
		}
	}
	return nil
}
