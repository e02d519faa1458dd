package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

var secretRe = regexp.MustCompile(`value="(ocop_[A-Za-z0-9_-]+)"`)

// A user creates an API token on /account, sees its secret once, uses it
// on the API, and revokes it; the revoked token stops working.
func TestTokenLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		user := e.User(account.RoleCommune, "00577")
		c := e.Login(user)
		if r := c.Get("/account"); r.Status != 200 || !strings.Contains(r.Body, "Mã truy cập API") || !strings.Contains(r.Body, "Bạn chưa có mã truy cập API nào") {
			t.Fatalf("account page: got status %d without the token section", r.Status)
		}
		r := c.PostForm("/account/tokens", url.Values{"name": {"Đồng bộ bán hàng"}})
		m := secretRe.FindStringSubmatch(r.Body)
		if r.Status != 200 || m == nil {
			t.Fatalf("create token: got status %d, secret shown %v\n%s", r.Status, m != nil, r.Body)
		}
		secret := m[1]
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("page with the secret: got Cache-Control %q, want no-store", cc)
		}
		if !strings.Contains(r.Body, "Đồng bộ bán hàng") || !strings.Contains(r.Body, secret[:11]) {
			t.Errorf("create token: the list lacks the name or prefix")
		}
		// The secret is shown once: the next visit lists the prefix only.
		r = c.Get("/account")
		if strings.Contains(r.Body, secret) || !strings.Contains(r.Body, secret[:11]+"…") {
			t.Errorf("second visit: secret shown %v, prefix shown %v", strings.Contains(r.Body, secret), strings.Contains(r.Body, secret[:11]))
		}
		if strings.Contains(r.Body, "Đã thu hồi") {
			t.Errorf("fresh token shown as revoked")
		}

		// The token acts as its owner on the API.
		if r := e.API("GET", "/api/v1/me", secret, nil); r.Status != 200 || !strings.Contains(r.Body, `"username":"`+user+`"`) {
			t.Fatalf("token on /api/v1/me: got status %d\n%s", r.Status, r.Body)
		}
		body := map[string]any{"kind": "farm", "name": "Trang trại qua API", "commune_code": "00577"}
		if r := e.API("POST", "/api/v1/producers", secret, body); r.Status != http.StatusCreated {
			t.Errorf("token write: got status %d, want 201\n%s", r.Status, r.Body)
		}
		if r := c.Get("/account"); strings.Contains(r.Body, "Chưa dùng") {
			t.Errorf("used token still shows as never used")
		}

		// Tokens cannot manage tokens, even their own.
		if r := e.API("POST", "/account/tokens", secret, "name=x"); r.Status != http.StatusForbidden {
			t.Errorf("create a token with a token: got status %d, want 403", r.Status)
		}

		// Another user cannot revoke it.
		tokenID := tokenIDOf(t, e, user)
		other := e.Login(e.User(account.RoleOffice))
		if r := other.PostForm("/account/tokens/"+tokenID+"/revoke", nil); r.Status != http.StatusNotFound {
			t.Errorf("revoke another user's token: got status %d, want 404", r.Status)
		}
		if r := e.API("GET", "/api/v1/me", secret, nil); r.Status != 200 {
			t.Fatalf("token after a foreign revocation attempt: got status %d, want 200", r.Status)
		}

		// Revoking needs the CSRF token.
		if r := c.PostForm("/account/tokens/"+tokenID+"/revoke", url.Values{"csrf": {"forged-forged-forged-forged"}}); r.Status != http.StatusForbidden {
			t.Errorf("revoke without CSRF: got status %d, want 403", r.Status)
		}
		r = c.PostForm("/account/tokens/"+tokenID+"/revoke", nil)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/account") {
			t.Fatalf("revoke: got status %d location %q", r.Status, r.Location())
		}
		if r := c.Get("/account"); !strings.Contains(r.Body, "Đã thu hồi mã truy cập API") || !strings.Contains(r.Body, "Đã thu hồi lúc") {
			t.Errorf("after revocation: no flash or no revoked status on the page")
		}
		r = e.API("POST", "/api/v1/producers", secret, body)
		if r.Status != http.StatusUnauthorized || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("revoked token: got status %d Content-Type %q, want a 401 problem", r.Status, r.Header.Get("Content-Type"))
		}
		if r := c.PostForm("/account/tokens/"+tokenID+"/revoke", nil); r.Status != http.StatusNotFound {
			t.Errorf("revoke twice: got status %d, want 404", r.Status)
		}
	})
}

func TestTokenCreateErrors(t *testing.T) {
	e := apptest.New(t, "sqlite")
	for _, tt := range []struct {
		name   string
		client *apptest.Client
		form   url.Values
		status int
		want   string
	}{
		{"empty name", e.Login(e.User(account.RoleProducer)), url.Values{"name": {"   "}}, 422, "Mục này là bắt buộc"},
		{"name too long", e.Login(e.User(account.RoleBuyer)), url.Values{"name": {strings.Repeat("x", 101)}}, 422, "Mục này là bắt buộc"},
		{"anonymous", e.Anon(), url.Values{"name": {"x"}}, http.StatusSeeOther, ""},
	} {
		r := tt.client.PostForm("/account/tokens", tt.form)
		if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
			t.Errorf("%s: got status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
		}
		if secretRe.MatchString(r.Body) {
			t.Errorf("%s: a secret was shown", tt.name)
		}
	}
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM api_tokens").Scan(&n); err != nil || n != 0 {
		t.Errorf("refused creations left %d tokens (err %v)", n, err)
	}
}

func tokenIDOf(t *testing.T, e *apptest.Env, username string) string {
	t.Helper()
	var id int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = ?", username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return itoa(id)
}
