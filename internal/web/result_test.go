package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// Who sees a result: the office and the council's members; the producer
// and the commune officer once the chair has closed scoring; nobody else.
// A scorecard gate recorded by the majority rejects the dossier, and the
// screen says why.
func TestResultScreen(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newCouncilWorld(t, e)
		cid := w.council(t, false, w.dossier)
		set := councilTestSet(t, e, w.dossier)
		c11 := councilCrit(t, set, "1.1")
		result := "/admin/dossiers/" + itoa(w.dossier) + "/result"
		producer := e.Session(e.ProducerUser(w.producer.ID))
		officer := e.Session(e.User(account.RoleCommune, "00577"))
		otherOfficer := e.Session(e.User(account.RoleCommune, "00008"))
		buyer := e.Session(e.User(account.RoleBuyer))
		office, m1, outsider := e.Session(w.users["office"]), e.Session(w.users["m1"]), e.Session(w.users["outsider"])

		for _, tt := range []struct {
			name   string
			c      *apptest.Client
			status int
		}{
			{"the producer before the chair closes", producer, http.StatusForbidden},
			{"the commune before the chair closes", officer, http.StatusForbidden},
			{"a member before the chair closes: no result yet", m1, http.StatusNotFound},
			{"the office before the chair closes: no result yet", office, http.StatusNotFound},
		} {
			if r := tt.c.Get(result); r.Status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, r.Status, tt.status)
			}
		}

		// Two of three record the rejection of 1.1 (wholly imported or
		// untraceable raw materials); the third does not.
		path := councilScorePath(cid, w.dossier)
		for _, who := range []string{"chair", "m1", "m2"} {
			f := councilSheet(set, nil)
			if who != "m2" {
				f.Set("g"+itoa(c11.ID), "1")
			}
			c := e.Session(w.users[who])
			if r := c.PostForm(path+"/score", f); r.Status != http.StatusSeeOther {
				t.Fatalf("%s saves: status %d\n%s", who, r.Status, r.Body)
			}
			if r := c.PostForm(path+"/submit", nil); r.Status != http.StatusSeeOther {
				t.Fatalf("%s submits: status %d\n%s", who, r.Status, r.Body)
			}
		}
		if r := e.Session(w.users["chair"]).PostForm("/admin/councils/"+itoa(cid)+"/close", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("close: status %d\n%s", r.Status, r.Body)
		}
		for _, tt := range []struct {
			name   string
			c      *apptest.Client
			status int
		}{
			{"the office", office, 200},
			{"a member", m1, 200},
			{"the producer", producer, 200},
			{"the commune officer", officer, 200},
			{"another commune's officer", otherOfficer, http.StatusForbidden},
			{"a council user on another council", outsider, http.StatusForbidden},
			{"a buyer", buyer, http.StatusForbidden},
		} {
			if r := tt.c.Get(result); r.Status != tt.status {
				t.Errorf("%s after close: status %d, want %d", tt.name, r.Status, tt.status)
			}
		}
		r := office.Get(result)
		for _, want := range []string{"hồ sơ bị loại", "2/3 thành viên ghi nhận", "Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu", "Không ban hành quyết định công nhận", "100,00"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("rejected result screen lacks %q", want)
			}
		}
		var star int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT star FROM results WHERE dossier_id = ?", w.dossier).Scan(&star); err != nil || star != 0 {
			t.Errorf("rejected dossier: star %d (err %v), want 0", star, err)
		}
		// English works too.
		if r := office.Get(result + "?lang=en"); !strings.Contains(r.Body, "the dossier is rejected") {
			t.Errorf("English result screen lacks the rejection")
		}
	})
}
