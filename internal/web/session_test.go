package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// TestSessionRevocation: a user sees their signed-in browsers and signs
// out everywhere else; an administrator signs a user out everywhere. Both
// are audited.
func TestSessionRevocation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		name := e.User(account.RoleOffice)
		a, b := e.Login(name), e.Login(name)
		page := a.Get("/account")
		if page.Status != http.StatusOK || strings.Count(page.Body, "<tr><td>") != 2 || !strings.Contains(page.Body, "phiên này") {
			t.Fatalf("account page: %d, want two sessions with the current one marked\n%s", page.Status, page.Body)
		}
		if r := a.PostForm("/account/sessions/revoke-others", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke others: %d", r.Status)
		}
		if r := b.Get("/admin"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("other session after revocation: %d %s", r.Status, r.Location())
		}
		if r := a.Get("/admin"); r.Status != http.StatusOK {
			t.Errorf("own session after revocation: %d", r.Status)
		}

		u, err := e.App.Accounts.UserByName(e.Ctx(), name)
		if err != nil {
			t.Fatal(err)
		}
		admin := e.Session(e.User(account.RoleAdmin))
		if r := admin.PostForm("/admin/users/"+itoa(u.ID)+"/sessions/revoke", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("admin revoke: %d %s", r.Status, r.Body)
		}
		if r := a.Get("/admin"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("session after the administrator's revocation: %d %s", r.Status, r.Location())
		}
		if r := admin.PostForm("/admin/users/999999/sessions/revoke", url.Values{}); r.Status != http.StatusNotFound {
			t.Errorf("unknown user: %d", r.Status)
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('session.revoke_others', 'user.sessions_revoke')`).Scan(&n); err != nil || n != 2 {
			t.Errorf("audit entries: %d, %v", n, err)
		}
	})
}
