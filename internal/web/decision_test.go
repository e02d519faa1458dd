package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

// Every refused decision answers 403, 409 or 422 with a clear message and
// writes nothing: wrong role, a number already used, a dossier already
// decided, not scored or without a result, bad dates, dossiers of two
// authorities in one decision.
func TestDecisionRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("HTX Nông sản Sóc Sơn", "00004")
		p1 := e.Product(a.ID, "Mứt gừng", "I.3.c")
		p2 := e.Product(a.ID, "Bún khô", "I.3.b")
		p3 := e.Product(a.ID, "Chả mực", "I.3.d")
		p4 := e.Product(a.ID, "Nước mắm", "I.4.a")
		p5 := e.Product(a.ID, "Cà phê", "I.6")
		d1 := f.scored(p1, evaluation.LevelProvince, 74, evaluation.Star4, evaluation.Star4)
		d2 := f.scored(p2, evaluation.LevelProvince, 58, evaluation.Star3, evaluation.Star3)
		dMin := f.scored(p3, evaluation.LevelMinistry, 91, evaluation.Star5, evaluation.Star5)
		dAcc := f.dossier(p4, "first", evaluation.StateAccepted)
		dNoRes := f.dossier(p5, "first", evaluation.StateScored)
		office := e.Login(e.User(account.RoleOffice))
		f.decide(office, "1/QĐ-UBND", "2026-11-20", d1)

		form := func(number, on, signer string, ids ...int64) url.Values {
			v := url.Values{"number": {number}, "decided_on": {on}, "signer": {signer}}
			for _, id := range ids {
				v.Add("dossier", itoa(id))
			}
			return v
		}
		ok := func(ids ...int64) url.Values { return form("2/QĐ-UBND", "2026-11-20", "Nguyễn Văn B", ids...) }
		for _, tt := range []struct {
			name   string
			role   account.Role
			form   url.Values
			status int
			want   string
		}{
			{"council member", account.RoleCouncil, ok(d2), http.StatusForbidden, ""},
			{"commune officer", account.RoleCommune, ok(d2), http.StatusForbidden, ""},
			{"producer", account.RoleProducer, ok(d2), http.StatusForbidden, ""},
			{"number already used", account.RoleOffice, form("1/QĐ-UBND", "2026-11-20", "Nguyễn Văn B", d2), http.StatusConflict, "Số quyết định 1/QĐ-UBND đã được dùng"},
			{"dossier already decided", account.RoleOffice, ok(d1), http.StatusConflict, "không ở trạng thái đã chấm điểm"},
			{"dossier not scored", account.RoleOffice, ok(dAcc), http.StatusConflict, "không ở trạng thái đã chấm điểm"},
			{"scored without a result", account.RoleOffice, ok(dNoRes), http.StatusConflict, "chưa có kết quả của hội đồng"},
			{"unknown dossier", account.RoleOffice, ok(999999), http.StatusUnprocessableEntity, "Không có hồ sơ số 999999"},
			{"no dossier ticked", account.RoleOffice, ok(), http.StatusUnprocessableEntity, "Chọn ít nhất một hồ sơ"},
			{"no signer", account.RoleOffice, form("2/QĐ-UBND", "2026-11-20", " ", d2), http.StatusUnprocessableEntity, "bắt buộc"},
			{"date in the future", account.RoleOffice, form("2/QĐ-UBND", "2026-12-01", "B", d2), http.StatusUnprocessableEntity, "không thể sau hôm nay"},
			{"date not a date", account.RoleOffice, form("2/QĐ-UBND", "20/11/2026", "B", d2), http.StatusUnprocessableEntity, "Ngày không hợp lệ"},
			{"date before the council's result", account.RoleOffice, form("2/QĐ-UBND", "2026-10-01", "B", d2), http.StatusUnprocessableEntity, "trước ngày có kết quả"},
			{"two authorities in one decision", account.RoleOffice, ok(d2, dMin), http.StatusUnprocessableEntity, "thẩm quyền công nhận khác nhau"},
		} {
			c := office
			if tt.role != account.RoleOffice {
				c = e.Session(e.User(tt.role, "00004"))
			}
			r := c.PostForm("/admin/decisions", tt.form)
			if r.Status != tt.status || !strings.Contains(text(r), tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM decisions":                                      1,
			"SELECT COUNT(*) FROM certificates":                                   1,
			"SELECT COUNT(*) FROM decision_items":                                 1,
			"SELECT COUNT(*) FROM audit_log WHERE action = 'decision.create'":     1,
			"SELECT COUNT(*) FROM dossiers WHERE state = 'scored'":                3,
			"SELECT COUNT(*) FROM dossier_events":                                 1,
			"SELECT COUNT(*) FROM code_sequences WHERE scope LIKE 'certificate%'": 1,
		} {
			if n := f.count(q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		// The page re-renders the refused form with what was typed.
		r := office.PostForm("/admin/decisions", form("3/QĐ-UBND", "2026-11-20", "", d2))
		if !strings.Contains(r.Body, `value="3/QĐ-UBND"`) || !strings.Contains(r.Body, `value="`+itoa(d2)+`" id="dossier-`+itoa(d2)+`" aria-label="Bún khô" checked`) {
			t.Errorf("refused form lost its values:\n%s", r.Body)
		}
		// The Ministry's 5★ result alone is a decision of the Ministry.
		f.decide(office, "12/QĐ-BNNMT", "2026-11-20", dMin)
		var auth string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT authority FROM decisions WHERE number = '12/QĐ-BNNMT'").Scan(&auth); err != nil || auth != "ministry" {
			t.Errorf("Ministry decision authority %q (err %v)", auth, err)
		}
		for _, tt := range []struct {
			role   account.Role
			path   string
			status int
		}{
			{account.RoleCouncil, "/admin/decisions", http.StatusForbidden},
			{account.RoleCommune, "/admin/decisions", http.StatusForbidden},
			{account.RoleProducer, "/admin/decisions/1", http.StatusForbidden},
			{account.RoleAdmin, "/admin/decisions", http.StatusOK},
			{account.RoleAdmin, "/admin/decisions/999999", http.StatusNotFound},
		} {
			if r := e.Session(e.User(tt.role, "00004")).Get(tt.path); r.Status != tt.status {
				t.Errorf("GET %s as %s: status %d, want %d", tt.path, tt.role, r.Status, tt.status)
			}
		}
	})
}
