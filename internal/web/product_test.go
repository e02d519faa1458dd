package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// productForm is a valid product form for a producer.
func productForm(producerID int64, name string) url.Values {
	return url.Values{"producer_id": {itoa(producerID)}, "name": {name}, "category_code": {"I.3.c"}}
}

var productLoc = regexp.MustCompile(`^/admin/products/(\d+)$`)

// mustCreateProduct posts the product form and returns the new product.
func mustCreateProduct(t *testing.T, e *apptest.Env, c *apptest.Client, form url.Values) registry.Product {
	t.Helper()
	r := c.PostForm("/admin/products", form)
	m := productLoc.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create product: status %d, location %q\n%s", r.Status, r.Location(), r.Body)
	}
	x, err := e.App.Registry.Product(e.Ctx(), e.Admin(), mustID(t, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func count(t *testing.T, e *apptest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestProductOfficeCreateEditList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Sen Tây Hồ", "00004")
		c := e.Login(e.User(account.RoleOffice))

		if r := c.Get("/admin/products/new?producer=" + itoa(pr.ID)); r.Status != 200 || !strings.Contains(r.Body, "HTX Sen Tây Hồ") || !strings.Contains(r.Body, "bộ số 7") {
			t.Fatalf("new product form: status %d, want 200 with the producer and scorecard set numbers", r.Status)
		}
		form := productForm(pr.ID, "Trà sen Tây Hồ")
		form.Set("gtin", "8934567890120")
		form.Set("brand", "Sen Hồ Tây")
		x := mustCreateProduct(t, e, c, form)
		if want := "01-00004-001-2026"; x.Code != want {
			t.Errorf("allocated code: got %q, want %q", x.Code, want)
		}
		if x.Status != registry.StatusActive || x.GTIN != "8934567890120" {
			t.Errorf("saved product: status %q, GTIN %q", x.Status, x.GTIN)
		}
		r := c.Get("/admin/products/" + itoa(x.ID))
		for _, want := range []string{"Trà sen Tây Hồ", "01-00004-001-2026", "8934567890120", "Thực phẩm chế biến", "bộ số 7", "product.create"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("product page: missing %q (status %d)", want, r.Status)
			}
		}

		// The list: search without diacritics and every filter.
		for _, tt := range []struct {
			query string
			found bool
		}{
			{"", true},
			{"?q=" + url.QueryEscape("tra sen tay ho"), true},
			{"?q=" + url.QueryEscape("TRÀ SEN"), true},
			{"?q=" + url.QueryEscape("gốm"), false},
			{"?category=I", true},
			{"?category=I.3", true},
			{"?category=I.3.c", true},
			{"?category=II", false},
			{"?commune=00004", true},
			{"?commune=00008", false},
			{"?status=active", true},
			{"?status=draft", false},
			{"?village=999", false},
		} {
			r := c.Get("/admin/products" + tt.query)
			if got := strings.Contains(r.Body, "/admin/products/"+itoa(x.ID)+`"`); r.Status != 200 || got != tt.found {
				t.Errorf("list %q: status %d, found %v, want 200 and %v", tt.query, r.Status, got, tt.found)
			}
		}

		// Edit with optimistic locking.
		if r := c.Get("/admin/products/" + itoa(x.ID) + "/edit"); r.Status != 200 || !strings.Contains(r.Body, `value="Trà sen Tây Hồ"`) {
			t.Errorf("edit form: status %d", r.Status)
		}
		edit := productForm(0, "Trà sen Quảng An")
		edit.Del("producer_id")
		edit.Set("version", itoa(int64(x.Version)))
		edit.Set("status", "inactive")
		edit.Set("gtin", x.GTIN)
		if r := c.PostForm("/admin/products/"+itoa(x.ID), edit); r.Status != http.StatusSeeOther {
			t.Fatalf("update: status %d\n%s", r.Status, r.Body)
		}
		y, _ := e.App.Registry.Product(e.Ctx(), e.Admin(), x.ID)
		if y.Name != "Trà sen Quảng An" || y.Status != registry.StatusInactive || y.Code != x.Code {
			t.Errorf("after update: name %q status %q code %q", y.Name, y.Status, y.Code)
		}
		if r := c.PostForm("/admin/products/"+itoa(x.ID), edit); r.Status != http.StatusConflict || !strings.Contains(r.Body, "vừa được người khác sửa") {
			t.Errorf("stale update: status %d, want 409 with message", r.Status)
		}
	})
}

func TestProductScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mine := e.Producer("HTX Gốm Bát Tràng", "00004")
		other := e.Producer("HTX Lụa Vạn Phúc", "00008")
		mp := e.Product(mine.ID, "Bình gốm men lam", "IV.1")
		op := e.Product(other.ID, "Khăn lụa tơ tằm", "IV.2")
		officer := e.Login(e.User(account.RoleCommune, "00004"))
		owner := e.Login(e.ProducerUser(mine.ID))
		council := e.Login(e.User(account.RoleCouncil))
		buyer := e.Login(e.User(account.RoleBuyer))
		upd := func(x registry.Product) url.Values {
			return url.Values{"name": {"Hijacked"}, "category_code": {x.CategoryCode}, "version": {itoa(int64(x.Version))}}
		}
		for _, tt := range []struct {
			who    string
			c      *apptest.Client
			method string
			path   string
			form   url.Values
			want   int
		}{
			{"officer", officer, "GET", "/admin/products/" + itoa(mp.ID), nil, 200},
			{"officer", officer, "GET", "/admin/products/" + itoa(mp.ID) + "/edit", nil, 200},
			{"officer", officer, "GET", "/admin/products/new?producer=" + itoa(mine.ID), nil, 200},
			{"officer", officer, "GET", "/admin/products/" + itoa(op.ID), nil, 403},
			{"officer", officer, "GET", "/admin/products/" + itoa(op.ID) + "/edit", nil, 403},
			{"officer", officer, "POST", "/admin/products/" + itoa(op.ID), upd(op), 403},
			{"officer", officer, "GET", "/admin/products/new?producer=" + itoa(other.ID), nil, 403},
			{"officer", officer, "POST", "/admin/products", productForm(other.ID, "Hijack"), 403},
			{"owner", owner, "GET", "/admin/products/" + itoa(mp.ID), nil, 200},
			{"owner", owner, "GET", "/admin/products/" + itoa(mp.ID) + "/edit", nil, 200},
			{"owner", owner, "GET", "/admin/products/new", nil, 200},
			{"owner", owner, "GET", "/admin/products/" + itoa(op.ID), nil, 403},
			{"owner", owner, "GET", "/admin/products/" + itoa(op.ID) + "/edit", nil, 403},
			{"owner", owner, "POST", "/admin/products/" + itoa(op.ID), upd(op), 403},
			{"owner", owner, "GET", "/admin/products/new?producer=" + itoa(other.ID), nil, 403},
			{"owner", owner, "POST", "/admin/products", productForm(other.ID, "Hijack"), 403},
			{"council", council, "GET", "/admin/products/" + itoa(op.ID), nil, 200},
			{"council", council, "GET", "/admin/products/" + itoa(op.ID) + "/edit", nil, 403},
			{"council", council, "GET", "/admin/products/new", nil, 403},
			{"buyer", buyer, "GET", "/admin/products", nil, 403},
			{"buyer", buyer, "GET", "/admin/products/" + itoa(op.ID), nil, 403},
			{"anonymous", e.Anon(), "GET", "/admin/products", nil, http.StatusSeeOther},
		} {
			var r *apptest.Response
			if tt.method == "GET" {
				r = tt.c.Get(tt.path)
			} else {
				r = tt.c.PostForm(tt.path, tt.form)
			}
			if r.Status != tt.want {
				t.Errorf("%s %s %s: status %d, want %d", tt.who, tt.method, tt.path, r.Status, tt.want)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM products WHERE name IN ('Hijacked', 'Hijack')"); n != 0 {
			t.Errorf("refused requests wrote %d products", n)
		}
		if r := upload(t, e, officer, op.ID, "a.png", smallPNG(t)); r.Status != http.StatusForbidden {
			t.Errorf("officer uploads to other commune's product: status %d, want 403", r.Status)
		}
		if r := upload(t, e, owner, op.ID, "a.png", smallPNG(t)); r.Status != http.StatusForbidden {
			t.Errorf("producer uploads to other producer's product: status %d, want 403", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM media"); n != 0 {
			t.Errorf("refused uploads stored %d media rows", n)
		}
		if files, _ := filepath.Glob(filepath.Join(e.App.Config.DataDir, "media", "*", "*")); len(files) != 0 {
			t.Errorf("refused uploads left files: %v", files)
		}

		// Lists show only the scope.
		r := officer.Get("/admin/products")
		if !strings.Contains(r.Body, "Bình gốm men lam") || strings.Contains(r.Body, "Khăn lụa tơ tằm") {
			t.Errorf("officer list: has mine %v, has other %v", strings.Contains(r.Body, "Bình gốm men lam"), strings.Contains(r.Body, "Khăn lụa tơ tằm"))
		}

		// An officer creates in the own commune; the product is active.
		form := productForm(mine.ID, "Ấm chén men rạn")
		form.Set("category_code", "IV.1")
		if x := mustCreateProduct(t, e, officer, form); x.Status != registry.StatusActive {
			t.Errorf("officer's product: status %q, want active", x.Status)
		}

		// A producer's own product is saved as a draft, whatever the form
		// says, and the platform allocates its code.
		if r := owner.Get("/admin/products/new"); !strings.Contains(r.Body, `name="producer_id" value="`+itoa(mine.ID)+`"`) || strings.Contains(r.Body, `name="status"`) {
			t.Errorf("producer's form: want the own producer fixed and no status field")
		}
		form = productForm(mine.ID, "Lọ hoa gốm")
		form.Set("category_code", "IV.1")
		form.Set("status", "active")
		form.Set("code", "01-00004-999-2026")
		x := mustCreateProduct(t, e, owner, form)
		if x.Status != registry.StatusDraft || x.Code == "01-00004-999-2026" {
			t.Errorf("producer's product: status %q code %q, want draft and an allocated code", x.Status, x.Code)
		}
		// Editing keeps the status and the code.
		edit := url.Values{"name": {"Lọ hoa gốm men ngọc"}, "category_code": {"IV.1"}, "status": {"active"}, "code": {"01-00004-998-2026"}, "version": {itoa(int64(x.Version))}}
		if r := owner.PostForm("/admin/products/"+itoa(x.ID), edit); r.Status != http.StatusSeeOther {
			t.Fatalf("producer's update: status %d\n%s", r.Status, r.Body)
		}
		y, _ := e.App.Registry.Product(e.Ctx(), e.Admin(), x.ID)
		if y.Name != "Lọ hoa gốm men ngọc" || y.Status != registry.StatusDraft || y.Code != x.Code {
			t.Errorf("after producer's update: name %q status %q code %q", y.Name, y.Status, y.Code)
		}
		// The draft is not for the council.
		if r := council.Get("/admin/products/" + itoa(x.ID)); r.Status != http.StatusForbidden {
			t.Errorf("council opens a draft: status %d, want 403", r.Status)
		}
	})
}

func TestProductFormErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Sen Tây Hồ", "00004")
		c := e.Login(e.User(account.RoleOffice))
		with := func(k, v string) url.Values {
			f := productForm(pr.ID, "Trà sen")
			f.Set(k, v)
			return f
		}
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"missing name", with("name", " "), "Mục này là bắt buộc"},
			{"missing category", with("category_code", ""), "Mục này là bắt buộc"},
			{"category not a leaf", with("category_code", "I.3"), "là nhóm lớn; hãy chọn phân nhóm cụ thể"},
			{"unknown category", with("category_code", "IX.9"), "Không có phân nhóm sản phẩm"},
			{"GTIN check digit", with("gtin", "8934567890121"), "Mã GTIN-13 sai số kiểm tra"},
			{"GTIN length", with("gtin", "893456789012"), "đúng 13 chữ số"},
			{"GTIN letters", with("gtin", "893456789012A"), "chỉ gồm chữ số"},
			{"code format", with("code", "01-4-1-26"), "Mã sản phẩm phải theo dạng"},
			{"year", with("year", "1990"), "Năm không hợp lệ"},
			{"unknown village", with("craft_village_ref", "424242"), "Không tìm thấy làng nghề"},
			{"bad village number", with("craft_village_ref", "abc"), "Phải là một số"},
			{"script in name is escaped", with("category_code", "I.3"), "là nhóm lớn"},
		} {
			if tt.name == "script in name is escaped" {
				tt.form.Set("name", "<script>alert(1)</script>")
			}
			r := c.PostForm("/admin/products", tt.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s: unescaped script in page", tt.name)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM products"); n != 0 {
			t.Errorf("bad input wrote %d products", n)
		}
		// A script in a saved name is escaped on every page that shows it.
		x := mustCreateProduct(t, e, c, with("name", "<script>alert(1)</script>"))
		for _, path := range []string{"/admin/products", "/admin/products/" + itoa(x.ID), "/admin/products/" + itoa(x.ID) + "/edit", "/admin/producers/" + itoa(pr.ID)} {
			if r := c.Get(path); r.Status != 200 || strings.Contains(r.Body, "<script>alert") || !strings.Contains(r.Body, "&lt;script&gt;") {
				t.Errorf("%s: status %d, script not escaped", path, r.Status)
			}
		}

		// A duplicate GTIN is refused with a message and writes nothing.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "DELETE FROM products"); err != nil {
			t.Fatal(err)
		}
		mustCreateProduct(t, e, c, with("gtin", "8934567890120"))
		audits := count(t, e, "SELECT COUNT(*) FROM audit_log")
		r := c.PostForm("/admin/products", with("gtin", "8934567890120"))
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusConflict || !strings.Contains(r.Body, "8934567890120 đã được dùng") {
			t.Errorf("duplicate GTIN: status %d, want 422 or 409 with message", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM products"); n != 1 {
			t.Errorf("duplicate GTIN: %d products, want 1", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log"); n != audits {
			t.Errorf("duplicate GTIN wrote %d audit rows", n-audits)
		}
		// The re-rendered form keeps what was typed.
		if !strings.Contains(r.Body, `value="Trà sen"`) {
			t.Errorf("re-rendered form lost the typed name")
		}
	})
}

func TestProductVillageChoice(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Gốm", "00004")
		here, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: "Làng gốm Ba Đình", CommuneCode: "00004"})
		if err != nil {
			t.Fatal(err)
		}
		far, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: "Làng lụa Ngọc Hà", CommuneCode: "00008"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.Login(e.User(account.RoleOffice))
		r := c.Get("/admin/products/new?producer=" + itoa(pr.ID))
		if !strings.Contains(r.Body, "Làng gốm Ba Đình") || strings.Contains(r.Body, "Làng lụa Ngọc Hà") {
			t.Errorf("village select: want the villages of the producer's commune only")
		}
		for _, tt := range []struct {
			field string
			id    int64
		}{{"craft_village_id", here.ID}, {"craft_village_ref", far.ID}} {
			f := productForm(pr.ID, "Sản phẩm "+tt.field)
			f.Set("category_code", "IV.1")
			f.Set(tt.field, itoa(tt.id))
			x := mustCreateProduct(t, e, c, f)
			if x.CraftVillageID == nil || *x.CraftVillageID != tt.id {
				t.Errorf("%s: got village %v, want %d", tt.field, x.CraftVillageID, tt.id)
			}
		}
		if r := c.Get("/admin/products?village=" + itoa(far.ID)); !strings.Contains(r.Body, "Sản phẩm craft_village_ref") || strings.Contains(r.Body, "Sản phẩm craft_village_id") {
			t.Errorf("village filter: wrong products listed")
		}
	})
}

// smallPNG encodes a real 3×2 PNG.
func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts a multipart image upload, as the browser's form does.
func upload(t *testing.T, e *apptest.Env, c *apptest.Client, productID int64, name string, data []byte) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.CSRF())
	mw.WriteField("caption", "Ảnh mặt trước")
	fw, err := mw.CreateFormFile("image", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/admin/products/"+itoa(productID)+"/images", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func TestProductImages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Sen Tây Hồ", "00004")
		x := e.Product(pr.ID, "Trà sen", "I.5.b")
		c := e.Login(e.User(account.RoleCommune, "00004"))

		pic := smallPNG(t)
		if r := upload(t, e, c, x.ID, "tra-sen.png", pic); r.Status != http.StatusSeeOther {
			t.Fatalf("upload PNG: status %d\n%s", r.Status, r.Body)
		}
		sum := sha256.Sum256(pic)
		hash := hex.EncodeToString(sum[:])
		page := c.Get("/admin/products/" + itoa(x.ID))
		if !strings.Contains(page.Body, `src="/media/`+hash+`"`) || !strings.Contains(page.Body, "Ảnh mặt trước") {
			t.Errorf("product page does not show the uploaded image")
		}
		m := e.Anon().Get("/media/" + hash)
		if m.Status != 200 || m.Header.Get("Content-Type") != "image/png" || m.Body != string(pic) {
			t.Errorf("GET /media/%s: status %d, type %q, same bytes %v", hash, m.Status, m.Header.Get("Content-Type"), m.Body == string(pic))
		}

		big := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 8<<20)...)
		huge := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 10<<20)...)
		for _, tt := range []struct {
			name string
			file string
			data []byte
			want string
		}{
			{"text renamed .png", "notes.png", []byte("Đây là một tệp văn bản, không phải ảnh.\n"), "phải là ảnh JPEG hoặc PNG"},
			{"HTML renamed .jpg", "page.jpg", []byte("<html><script>alert(1)</script></html>"), "phải là ảnh JPEG hoặc PNG"},
			{"PNG header without image", "broken.png", []byte("\x89PNG\r\n\x1a\nnot really"), "phải là ảnh JPEG hoặc PNG"},
			{"over the limit", "big.png", big, "Tệp quá lớn (tối đa 8 MB)"},
			{"far over the limit", "huge.png", huge, "quá lớn"},
			{"empty file", "empty.png", nil, "JPEG hoặc PNG"},
		} {
			r := upload(t, e, c, x.ID, tt.file, tt.data)
			status := http.StatusUnprocessableEntity
			if strings.Contains(tt.want, "quá lớn") {
				status = http.StatusRequestEntityTooLarge // too large is 413, with the form and its message
			}
			if r.Status != status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, status, tt.want)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM media"); n != 1 {
			t.Errorf("refused uploads: %d media rows, want 1", n)
		}
		files, _ := filepath.Glob(filepath.Join(e.App.Config.DataDir, "media", "*", "*"))
		if len(files) != 1 {
			t.Errorf("refused uploads: files %v, want only the PNG", files)
		}
		if len(files) == 1 {
			if b, _ := os.ReadFile(files[0]); !bytes.Equal(b, pic) {
				t.Errorf("stored file differs from the upload")
			}
		}

		// The same image twice is refused with a message.
		if r := upload(t, e, c, x.ID, "again.png", pic); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Ảnh này đã có") {
			t.Errorf("duplicate image: status %d", r.Status)
		}

		// Removing the image detaches it.
		if r := c.PostForm("/admin/products/"+itoa(x.ID)+"/images/"+hash+"/delete", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete image: status %d", r.Status)
		}
		if page := c.Get("/admin/products/" + itoa(x.ID)); strings.Contains(page.Body, `src="/media/`+hash+`"`) {
			t.Errorf("product page still shows the removed image")
		}
		if r := c.PostForm("/admin/products/"+itoa(x.ID)+"/images/"+hash+"/delete", nil); r.Status != http.StatusNotFound {
			t.Errorf("delete a removed image: status %d, want 404", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action IN ('product.add_image', 'product.remove_image')"); n != 2 {
			t.Errorf("image changes wrote %d audit rows, want 2", n)
		}
	})
}

// Odd query strings never cost a 500: they read as "no such filter" or an
// empty result.
func TestProductListOddQueries(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX A", "00004")
		e.Product(pr.ID, "Trà sen", "I.5.b")
		c := e.Login(e.User(account.RoleOffice))
		for _, q := range []string{
			"q=" + url.QueryEscape(`"*)(' OR 1=1 --`),
			"q=" + url.QueryEscape("%_%"),
			"q=" + url.QueryEscape(strings.Repeat("trà sen ", 400)),
			"q=" + url.QueryEscape("NEAR(a b) AND OR NOT"),
			"q=" + url.QueryEscape("\x00\x01"),
			"page=99999999999999999999999",
			"page=2147483648&per_page=200",
			"page=-4&per_page=-1",
			"per_page=100000",
			"category=" + url.QueryEscape("%"),
			"category=" + url.QueryEscape("I.%"),
			"village=abc",
			"village=-3",
			"village=99999999999999999999",
			"status=" + url.QueryEscape("x' OR '1'='1"),
			"commune=" + url.QueryEscape("<script>"),
		} {
			r := c.Get("/admin/products?" + q)
			if r.Status != 200 {
				t.Errorf("GET /admin/products?%s: status %d, want 200", q, r.Status)
			}
		}
		if r := c.Get("/admin/products?page=99999999"); r.Status != 200 || !strings.Contains(r.Body, "1 kết quả") || strings.Contains(r.Body, "/admin/products/1\"") {
			t.Errorf("huge page: status %d, want 200 with the total and no rows", r.Status)
		}
		for _, path := range []string{"/admin/products/abc", "/admin/products/0", "/admin/products/99999999999999999999", "/admin/products/424242/edit"} {
			if r := c.Get(path); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, r.Status)
			}
		}
		if r := c.Get("/admin/products/new?producer=424242"); r.Status != http.StatusNotFound {
			t.Errorf("new product for a missing producer: status %d, want 404", r.Status)
		}
		if r := c.PostForm("/admin/products", url.Values{"name": {"X"}, "category_code": {"I.3.c"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("create without producer: status %d, want 422", r.Status)
		}
	})
}
