package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// A user whose password was set by an administrator must pick a new one
// before anything else works.
func TestMustChangePassword(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if _, err := e.App.Accounts.CreateUser(e.Ctx(), nil, account.NewUser{Username: "newbie", Role: account.RoleOffice, Password: apptest.Password, MustChangePassword: true}); err != nil {
			t.Fatal(err)
		}
		c := e.Anon()
		r := c.PostForm("/login", url.Values{"username": {"newbie"}, "password": {apptest.Password}})
		if r.Status != http.StatusSeeOther || r.Location() != "/account" {
			t.Fatalf("login: %d → %q, want 303 → /account", r.Status, r.Location())
		}
		for _, path := range []string{"/admin", "/admin/producers", "/search?q=x"} {
			if r := c.Get(path); r.Status != http.StatusSeeOther || r.Location() != "/account" {
				t.Errorf("GET %s before changing the password: %d → %q", path, r.Status, r.Location())
			}
		}
		if r := c.Get("/account"); r.Status != http.StatusOK {
			t.Fatalf("account page: %d", r.Status)
		}
		r = c.PostForm("/account/password", url.Values{"current": {apptest.Password}, "password": {"a brand new password"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%s", r.Status, r.Body)
		}
		if r := c.Get("/admin"); r.Status != http.StatusOK {
			t.Errorf("after the change, /admin = %d", r.Status)
		}
	})
}

// A flash message is shown on the next page only.
func TestFlashShownOnce(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Session(e.User(account.RoleOffice))
	r := c.PostForm("/account/password", url.Values{"current": {apptest.Password}, "password": {"another long password"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d", r.Status)
	}
	if r := c.Get("/account"); !strings.Contains(r.Body, `class="flash"`) {
		t.Error("flash not shown after the redirect")
	}
	if r := c.Get("/account"); strings.Contains(r.Body, `class="flash"`) {
		t.Error("flash shown a second time")
	}
}
