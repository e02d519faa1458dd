package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// What can be imported and exported.
const (
	TransferProducers = "producers"
	TransferProducts  = "products"
)

// Spreadsheet formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Limits of an import. A spreadsheet is untrusted input: an XLSX file is a
// zip archive that can unpack to far more than it weighs (a "zip bomb"), so
// both the upload and what it unpacks to are bounded before anything is
// parsed.
const (
	MaxImportBytes   = 20 << 20  // the file as uploaded
	MaxImportRows    = 50_000    // non-empty data rows
	maxImportColumns = 100       // columns of the header row
	maxUnzipBytes    = 200 << 20 // what an XLSX file may unpack to, all parts together
	maxZipEntries    = 2_000     // parts of an XLSX file
)

// ImportOptions say what a spreadsheet holds and whether to write it.
type ImportOptions struct {
	// Kind is TransferProducers or TransferProducts.
	Kind string
	// Format is FormatCSV, FormatXLSX, or "" to recognise the file by its
	// content (never by its name).
	Format string
	// DryRun checks every row, including against the database, and writes
	// nothing.
	DryRun bool
}

// RowError is one problem with one row of an imported spreadsheet.
type RowError struct {
	// Row is the row number as the user sees it in the spreadsheet (the
	// header is row 1).
	Row int `json:"row"`
	// Column is the header of the column as written in the file (or the
	// template's header when the file lacks the column); "" for the row
	// as a whole.
	Column string `json:"column"`
	// Field is the field name of the column (e.g. "registration_no").
	Field string `json:"field"`
	// Key and Args are the translatable message.
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// ImportResult tells what an import found and did.
type ImportResult struct {
	Kind   string `json:"kind"`
	Format string `json:"format"`
	DryRun bool   `json:"dry_run"`
	// Rows is the number of non-empty data rows.
	Rows int `json:"rows"`
	// Valid rows passed every check (in a dry run: would be written).
	Valid int `json:"valid"`
	// Written = Created + Updated; always 0 in a dry run.
	Written int `json:"written"`
	Created int `json:"created"`
	Updated int `json:"updated"`
	// Unchanged rows are valid and equal to the record already stored.
	Unchanged int `json:"unchanged"`
	// Ignored lists the headers of columns that were not recognised.
	Ignored []string   `json:"ignored,omitempty"`
	Errors  []RowError `json:"errors"`
}

// Failed is the number of rows with at least one error.
func (r ImportResult) Failed() int {
	n, last := 0, -1
	for _, e := range r.Errors {
		if e.Row != last {
			n++
			last = e.Row
		}
	}
	return n
}

// TransferColumn is one column of the import template, which is also the
// layout of an export, so that an export can be edited and imported back.
type TransferColumn struct {
	// Key is the field name used in validation errors and accepted as a
	// header too.
	Key string
	// Vi and En are the header labels; the template uses Vi. Either is
	// accepted on import, with or without diacritics, in any case.
	Vi, En string
	// Required when a record is created.
	Required bool
	// ReadOnly columns are exported for the reader and ignored on import.
	ReadOnly bool
	// Note explains the column in the template's guide sheet (Vietnamese).
	Note string
	// Text columns hold codes whose leading zeros matter; the template
	// formats them as text so that a spreadsheet keeps them.
	Text bool
	// Width is the column width in the XLSX template.
	Width   float64
	aliases []string
}

var producerColumns = []TransferColumn{
	{Key: "id", Vi: "ID", En: "ID", Width: 8, Note: "Để trống khi thêm mới. Khi cập nhật, giữ nguyên ID trong file xuất từ hệ thống. Dòng có ID “Ví dụ” là dòng mẫu, được bỏ qua.", aliases: []string{"ma dinh danh", "producer id"}},
	{Key: "name", Vi: "Tên chủ thể", En: "Producer name", Required: true, Width: 36, Note: "Tối đa 300 ký tự.", aliases: []string{"ten", "name"}},
	{Key: "kind", Vi: "Loại hình", En: "Kind", Required: true, Width: 24, Note: "Một loại hình trong bảng “Loại hình chủ thể” bên dưới (ghi tên hoặc mã).", aliases: []string{"loai hinh chu the", "loai"}},
	{Key: "registration_no", Vi: "Số đăng ký kinh doanh", En: "Registration number", Text: true, Width: 20, Note: "Mã số doanh nghiệp, HTX hoặc số đăng ký hộ kinh doanh. Chủ thể đã có số này thì được cập nhật.", aliases: []string{"so dkkd", "ma so thue", "mst", "ma so doanh nghiep", "business registration number"}},
	{Key: "representative", Vi: "Người đại diện", En: "Representative", Width: 22},
	{Key: "phone", Vi: "Điện thoại", En: "Phone", Text: true, Width: 16, aliases: []string{"so dien thoai", "telephone"}},
	{Key: "email", Vi: "Email", En: "E-mail", Width: 24, aliases: []string{"thu dien tu"}},
	{Key: "website", Vi: "Trang web", En: "Website", Width: 24},
	{Key: "commune_code", Vi: "Mã xã/phường (mới)", En: "Commune code (current)", Required: true, Text: true, Width: 12, Note: "Mã xã/phường từ 1/7/2025 (5 chữ số), xem bảng “Mã xã/phường Hà Nội”. Có thể để trống nếu xã/phường cũ được sáp nhập nguyên vẹn vào một xã/phường mới.", aliases: []string{"ma xa phuong", "ma xa moi", "ma xa", "commune code"}},
	{Key: "legacy_district_code", Vi: "Mã quận/huyện cũ", En: "Old district code", Text: true, Width: 12, Note: "Trước 1/7/2025 (3 chữ số), không bắt buộc.", aliases: []string{"ma quan huyen", "ma huyen cu", "district code"}},
	{Key: "legacy_commune_code", Vi: "Mã xã/phường cũ", En: "Old commune code", Text: true, Width: 12, Note: "Trước 1/7/2025 (5 chữ số), không bắt buộc. Xã/phường cũ bị chia cho nhiều xã/phường mới thì phải ghi cả mã xã/phường mới.", aliases: []string{"ma xa cu"}},
	{Key: "address_line", Vi: "Số nhà, thôn/xóm, đường", En: "Address line", Width: 30, aliases: []string{"dia chi", "address"}},
	{Key: "latitude", Vi: "Vĩ độ", En: "Latitude", Width: 11, Note: "Số thập phân, ví dụ 20.9776.", aliases: []string{"lat"}},
	{Key: "longitude", Vi: "Kinh độ", En: "Longitude", Width: 11, Note: "Số thập phân, ví dụ 105.9122.", aliases: []string{"lng", "lon"}},
	{Key: "women_led", Vi: "Do phụ nữ làm chủ", En: "Women-led", Width: 10, Note: "có hoặc không (để trống là không).", aliases: []string{"led by women"}},
	{Key: "ethnic_minority_led", Vi: "Do người dân tộc thiểu số làm chủ", En: "Led by ethnic minorities", Width: 10, Note: "có hoặc không (để trống là không).", aliases: []string{"ethnic minority led"}},
	{Key: "workers_total", Vi: "Tổng số lao động", En: "Workers", Width: 10, aliases: []string{"so lao dong"}},
	{Key: "workers_women", Vi: "Lao động nữ", En: "Women workers", Width: 10, aliases: []string{"so lao dong nu"}},
	{Key: "workers_ethnic", Vi: "Lao động dân tộc thiểu số", En: "Ethnic-minority workers", Width: 10},
	{Key: "description", Vi: "Giới thiệu", En: "Description", Width: 40, Note: "Tối đa 5000 ký tự.", aliases: []string{"mo ta", "gioi thieu chu the"}},
	{Key: "status", Vi: "Trạng thái", En: "Status", Width: 16, Note: "Đang hoạt động, Nháp hoặc Ngừng hoạt động (để trống là Đang hoạt động)."},
}

var productColumns = []TransferColumn{
	{Key: "code", Vi: "Mã sản phẩm", En: "Product code", Text: true, Width: 20, Note: "Để trống khi thêm mới: hệ thống cấp mã (T)-(X)-(STT)-(năm). Ghi mã của sản phẩm đã có để cập nhật. Dòng có mã “Ví dụ” là dòng mẫu, được bỏ qua.", aliases: []string{"ma sp"}},
	{Key: "name", Vi: "Tên sản phẩm", En: "Product name", Required: true, Width: 36, Note: "Tối đa 300 ký tự.", aliases: []string{"ten", "name"}},
	{Key: "name_en", Vi: "Tên tiếng Anh", En: "English name", Width: 30, aliases: []string{"ten san pham tieng anh"}},
	{Key: "category_code", Vi: "Mã phân nhóm", En: "Category code", Required: true, Width: 12, Note: "Mã phân nhóm theo Phụ lục I Quyết định 26/2026/QĐ-TTg, ví dụ I.3.c (xem bảng “Phân nhóm sản phẩm”).", aliases: []string{"phan nhom", "category"}},
	{Key: "producer_registration_no", Vi: "Số đăng ký chủ thể", En: "Producer registration number", Required: true, Text: true, Width: 20, Note: "Số đăng ký kinh doanh của chủ thể đã có trên hệ thống (hoặc ghi ID chủ thể).", aliases: []string{"so dang ky kinh doanh", "ma so thue chu the"}},
	{Key: "producer_id", Vi: "ID chủ thể", En: "Producer ID", Width: 10, Note: "Dùng khi chủ thể không có số đăng ký kinh doanh."},
	{Key: "producer_name", Vi: "Tên chủ thể (tham khảo)", En: "Producer name (for reference)", ReadOnly: true, Width: 30, Note: "Chỉ để đọc; bỏ qua khi nhập."},
	{Key: "brand", Vi: "Nhãn hiệu", En: "Brand", Width: 20, aliases: []string{"thuong hieu"}},
	{Key: "gtin", Vi: "GTIN", En: "GTIN", Text: true, Width: 16, Note: "Mã vạch GTIN-13 (13 chữ số, đúng chữ số kiểm tra), không bắt buộc.", aliases: []string{"ma vach", "barcode", "ean"}},
	{Key: "description", Vi: "Giới thiệu", En: "Description", Width: 40, Note: "Tối đa 10000 ký tự.", aliases: []string{"mo ta"}},
	{Key: "description_en", Vi: "Giới thiệu tiếng Anh", En: "English description", Width: 30, aliases: []string{"mo ta tieng anh"}},
	{Key: "ingredients", Vi: "Thành phần", En: "Ingredients", Width: 30},
	{Key: "raw_material_area", Vi: "Vùng nguyên liệu", En: "Raw material area", Width: 24},
	{Key: "craft_village_id", Vi: "ID làng nghề", En: "Craft village ID", Width: 10, Note: "Không bắt buộc."},
	{Key: "status", Vi: "Trạng thái", En: "Status", Width: 16, Note: "Đang hoạt động, Nháp hoặc Ngừng hoạt động (để trống là Đang hoạt động)."},
}

// TransferColumns returns the columns of a kind in template order.
func TransferColumns(kind string) ([]TransferColumn, error) {
	switch kind {
	case TransferProducers:
		return producerColumns, nil
	case TransferProducts:
		return productColumns, nil
	}
	return nil, apperr.New(apperr.Invalid, "transfer.err_kind")
}

func checkFormat(format string) error {
	if format != FormatCSV && format != FormatXLSX {
		return apperr.New(apperr.Invalid, "transfer.err_format")
	}
	return nil
}

// Spreadsheet labels of producer kinds and statuses: the template shows
// the Vietnamese names; codes, English names and common abbreviations are
// accepted too.
var kindNames = map[string][2]string{
	KindCooperative:      {"Hợp tác xã", "Cooperative"},
	KindCooperativeGroup: {"Tổ hợp tác", "Cooperative group"},
	KindSME:              {"Doanh nghiệp nhỏ và vừa", "Small or medium enterprise"},
	KindFarm:             {"Trang trại", "Farm"},
	KindHousehold:        {"Hộ sản xuất, hộ kinh doanh", "Registered household business"},
	KindAssociation:      {"Hội", "Association"},
	KindFederation:       {"Hiệp hội", "Federation"},
	KindTourismCentre:    {"Trung tâm điều hành du lịch hoặc tương đương", "Tourism operating centre"},
}

var kindAliases = map[string]string{
	"htx": KindCooperative, "tht": KindCooperativeGroup, "doanh nghiep": KindSME, "cong ty": KindSME, "dnnvv": KindSME,
	"sme": KindSME, "ho san xuat": KindHousehold, "ho kinh doanh": KindHousehold, "ho gia dinh": KindHousehold,
	"ho gia dinh co dang ky kinh doanh": KindHousehold, "household": KindHousehold,
	"hoi dich vu du lich": KindAssociation, "hiep hoi dich vu du lich": KindFederation,
	"trung tam dieu hanh": KindTourismCentre, "tourism centre": KindTourismCentre,
}

var statusNames = map[string][2]string{
	StatusActive:   {"Đang hoạt động", "Active"},
	StatusDraft:    {"Nháp", "Draft"},
	StatusInactive: {"Ngừng hoạt động", "Inactive"},
}

// kindName is the Vietnamese spreadsheet label of a producer kind.
func kindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n[0]
	}
	return kind
}

func statusName(status string) string {
	if n, ok := statusNames[status]; ok {
		return n[0]
	}
	return status
}

// lookupLabel maps a spreadsheet label to its code. Unknown values are
// returned as typed so that validation reports them.
func lookupLabel(v string, names map[string][2]string, aliases map[string]string) string {
	k := textfold.Key(v)
	if k == "" {
		return ""
	}
	for code, n := range names {
		if k == textfold.Key(code) || k == textfold.Key(n[0]) || k == textfold.Key(n[1]) {
			return code
		}
	}
	if code, ok := aliases[k]; ok {
		return code
	}
	return v
}

// parseBool reads yes/no cells the ways people write them.
func parseBool(v string) (bool, bool) {
	switch textfold.Key(v) {
	case "", "khong", "k", "no", "n", "false", "0", "sai":
		return false, true
	case "co", "c", "x", "yes", "y", "true", "1", "dung":
		return true, true
	}
	return false, false
}

func boolName(b bool) string {
	if b {
		return "có"
	}
	return "không"
}

// isExampleRow reports whether the first cell marks the template's sample
// row, which an import skips.
func isExampleRow(v string) bool {
	k := textfold.Key(v)
	return k == "vi du" || k == "example"
}

// header maps the columns of one file to fields.
type header struct {
	cols    []TransferColumn
	index   map[string]int    // field → cell index
	label   map[string]string // field → header as written
	ignored []string
}

func mapHeader(kind string, cells []string) (*header, error) {
	cols, err := TransferColumns(kind)
	if err != nil {
		return nil, err
	}
	if len(cells) > maxImportColumns {
		return nil, apperr.New(apperr.Invalid, "transfer.err_too_many_columns", maxImportColumns)
	}
	names := map[string]string{}
	for _, c := range cols {
		for _, n := range append([]string{c.Key, c.Vi, c.En}, c.aliases...) {
			if k := textfold.Key(n); k != "" {
				if _, dup := names[k]; !dup {
					names[k] = c.Key
				}
			}
		}
	}
	h := &header{cols: cols, index: map[string]int{}, label: map[string]string{}}
	for i, cell := range cells {
		text := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(cell), "*"))
		if text == "" {
			continue
		}
		key, ok := names[textfold.Key(text)]
		if !ok {
			h.ignored = append(h.ignored, text)
			continue
		}
		if _, dup := h.index[key]; dup {
			return nil, apperr.New(apperr.Invalid, "transfer.err_duplicate_column", text)
		}
		h.index[key] = i
		h.label[key] = text
	}
	// Without a name or an identifier no row can be created or matched:
	// most likely the wrong kind of file was chosen.
	idents := []string{"name", "id", "registration_no"}
	if kind == TransferProducts {
		idents = []string{"name", "code"}
	}
	found := false
	for _, k := range idents {
		if _, ok := h.index[k]; ok {
			found = true
		}
	}
	if !found {
		return nil, apperr.New(apperr.Invalid, "transfer.err_missing_column", cols[1].Vi)
	}
	return h, nil
}

func (h *header) has(field string) bool { _, ok := h.index[field]; return ok }

// cell returns the value of a field in a row ("" when absent).
func (h *header) cell(row []string, field string) string {
	i, ok := h.index[field]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// column returns the header of a field: as written in the file, else the
// template's.
func (h *header) column(field string) string {
	if l, ok := h.label[field]; ok {
		return l
	}
	for _, c := range h.cols {
		if c.Key == field {
			return c.Vi
		}
	}
	return ""
}

// rowErrors turns an error from validation or the database into row
// errors, one per column.
func (h *header) rowErrors(row int, err error) []RowError {
	e := apperr.As(err)
	if e == nil {
		return []RowError{{Row: row, Key: "err.internal"}}
	}
	if len(e.Fields) == 0 {
		return []RowError{{Row: row, Key: e.Key, Args: e.Args}}
	}
	out := make([]RowError, 0, len(e.Fields))
	seen := map[string]bool{}
	for _, f := range e.Fields {
		field := f.Field
		// One message per column is enough to fix it.
		if seen[field] {
			continue
		}
		seen[field] = true
		out = append(out, RowError{Row: row, Column: h.column(field), Field: field, Key: f.Key, Args: f.Args})
	}
	return out
}

// rowFault reports whether err is the row's own fault (to be reported and
// skipped) rather than an outage (which ends the import).
func rowFault(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.NotFound, apperr.Forbidden:
		return true
	}
	return false
}

// normCode reads a code cell: spreadsheets turn "00004" into 4, so short
// all-digit codes get their leading zeros back.
func normCode(v string, width int) string {
	v = strings.TrimSpace(v)
	if v == "" || len(v) >= width {
		return v
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return v
		}
	}
	return strings.Repeat("0", width-len(v)) + v
}

// normNumberCode reads a long number that a spreadsheet may have written
// in scientific notation (8.935E+12) back into its digits.
func normNumberCode(v string) string {
	v = strings.TrimSpace(v)
	if !strings.ContainsAny(v, "eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f >= 1e15 || f != float64(int64(f)) {
		return v
	}
	return strconv.FormatInt(int64(f), 10)
}

func cellFloat(errs *apperr.Errs, field, v string) *float64 {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	// ParseFloat accepts "NaN" and "Inf", which no range check catches.
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		errs.Add(field, "err.bad_number")
		return nil
	}
	return &f
}

func cellInt(errs *apperr.Errs, field, v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		// Spreadsheets write whole numbers as 12.0 at times.
		if f, ferr := strconv.ParseFloat(v, 64); ferr == nil && math.Abs(f) < 1e9 && f == math.Trunc(f) {
			return int(f)
		}
		errs.Add(field, "err.bad_number")
	}
	return n
}

func cellID(errs *apperr.Errs, field, v string) int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		if f, ferr := strconv.ParseFloat(v, 64); ferr == nil && f > 0 && f < 1e15 && f == float64(int64(f)) {
			return int64(f)
		}
		errs.Add(field, "err.bad_id")
		return 0
	}
	return n
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Import reads a spreadsheet of producers or products and, unless it is a
// dry run, writes its valid rows: every valid row and none of the invalid
// ones, each row whole or not at all. Every row is checked with the rules of
// the forms and the caller's scope (province staff anywhere, commune
// officers in their communes; producers and others may not import).
//
// It runs in one transaction and writes each row in its own savepoint, so
// that a row refused by the database (a duplicate registration number,
// GTIN or code) is reported and undone alone. A dry run does exactly the
// same and rolls everything back, so that it finds the same errors as the
// real run would. Problems with the file as a whole (not a spreadsheet, too
// large, no known columns) are returned as an Invalid error.
func (s *Service) Import(ctx context.Context, p *account.Principal, r io.Reader, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{Kind: opt.Kind, DryRun: opt.DryRun, Errors: []RowError{}}
	if !p.Province() && !p.Is(account.RoleCommune) {
		return res, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if _, err := TransferColumns(opt.Kind); err != nil {
		return res, err
	}
	if opt.Format != "" {
		if err := checkFormat(opt.Format); err != nil {
			return res, err
		}
	}
	t, format, err := readTable(r, opt.Format)
	if err != nil {
		return res, err
	}
	res.Format = format
	h, err := mapHeader(opt.Kind, t.header)
	if err != nil {
		return res, err
	}
	res.Ignored = h.ignored
	for _, row := range t.rows {
		if !isExampleRow(firstCell(row.cells)) {
			res.Rows++
		}
	}
	if res.Rows == 0 {
		return res, apperr.New(apperr.Invalid, "transfer.err_no_rows")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		im := &importer{s: s, tx: tx, p: p, h: h, res: &res}
		var err error
		if opt.Kind == TransferProducers {
			err = im.producers(ctx, t.rows)
		} else {
			err = im.products(ctx, t.rows)
		}
		if err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		commune := ""
		if p.Is(account.RoleCommune) && len(p.Communes) > 0 {
			commune = p.Communes[0]
		}
		summary := map[string]any{"kind": opt.Kind, "format": format, "rows": res.Rows, "valid": res.Valid, "created": res.Created,
			"updated": res.Updated, "unchanged": res.Unchanged, "failed": res.Failed()}
		return account.Audit(ctx, tx, p, "import", "import", opt.Kind, commune, nil, summary)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return res, fmt.Errorf("import %s: %w", opt.Kind, err)
	}
	// Rows written in batches report their errors late; show them in
	// the order of the file.
	sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].Row < res.Errors[j].Row })
	res.Written = res.Created + res.Updated
	if opt.DryRun {
		res.Created, res.Updated, res.Written = 0, 0, 0
	}
	return res, nil
}

func firstCell(cells []string) string {
	if len(cells) == 0 {
		return ""
	}
	return cells[0]
}

// importer carries one import's state inside its transaction.
type importer struct {
	s   *Service
	tx  *db.Tx
	p   *account.Principal
	h   *header
	res *ImportResult
	// seqs are the product code sequences in use, by scope.
	seqs map[string]*codeSeq
	// pending are new products waiting to be written in a batch.
	pending []pendingProduct
}

func (im *importer) fail(errs []RowError) {
	im.res.Errors = append(im.res.Errors, errs...)
}

// claims remembers which row of the file holds each value of a column that
// must be unique. Only rows that pass claim their values: a duplicate is
// reported on the later row against the row that keeps the value.
type claims map[string]int

// by returns the row that claimed v, or 0.
func (c claims) by(v string) int {
	if v == "" {
		return 0
	}
	return c[v]
}

// claim records that row holds v.
func (c claims) claim(v string, row int) {
	if v != "" {
		if _, ok := c[v]; !ok {
			c[v] = row
		}
	}
}
