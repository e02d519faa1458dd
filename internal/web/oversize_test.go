package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/config"
)

// An oversize body is answered 413 Content Too Large, never a 500, on a
// plain form, on the JSON API and on an upload; whether the size is
// announced (Content-Length) or not (chunked, counted while reading); and
// nothing is stored.
func TestOversizeBodies(t *testing.T) {
	apptest.EachWith(t, func(c *config.Config) { c.MaxUploadMB = 1 }, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Sen Tây Hồ", "00004")
		x := e.Product(pr.ID, "Trà sen", "I.5.b")
		officer := e.User(account.RoleCommune, "00004")
		c := e.Session(officer)
		token := e.Token(e.User(account.RoleOffice))
		huge := strings.Repeat("a", 3<<20) // past the 1 MB upload limit and its 1 MB envelope

		// post sends body with a known length or chunked (no length).
		post := func(path, ctype string, body []byte, chunked bool, bearer string) *apptest.Response {
			t.Helper()
			var rd io.Reader = bytes.NewReader(body)
			if chunked {
				rd = io.MultiReader(rd) // hides the length: sent chunked
			}
			req, err := http.NewRequest(http.MethodPost, e.Server.URL+path, rd)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", ctype)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			return c.Do(req)
		}
		form := []byte(url.Values{"csrf": {c.CSRF()}, "name": {huge}, "kind": {"farm"}, "commune_code": {"00004"}}.Encode())
		image := func(size int) ([]byte, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf", c.CSRF())
			fw, _ := mw.CreateFormFile("image", "big.png")
			fw.Write(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, size)...))
			mw.Close()
			return buf.Bytes(), mw.FormDataContentType()
		}
		within, withinType := image(1<<20 + 100<<10) // over the limit, inside the envelope
		over, overType := image(3 << 20)
		imagePath := "/admin/products/" + itoa(x.ID) + "/images"
		for _, tt := range []struct {
			name, path, ctype string
			body              []byte
			chunked           bool
			bearer            string
			want              string // in the body
		}{
			{"form, announced", "/admin/producers", "application/x-www-form-urlencoded", form, false, "", "quá lớn"},
			{"form, chunked", "/admin/producers", "application/x-www-form-urlencoded", form, true, "", "quá lớn"},
			{"API, announced", "/api/v1/producers", "application/json", []byte(`{"name":"` + huge + `"}`), false, token, "problem"},
			{"API, chunked", "/api/v1/producers", "application/json", []byte(`{"name":"` + huge + `"}`), true, token, "problem"},
			{"upload past the envelope, announced", imagePath, overType, over, false, "", "quá lớn"},
			{"upload past the envelope, chunked", imagePath, overType, over, true, "", ""},
			{"upload inside the envelope", imagePath, withinType, within, false, "", ""},
		} {
			r := post(tt.path, tt.ctype, tt.body, tt.chunked, tt.bearer)
			if r.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: status %d, want 413\n%.300s", tt.name, r.Status, r.Body)
				continue
			}
			if tt.want != "" && !strings.Contains(strings.ToLower(r.Body), tt.want) {
				t.Errorf("%s: the answer does not say why (%q)\n%.500s", tt.name, tt.want, r.Body)
			}
		}
		for _, q := range []string{"SELECT COUNT(*) FROM producers", "SELECT COUNT(*) FROM product_images"} {
			var n int
			if err := e.App.DB.QueryRowContext(e.Ctx(), q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[strings.Contains(q, "producers")]; n != want {
				t.Errorf("%s = %d after oversize bodies, want %d", q, n, want)
			}
		}
	})
}
