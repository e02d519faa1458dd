package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/market"
	"ocop/internal/registry"
)

// photoPNG encodes a real 4×3 PNG whose colour depends on n, so that each
// n gives a different file.
func photoPNG(t *testing.T, n int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(2, 1, color.RGBA{uint8(n), uint8(n >> 8), 99, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// photoJPEG encodes a real 8×6 JPEG.
func photoJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		img.Set(x, x%6, color.RGBA{20, 160, 60, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pixelBombPNG is a valid PNG of a few hundred bytes whose header declares
// 20,000 × 20,000 pixels (400 million: decoding it would take 1.6 GB).
func pixelBombPNG(t *testing.T) []byte {
	t.Helper()
	b := photoPNG(t, 1)
	// Signature (8), IHDR length (4) and type (4), then width and height.
	binary.BigEndian.PutUint32(b[16:], 20000)
	binary.BigEndian.PutUint32(b[20:], 20000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// multipartBody builds an upload form with the file in "image".
func multipartBody(t *testing.T, fields map[string]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("image", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// uploadPointPhoto posts the photo form of a sale point's page, as the
// browser does without script.
func uploadPointPhoto(t *testing.T, e *apptest.Env, c *apptest.Client, pointID int64, query, name string, data []byte, caption string) *apptest.Response {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"csrf": c.CSRF(), "form": "photo", "caption": caption}, name, data)
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/admin/sale-points/"+itoa(pointID)+"/photos"+query, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return c.Do(req)
}

// apiPointPhoto posts a photo to the API with a bearer token.
func apiPointPhoto(t *testing.T, e *apptest.Env, token string, pointID int64, name string, data []byte, caption string) *apptest.Response {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"caption": caption}, name, data)
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/api/v1/sale-points/"+itoa(pointID)+"/photos", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	return e.Anon().Do(req)
}

// mediaFiles lists the stored originals (not the resized variants).
func mediaFiles(t *testing.T, e *apptest.Env) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.App.Config.DataDir, "media", "*", "*"))
	var out []string
	for _, f := range files {
		if len(filepath.Base(f)) == 64 {
			out = append(out, filepath.Base(f))
		}
	}
	return out
}

// linkedOperator makes a salepoint account that operates the point.
func linkedOperator(t *testing.T, e *apptest.Env, pointID int64) string {
	t.Helper()
	name := e.User(account.RoleSalePoint)
	if err := e.App.Market.LinkOperator(e.Ctx(), e.Admin(), pointID, name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestSalePointPhotos(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := mustSalePoint(t, e, "Điểm OCOP Bát Tràng", "00577", 21.0, 105.93)
		b := mustSalePoint(t, e, "Điểm OCOP Hoàn Kiếm", "00008", 21.03, 105.85)
		opA, opB := linkedOperator(t, e, a.ID), linkedOperator(t, e, b.ID)
		c := e.Session(opA)

		// The operator uploads a PNG with a caption and a JPEG without.
		pic, jpg := photoPNG(t, 0), photoJPEG(t)
		if r := uploadPointPhoto(t, e, c, a.ID, "", "quay-hang.png", pic, "Quầy trưng bày gốm"); r.Status != http.StatusSeeOther {
			t.Fatalf("upload PNG: status %d\n%s", r.Status, r.Body)
		}
		if r := uploadPointPhoto(t, e, c, a.ID, "", "mat-tien.JPG", jpg, ""); r.Status != http.StatusSeeOther {
			t.Fatalf("upload JPEG: status %d\n%s", r.Status, r.Body)
		}
		hash, jhash := hashOf(pic), hashOf(jpg)
		admin := c.Get("/admin/sale-points/" + itoa(a.ID))
		for _, want := range []string{`src="/media/` + hash + `"`, `src="/media/` + jhash + `"`, "Quầy trưng bày gốm",
			`action="/admin/sale-points/` + itoa(a.ID) + `/photos/` + hash + `/delete"`, `enctype="multipart/form-data"`, "tối đa 8 MB, mỗi điểm bán tối đa 12 ảnh"} {
			if !strings.Contains(admin.Body, want) {
				t.Errorf("admin page: %q missing", want)
			}
		}
		pub := e.Anon().Get("/sale-points/" + itoa(a.ID))
		for _, want := range []string{`src="/media/` + hash + `/w/640"`, `alt="Quầy trưng bày gốm"`, `alt="Điểm OCOP Bát Tràng"`,
			`loading="lazy"`, `sizes="(max-width: 700px) 100vw, 640px"`, `/media/` + jhash + `/w/1024 1024w`, `width="4" height="3"`} {
			if !strings.Contains(pub.Body, want) {
				t.Errorf("public page: %q missing", want)
			}
		}
		if strings.Contains(pub.Body, "/delete") {
			t.Errorf("public page shows a delete form")
		}
		if strings.Index(pub.Body, hash) > strings.Index(pub.Body, jhash) {
			t.Errorf("public page: photos not in upload order")
		}
		m := e.Anon().Get("/media/" + hash)
		if m.Status != 200 || m.Header.Get("Content-Type") != "image/png" || m.Body != string(pic) {
			t.Errorf("GET /media/%s: status %d, type %q, same bytes %v", hash, m.Status, m.Header.Get("Content-Type"), m.Body == string(pic))
		}
		if m := e.Anon().Get("/media/" + jhash + "/w/320"); m.Status != 200 || m.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET /media/%s/w/320: status %d, type %q", jhash, m.Status, m.Header.Get("Content-Type"))
		}

		// Another point's operator may not touch A's photos.
		other := e.Session(opB)
		if r := uploadPointPhoto(t, e, other, a.ID, "", "x.png", photoPNG(t, 1), ""); r.Status != http.StatusForbidden {
			t.Errorf("other operator's upload: status %d, want 403", r.Status)
		}
		if r := other.PostForm("/admin/sale-points/"+itoa(a.ID)+"/photos/"+hash+"/delete", nil); r.Status != http.StatusForbidden {
			t.Errorf("other operator's delete: status %d, want 403", r.Status)
		}

		// Bad files are refused with a message and nothing is written.
		big := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 8<<20)...)
		for _, tt := range []struct {
			name, file, query string
			data              []byte
			status            int
			want              string
		}{
			{"text renamed .jpg", "bang-gia.jpg", "", []byte("Bảng giá: gốm men lam 350.000đ\n"), 422, "Tệp tải lên phải là ảnh JPEG hoặc PNG."},
			{"HTML renamed .png", "x.png", "", []byte("<html><script>alert(1)</script></html>"), 422, "phải là ảnh JPEG hoặc PNG"},
			{"over the limit", "big.png", "", big, 413, "Tệp quá lớn (tối đa 8 MB)."},
			{"pixel bomb", "bomb.png", "", pixelBombPNG(t), 422, "Ảnh quá lớn về kích thước điểm ảnh."},
			{"pixel bomb, English", "bomb.png", "?lang=en", pixelBombPNG(t), 422, "The image has too many pixels."},
			{"text, English", "notes.jpg", "?lang=en", []byte("just text"), 422, "The upload must be a JPEG or PNG image."},
		} {
			r := uploadPointPhoto(t, e, c, a.ID, tt.query, tt.file, tt.data, "x")
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
			if !strings.Contains(r.Body, `enctype="multipart/form-data"`) {
				t.Errorf("%s: the upload form is not shown again", tt.name)
			}
		}
		c = e.Session(opA) // back to Vietnamese: ?lang=en set a cookie on c
		// No file chosen.
		if r := c.PostForm("/admin/sale-points/"+itoa(a.ID)+"/photos", nil); r.Status != 422 || !strings.Contains(r.Body, "Hãy chọn một ảnh JPEG hoặc PNG") {
			t.Errorf("no file: status %d", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM media"); n != 2 {
			t.Errorf("refused uploads: %d media rows, want 2", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM sale_point_images"); n != 2 {
			t.Errorf("refused uploads: %d photo rows, want 2", n)
		}
		if files := mediaFiles(t, e); len(files) != 2 {
			t.Errorf("refused uploads: files %v, want the PNG and the JPEG", files)
		}

		// The same photo twice is refused; so is a thirteenth.
		if r := uploadPointPhoto(t, e, c, a.ID, "", "again.png", pic, ""); r.Status != 422 || !strings.Contains(r.Body, "Ảnh này đã có trong điểm bán.") {
			t.Errorf("duplicate: status %d", r.Status)
		}
		for i := 2; i < market.MaxPhotosPerPoint; i++ {
			if r := uploadPointPhoto(t, e, c, a.ID, "", "p.png", photoPNG(t, i), ""); r.Status != http.StatusSeeOther {
				t.Fatalf("photo %d: status %d\n%s", i+1, r.Status, r.Body)
			}
		}
		extra := photoPNG(t, 999)
		if r := uploadPointPhoto(t, e, c, a.ID, "", "p13.png", extra, ""); r.Status != 422 || !strings.Contains(r.Body, "Mỗi điểm bán có tối đa 12 ảnh.") {
			t.Errorf("13th photo: status %d", r.Status)
		}
		if _, err := os.Stat(e.App.Registry.MediaPath(hashOf(extra))); err == nil {
			t.Errorf("13th photo: its file was written")
		}
		if n := count(t, e, "SELECT COUNT(*) FROM sale_point_images WHERE sale_point_id = ?", a.ID); n != market.MaxPhotosPerPoint {
			t.Errorf("photos of A: %d, want %d", n, market.MaxPhotosPerPoint)
		}

		// Removing detaches the photo from the pages; the office may too.
		if r := c.PostForm("/admin/sale-points/"+itoa(a.ID)+"/photos/"+hash+"/delete", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: status %d\n%s", r.Status, r.Body)
		}
		if pub := e.Anon().Get("/sale-points/" + itoa(a.ID)); strings.Contains(pub.Body, hash) {
			t.Errorf("public page still shows the removed photo")
		}
		if r := c.PostForm("/admin/sale-points/"+itoa(a.ID)+"/photos/"+hash+"/delete", nil); r.Status != http.StatusNotFound {
			t.Errorf("delete again: status %d, want 404", r.Status)
		}
		office := e.Session(e.User(account.RoleOffice))
		if r := office.PostForm("/admin/sale-points/"+itoa(a.ID)+"/photos/"+jhash+"/delete", nil); r.Status != http.StatusSeeOther {
			t.Errorf("office delete: status %d", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'sale_point.photo_add'"); n != market.MaxPhotosPerPoint {
			t.Errorf("photo_add audit rows: %d, want %d", n, market.MaxPhotosPerPoint)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'sale_point.photo_remove'"); n != 2 {
			t.Errorf("photo_remove audit rows: %d, want 2", n)
		}
	})
}

func TestSalePointPhotosAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := mustSalePoint(t, e, "Điểm OCOP Bát Tràng", "00577", 21.0, 105.93)
		b := mustSalePoint(t, e, "Điểm OCOP Hoàn Kiếm", "00008", 21.03, 105.85)
		tokA, tokB := e.Token(linkedOperator(t, e, a.ID)), e.Token(linkedOperator(t, e, b.ID))

		pic := photoPNG(t, 7)
		r := apiPointPhoto(t, e, tokA, a.ID, "gian-hang.png", pic, "Gian hàng")
		if r.Status != http.StatusCreated {
			t.Fatalf("API upload: status %d\n%s", r.Status, r.Body)
		}
		hash := hashOf(pic)
		var im struct {
			Hash, ContentType, Caption string
			Width, Height              int
		}
		r.JSON(t, &im)
		if im.Hash != hash || r.Location() != "/media/"+hash || im.Width != 4 || im.Height != 3 || im.Caption != "Gian hàng" {
			t.Errorf("API upload: got %+v at %q", im, r.Location())
		}
		var got struct {
			Photos []struct{ Hash, Caption string }
		}
		e.API("GET", "/api/v1/sale-points/"+itoa(a.ID), "", nil).JSON(t, &got)
		if len(got.Photos) != 1 || got.Photos[0].Hash != hash || got.Photos[0].Caption != "Gian hàng" {
			t.Errorf("GET sale point: photos %+v", got.Photos)
		}

		problem := func(name string, r *apptest.Response, status int, field, want string) {
			t.Helper()
			if r.Status != status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: status %d %q, want %d problem+json\n%s", name, r.Status, r.Header.Get("Content-Type"), status, r.Body)
				return
			}
			var p struct {
				Status int
				Code   string
				Errors []struct{ Field, Message string }
			}
			r.JSON(t, &p)
			if p.Status != status {
				t.Errorf("%s: problem status %d", name, p.Status)
			}
			if field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field || !strings.Contains(p.Errors[0].Message, want)) {
				t.Errorf("%s: errors %+v, want %s: %q", name, p.Errors, field, want)
			}
		}
		big := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 8<<20)...)
		problem("text file", apiPointPhoto(t, e, tokA, a.ID, "a.jpg", []byte("không phải ảnh"), ""), 422, "image", "JPEG hoặc PNG")
		problem("pixel bomb", apiPointPhoto(t, e, tokA, a.ID, "b.png", pixelBombPNG(t), ""), 422, "image", "điểm ảnh")
		problem("over the limit", apiPointPhoto(t, e, tokA, a.ID, "c.png", big, ""), 413, "image", "tối đa 8 MB")
		problem("far over the limit", apiPointPhoto(t, e, tokA, a.ID, "c.png", append(big, big...), ""), 413, "image", "tối đa 8 MB")
		problem("JSON body", e.API("POST", "/api/v1/sale-points/"+itoa(a.ID)+"/photos", tokA, map[string]string{"image": "x"}), 422, "image", "Hãy chọn")
		problem("other operator", apiPointPhoto(t, e, tokB, a.ID, "d.png", photoPNG(t, 8), ""), 403, "", "")
		problem("unknown point", apiPointPhoto(t, e, tokA, 999999, "d.png", photoPNG(t, 8), ""), 404, "", "")
		problem("anonymous", apiPointPhoto(t, e, "", a.ID, "d.png", photoPNG(t, 8), ""), 401, "", "")
		problem("other operator's delete", e.API("DELETE", "/api/v1/sale-points/"+itoa(a.ID)+"/photos/"+hash, tokB, nil), 403, "", "")
		if n := count(t, e, "SELECT COUNT(*) FROM media"); n != 1 {
			t.Errorf("refused uploads: %d media rows, want 1", n)
		}
		if files := mediaFiles(t, e); len(files) != 1 {
			t.Errorf("refused uploads: files %v, want 1", files)
		}

		r = e.API("DELETE", "/api/v1/sale-points/"+itoa(a.ID)+"/photos/"+hash, tokA, nil)
		var left struct{ Items []any }
		if r.Status != 200 {
			t.Fatalf("API delete: status %d\n%s", r.Status, r.Body)
		}
		if r.JSON(t, &left); left.Items == nil || len(left.Items) != 0 {
			t.Errorf("API delete: got %s, want an empty list", r.Body)
		}
		problem("delete again", e.API("DELETE", "/api/v1/sale-points/"+itoa(a.ID)+"/photos/"+hash, tokA, nil), 404, "", "")
	})
}

// TestSalePointPhotoCaptionAndCover: the operator edits a caption and makes
// a later photo the first, on the page (without script) and through the
// API; the public page follows; bad input, an unknown photo and another
// point's operator are refused and change nothing.
func TestSalePointPhotoCaptionAndCover(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := mustSalePoint(t, e, "Điểm OCOP Bát Tràng", "00577", 21.0, 105.93)
		b := mustSalePoint(t, e, "Điểm OCOP Hoàn Kiếm", "00008", 21.03, 105.85)
		opA, opB := linkedOperator(t, e, a.ID), linkedOperator(t, e, b.ID)
		c := e.Session(opA)
		one, two := photoPNG(t, 11), photoPNG(t, 12)
		for i, pic := range [][]byte{one, two} {
			if r := uploadPointPhoto(t, e, c, a.ID, "", "p.png", pic, "Ảnh "+itoa(int64(i+1))); r.Status != http.StatusSeeOther {
				t.Fatalf("upload %d: %d\n%s", i+1, r.Status, r.Body)
			}
		}
		base := "/admin/sale-points/" + itoa(a.ID) + "/photos/"
		order := func() []string {
			var out []string
			for _, im := range mustPhotos(t, e, a.ID) {
				out = append(out, im.Caption)
			}
			return out
		}
		// The page offers "make it the first" on the second photo only.
		if pg := c.Get("/admin/sale-points/" + itoa(a.ID)); strings.Count(pg.Body, `name="first" value="1"`) != 1 {
			t.Errorf("cover buttons: %d, want 1", strings.Count(pg.Body, `name="first" value="1"`))
		}
		if r := c.PostForm(base+hashOf(two), url.Values{"caption": {"Quầy gốm men lam"}, "first": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("make first: %d\n%s", r.Status, r.Body)
		}
		if got := order(); strings.Join(got, "|") != "Quầy gốm men lam|Ảnh 1" {
			t.Errorf("order after make-first: %v", got)
		}
		pub := e.Anon().Get("/sale-points/" + itoa(a.ID))
		if i, j := strings.Index(pub.Body, `alt="Quầy gốm men lam"`), strings.Index(pub.Body, `alt="Ảnh 1"`); i < 0 || j < 0 || i > j {
			t.Errorf("public page order: %d, %d", i, j)
		}
		// Refusals: a caption with a NUL, an unknown photo, another operator.
		if r := c.PostForm(base+hashOf(one), url.Values{"caption": {"a\x00b"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("NUL caption: %d", r.Status)
		}
		if r := c.PostForm(base+strings.Repeat("0", 64), url.Values{"caption": {"x"}}); r.Status != http.StatusNotFound {
			t.Errorf("unknown photo: %d", r.Status)
		}
		if r := e.Session(opB).PostForm(base+hashOf(one), url.Values{"caption": {"của người khác"}}); r.Status != http.StatusForbidden {
			t.Errorf("other operator: %d", r.Status)
		}
		// The API: caption and cover, answered with the new order.
		tok := e.Token(opA)
		r := e.API("PUT", "/api/v1/sale-points/"+itoa(a.ID)+"/photos/"+hashOf(one), tok, map[string]any{"caption": "Mặt tiền", "first": true})
		var page struct {
			Items []struct{ Hash, Caption string }
		}
		if r.Status != http.StatusOK {
			t.Fatalf("PUT: %d\n%s", r.Status, r.Body)
		}
		r.JSON(t, &page)
		if len(page.Items) != 2 || page.Items[0].Hash != hashOf(one) || page.Items[0].Caption != "Mặt tiền" {
			t.Errorf("PUT answer: %+v", page.Items)
		}
		if r := e.API("PUT", "/api/v1/sale-points/"+itoa(a.ID)+"/photos/"+hashOf(one), e.Token(opB), map[string]any{"caption": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("PUT by another operator: %d", r.Status)
		}
		if got := order(); strings.Join(got, "|") != "Mặt tiền|Quầy gốm men lam" {
			t.Errorf("order after the refusals: %v", got)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'sale_point.photo_update'"); n != 2 {
			t.Errorf("audit rows: %d, want 2", n)
		}
	})
}

// mustPhotos lists a point's photos in their order.
func mustPhotos(t *testing.T, e *apptest.Env, pointID int64) []registry.Image {
	t.Helper()
	ims, err := e.App.Market.Photos(e.Ctx(), pointID)
	if err != nil {
		t.Fatal(err)
	}
	return ims
}
