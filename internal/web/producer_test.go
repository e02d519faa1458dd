package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// The "done when" of the foundation: a commune officer works in their
// commune and cannot open or change another commune's producer.
func TestProducerScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mine := e.Producer("HTX Gốm Bát Tràng", "00004")
		other := e.Producer("HTX Lụa Vạn Phúc", "00008")
		officer := e.Login(e.User(account.RoleCommune, "00004"))

		if r := officer.Get("/admin/producers"); r.Status != 200 || !strings.Contains(r.Body, mine.Name) || strings.Contains(r.Body, other.Name) {
			t.Errorf("officer list: status %d, has mine %v, has other %v", r.Status, strings.Contains(r.Body, mine.Name), strings.Contains(r.Body, other.Name))
		}
		if r := officer.Get("/admin/producers/" + itoa(mine.ID)); r.Status != 200 {
			t.Errorf("own commune producer: status %d, want 200", r.Status)
		}
		if r := officer.Get("/admin/producers/" + itoa(other.ID)); r.Status != http.StatusForbidden {
			t.Errorf("other commune producer: status %d, want 403", r.Status)
		}
		r := officer.PostForm("/admin/producers/"+itoa(other.ID), url.Values{"name": {"Hijacked"}, "kind": {"cooperative"}, "commune_code": {"00008"}, "version": {"1"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("update other commune producer: status %d, want 403", r.Status)
		}
		// Creating a producer outside the officer's communes is refused with a field error.
		r = officer.PostForm("/admin/producers", url.Values{"name": {"Outside"}, "kind": {"farm"}, "commune_code": {"00008"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "không thuộc phạm vi") {
			t.Errorf("create outside scope: status %d", r.Status)
		}
		// Inside the scope it works and redirects to the new record.
		r = officer.PostForm("/admin/producers", url.Values{"name": {"Hộ Nguyễn Văn A"}, "kind": {"household"}, "commune_code": {"00004"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/admin/producers/") {
			t.Fatalf("create in scope: status %d, location %q\n%s", r.Status, r.Location(), r.Body)
		}
		// Search ignores diacritics and đ.
		r = officer.Get("/admin/producers?q=" + url.QueryEscape("gom bat trang"))
		if !strings.Contains(r.Body, "HTX Gốm Bát Tràng") {
			t.Errorf("search without diacritics did not find the producer")
		}
	})
}

func TestProducerFormErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleOffice))
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"missing name", url.Values{"kind": {"farm"}, "commune_code": {"00004"}}, "Mục này là bắt buộc"},
			{"unknown kind", url.Values{"name": {"X"}, "kind": {"bank"}, "commune_code": {"00004"}}, "loại hình chủ thể"},
			{"unknown commune", url.Values{"name": {"X"}, "kind": {"farm"}, "commune_code": {"99999"}}, "99999"},
			{"bad latitude", url.Values{"name": {"X"}, "kind": {"farm"}, "commune_code": {"00004"}, "latitude": {"abc"}}, "Phải là một số"},
			{"outside Vietnam", url.Values{"name": {"X"}, "kind": {"farm"}, "commune_code": {"00004"}, "latitude": {"48.85"}, "longitude": {"2.35"}}, "ngoài lãnh thổ"},
			{"script in name is escaped", url.Values{"name": {"<script>alert(1)</script>"}, "kind": {"bank"}, "commune_code": {"00004"}}, "&lt;script&gt;"},
		} {
			r := c.PostForm("/admin/producers", tt.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s: unescaped script in page", tt.name)
			}
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&n); err != nil || n != 0 {
			t.Errorf("bad input wrote %d producers (err %v)", n, err)
		}
		// A duplicate registration number is a conflict with a message.
		ok := url.Values{"name": {"A"}, "kind": {"sme"}, "commune_code": {"00004"}, "registration_no": {"0101234567"}}
		if r := c.PostForm("/admin/producers", ok); r.Status != http.StatusSeeOther {
			t.Fatalf("first create: %d", r.Status)
		}
		if r := c.PostForm("/admin/producers", ok); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "0101234567") {
			t.Errorf("duplicate registration number: status %d", r.Status)
		}
	})
}

func TestCSRFRequired(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Login(e.User(account.RoleAdmin))
	r := c.PostForm("/admin/producers", url.Values{"csrf": {"wrong-token-wrong-token"}, "name": {"X"}, "kind": {"farm"}, "commune_code": {"00004"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("bad CSRF token: status %d, want 403", r.Status)
	}
}

func TestOptimisticLocking(t *testing.T) {
	e := apptest.New(t, "sqlite")
	x := e.Producer("HTX A", "00004")
	c := e.Login(e.User(account.RoleOffice))
	form := func(name string) url.Values {
		return url.Values{"name": {name}, "kind": {"cooperative"}, "commune_code": {"00004"}, "version": {itoa(int64(x.Version))}}
	}
	if r := c.PostForm("/admin/producers/"+itoa(x.ID), form("HTX A1")); r.Status != http.StatusSeeOther {
		t.Fatalf("first edit: %d", r.Status)
	}
	if r := c.PostForm("/admin/producers/"+itoa(x.ID), form("HTX A2")); r.Status != http.StatusConflict {
		t.Errorf("stale edit: status %d, want 409", r.Status)
	}
}
