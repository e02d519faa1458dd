package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// acctLogin signs in with a password of one's own (apptest.Env.Login knows
// only apptest.Password) and returns the client and the login response.
// A signed-in page is fetched afterwards so that the client holds the
// session's CSRF token rather than the anonymous one.
func acctLogin(t *testing.T, e *apptest.Env, username, password string) (*apptest.Client, *apptest.Response) {
	t.Helper()
	c := e.Anon()
	r := c.PostForm("/login", url.Values{"username": {username}, "password": {password}})
	if r.Status == http.StatusSeeOther {
		c.Get("/account")
	}
	return c, r
}

// acctCount counts rows of a table (names come from the test, never input).
func acctCount(t *testing.T, e *apptest.Env, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func acctUser(t *testing.T, e *apptest.Env, username string) account.User {
	t.Helper()
	u, err := e.App.Accounts.UserByName(e.Ctx(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u
}

// Every route of user administration is for administrators only; the buyer
// list is also the programme office's.
func TestUserRoutesByRole(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		target := acctUser(t, e, e.User(account.RoleCouncil))
		id := itoa(target.ID)
		routes := []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/admin/users", nil},
			{"GET", "/admin/users/new", nil},
			{"GET", "/admin/users/" + id + "/edit", nil},
			{"POST", "/admin/users", url.Values{"username": {"intruder"}, "role": {"admin"}, "password": {"intruder-password"}}},
			{"POST", "/admin/users/" + id, url.Values{"display_name": {"X"}, "role": {"admin"}, "status": {"active"}, "version": {"1"}}},
			{"POST", "/admin/users/" + id + "/password", url.Values{"password": {"another-password-1"}}},
			{"GET", "/admin/buyers", nil},
		}
		for _, role := range account.Roles {
			communes := []string{}
			if role == account.RoleCommune {
				communes = []string{"00004"}
			}
			c := e.Login(e.User(role, communes...))
			for _, rt := range routes {
				want := http.StatusForbidden
				switch {
				case role == account.RoleAdmin && rt.method == "GET":
					want = http.StatusOK
				case role == account.RoleAdmin:
					continue // the admin's writes are tested on their own
				case role == account.RoleOffice && rt.path == "/admin/buyers":
					want = http.StatusOK
				}
				var r *apptest.Response
				if rt.method == "GET" {
					r = c.Get(rt.path)
				} else {
					r = c.PostForm(rt.path, rt.form)
				}
				if r.Status != want {
					t.Errorf("%s %s %s: got %d, want %d", role, rt.method, rt.path, r.Status, want)
				}
			}
			e.Clock.Advance(time.Minute) // stay under the sign-in rate limit
		}
		if r := e.Anon().Get("/admin/users"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("anonymous /admin/users: got %d to %q, want 303 to /login", r.Status, r.Location())
		}
		if got := acctCount(t, e, "users", "username = 'intruder'"); got != 0 {
			t.Errorf("non-admins created %d users, want 0", got)
		}
		if u := acctUser(t, e, target.Username); u.Role != account.RoleCouncil || u.Version != target.Version {
			t.Errorf("non-admins changed the user: role %s version %d, want council version %d", u.Role, u.Version, target.Version)
		}
	})
}

func TestUserCreate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login(e.User(account.RoleAdmin))
		r := admin.Get("/admin/users/new")
		if n := acctOptions(r.Body, "communes"); r.Status != http.StatusOK || n != 126 {
			t.Fatalf("new user form: status %d, %d commune options, want 200 and Hanoi's 126", r.Status, n)
		}
		r = admin.PostForm("/admin/users", url.Values{
			"username": {"CanBo.BaDinh"}, "display_name": {"Trần Thị Lan"}, "email": {"lan@example.vn"}, "phone": {"024 3825 1234"},
			"role": {"commune"}, "communes": {"00004", "00008"}, "password": {"mat-khau-ban-dau"}, "must_change_password": {"on"},
		})
		if r.Status != http.StatusSeeOther || r.Location() != "/admin/users" {
			t.Fatalf("create: got %d to %q, want 303 to /admin/users\n%s", r.Status, r.Location(), r.Body)
		}
		u := acctUser(t, e, "canbo.badinh")
		if u.Role != account.RoleCommune || strings.Join(u.Communes, ",") != "00004,00008" || !u.MustChangePassword || u.DisplayName != "Trần Thị Lan" {
			t.Errorf("created user: role %s communes %v must change %v name %q", u.Role, u.Communes, u.MustChangePassword, u.DisplayName)
		}
		if r := admin.Get("/admin/users?role=commune&q=badinh"); !strings.Contains(r.Body, "canbo.badinh") || !strings.Contains(r.Body, "Phường Ngọc Hà") {
			t.Errorf("list filtered by role and search does not show the officer with their communes")
		}
		if r := admin.Get("/admin/users?role=buyer&q=badinh"); strings.Contains(r.Body, "canbo.badinh") {
			t.Errorf("list filtered by role buyer shows a commune officer")
		}
		if n := acctCount(t, e, "audit_log", "action = 'user.create' AND entity_id = ?", itoa(u.ID)); n != 1 {
			t.Errorf("audit rows for the creation: got %d, want 1", n)
		}
	})
}

// Bad input re-renders the form with a message beside the field and
// writes nothing.
func TestUserCreateErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		taken := e.User(account.RoleCouncil)
		admin := e.Login(e.User(account.RoleAdmin))
		users := acctCount(t, e, "users", "")
		good := func(change func(url.Values)) url.Values {
			v := url.Values{"username": {"nguoi.moi"}, "display_name": {"Người Mới"}, "role": {"council"}, "password": {"mot-mat-khau-dai"}}
			change(v)
			return v
		}
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"username taken", good(func(v url.Values) { v.Set("username", taken) }), "đã có người dùng"},
			{"short password", good(func(v url.Values) { v.Set("password", "ngan") }), "cần ít nhất 10 ký tự"},
			{"commune officer without commune", good(func(v url.Values) { v.Set("role", "commune") }), "ít nhất một xã"},
			{"communes for another role", good(func(v url.Values) { v.Set("communes", "00004") }), "Chỉ cán bộ xã"},
			{"unknown role", good(func(v url.Values) { v.Set("role", "king") }), "Vai trò không hợp lệ"},
			{"unknown commune", good(func(v url.Values) { v.Set("role", "commune"); v.Set("communes", "99999") }), "99999"},
			{"bad e-mail", good(func(v url.Values) { v.Set("email", "lan@") }), "Địa chỉ email không hợp lệ"},
			{"bad username", good(func(v url.Values) { v.Set("username", "Có dấu") }), "Tên đăng nhập gồm"},
		} {
			r := admin.PostForm("/admin/users", tt.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: got %d, want 422 with %q\n%s", tt.name, r.Status, tt.want, acctSnippet(r.Body, "field-error"))
			}
			if !strings.Contains(r.Body, `value="Người Mới"`) {
				t.Errorf("%s: the form lost the submitted display name", tt.name)
			}
		}
		if got := acctCount(t, e, "users", ""); got != users {
			t.Errorf("bad input wrote users: got %d, want %d", got, users)
		}
	})
}

// acctOptions counts the options of the select named name.
func acctOptions(body, name string) int {
	i := strings.Index(body, `<select name="`+name+`"`)
	if i < 0 {
		return 0
	}
	j := strings.Index(body[i:], "</select>")
	if j < 0 {
		return 0
	}
	return strings.Count(body[i:i+j], "<option ")
}

// acctSnippet returns the text around the first occurrence of marker, for
// failure messages.
func acctSnippet(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return body[max(0, i-200):min(len(body), i+300)]
}

// A disabled account cannot sign in, and its open sessions end at once.
func TestUserDisable(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		name := e.User(account.RoleCommune, "00004")
		officer := e.Login(name)
		admin := e.Login(e.User(account.RoleAdmin))
		u := acctUser(t, e, name)
		if r := officer.Get("/admin"); r.Status != http.StatusOK {
			t.Fatalf("officer before: got %d, want 200", r.Status)
		}
		r := admin.PostForm("/admin/users/"+itoa(u.ID), url.Values{
			"display_name": {u.DisplayName}, "role": {"commune"}, "status": {"disabled"}, "communes": {"00004"}, "version": {itoa(int64(u.Version))},
		})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("disable: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		if r := officer.Get("/admin"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("disabled user's session: got %d to %q, want 303 to /login", r.Status, r.Location())
		}
		if n := acctCount(t, e, "sessions", "user_id = ?", u.ID); n != 0 {
			t.Errorf("sessions of the disabled user: got %d, want 0", n)
		}
		_, r = acctLogin(t, e, name, apptest.Password)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Tài khoản đã bị khoá") {
			t.Errorf("disabled user's login: got %d, want 422 with the disabled message\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		// An administrator cannot disable themselves.
		self := acctSelf(t, e, admin)
		r = admin.PostForm("/admin/users/"+itoa(self.ID), url.Values{"display_name": {"A"}, "role": {"admin"}, "status": {"disabled"}, "version": {itoa(int64(self.Version))}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("admin disables self: got %d, want 422", r.Status)
		}
		// A stale form is refused.
		r = admin.PostForm("/admin/users/"+itoa(u.ID), url.Values{"display_name": {"B"}, "role": {"commune"}, "status": {"active"}, "communes": {"00004"}, "version": {itoa(int64(u.Version))}})
		if r.Status != http.StatusConflict {
			t.Errorf("stale edit: got %d, want 409", r.Status)
		}
	})
}

// acctSelf returns the user a client is signed in as.
func acctSelf(t *testing.T, e *apptest.Env, c *apptest.Client) account.User {
	t.Helper()
	r := c.Get("/account")
	i := strings.Index(r.Body, "<dd>")
	j := strings.Index(r.Body, "</dd>")
	if i < 0 || j < i {
		t.Fatalf("no username on /account")
	}
	return acctUser(t, e, r.Body[i+4:j])
}

// An administrator sets a new password: the user's sessions end and the
// user must pick their own password at the next sign-in.
func TestUserPasswordReset(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		name := e.User(account.RoleOffice)
		office := e.Login(name)
		admin := e.Login(e.User(account.RoleAdmin))
		u := acctUser(t, e, name)
		if r := admin.PostForm("/admin/users/"+itoa(u.ID)+"/password", url.Values{"password": {"short"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cần ít nhất 10 ký tự") {
			t.Errorf("short reset password: got %d, want 422 with the length message", r.Status)
		}
		r := admin.PostForm("/admin/users/"+itoa(u.ID)+"/password", url.Values{"password": {"tam-thoi-2026"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reset: got %d, want 303", r.Status)
		}
		if r := office.Get("/admin"); r.Status != http.StatusSeeOther {
			t.Errorf("old session after reset: got %d, want 303 to /login", r.Status)
		}
		if _, r := acctLogin(t, e, name, apptest.Password); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("old password after reset: got %d, want 422", r.Status)
		}
		c, r := acctLogin(t, e, name, "tam-thoi-2026")
		if r.Status != http.StatusSeeOther || r.Location() != "/account" {
			t.Fatalf("login with the reset password: got %d to %q, want 303 to /account", r.Status, r.Location())
		}
		if r := c.PostForm("/account/password", url.Values{"current": {"tam-thoi-2026"}, "password": {"cua-rieng-toi-2026"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("change password: got %d, want 303", r.Status)
		}
		if u := acctUser(t, e, name); u.MustChangePassword {
			t.Errorf("must change password after changing it: got true, want false")
		}
		if _, r := acctLogin(t, e, name, "cua-rieng-toi-2026"); r.Status != http.StatusSeeOther || r.Location() != "/admin" {
			t.Errorf("login with own password: got %d to %q, want 303 to /admin", r.Status, r.Location())
		}
	})
}
