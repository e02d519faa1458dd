package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// TestStatsTargets: the office sets targets, sees progress, gap and pace;
// bad values are refused with messages in the user's language and nothing
// is written; a stale form is a conflict; every change is audited.
func TestStatsTargets(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.Login(e.User(account.RoleOffice))
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := e.App.DB.QueryRowContext(e.Ctx(), q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		form := func(kv ...string) url.Values {
			v := url.Values{"year": {"2026"}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		// Bad values: one message per field, in Vietnamese, nothing written.
		r := office.PostForm("/admin/stats/targets", form("value_products_year", "-3", "value_traceable_share", "120", "value_five_star_year", "abc", "value_sale_points", "2.5"))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad values: got %d, want 422", r.Status)
		}
		for _, msg := range []string{"Chỉ tiêu không được âm.", "Tỷ lệ phải từ 0 đến 100.", "Nhập một số, ví dụ 400 hoặc 12,5.", "Nhập số nguyên"} {
			if !strings.Contains(text(r), msg) {
				t.Errorf("bad values: page lacks %q", msg)
			}
		}
		if n := count("SELECT COUNT(*) FROM stats_targets"); n != 0 {
			t.Errorf("bad values wrote %d targets", n)
		}

		// Set targets: 400 products (Vietnamese decimal comma accepted for the share).
		r = office.PostForm("/admin/stats/targets", form("value_products_year", "400", "note_products_year", "Kế hoạch năm", "value_five_star_year", "30",
			"value_traceable_share", "62,5"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save: got %d %s", r.Status, r.Body)
		}
		if n := count("SELECT COUNT(*) FROM stats_targets WHERE year = 2026"); n != 3 {
			t.Errorf("targets saved: got %d, want 3", n)
		}
		if n := count("SELECT COUNT(*) FROM audit_log WHERE action = 'stats.target_set'"); n != 3 {
			t.Errorf("audit rows: got %d, want 3", n)
		}
		// Progress: nothing certified in 2026 in this empty world, two
		// months left (November, December): 200 a month. Traceability is
		// measured from the trace module's lots (none yet: 0 %), so no
		// target is left "not recorded".
		r = office.Get("/admin/stats/targets?year=2026")
		body := text(r)
		if !strings.Contains(body, "200/tháng trong 2 tháng còn lại") || strings.Contains(body, "Nền tảng chưa ghi nhận số liệu này.") {
			t.Errorf("progress: want pace 200/month over 2 months and every target measured; got %d", r.Status)
		}
		if !strings.Contains(text(office.Get("/admin/stats")), "200/tháng trong 2 tháng còn lại") {
			t.Error("the dashboard does not show the targets")
		}

		// A stale form (version 0 for an existing target) is a conflict;
		// the current version succeeds; an empty value removes it.
		r = office.PostForm("/admin/stats/targets", form("value_products_year", "500", "version_products_year", "0"))
		if r.Status != http.StatusConflict {
			t.Errorf("stale form: got %d, want 409", r.Status)
		}
		r = office.PostForm("/admin/stats/targets", form("value_products_year", "500", "version_products_year", "1", "value_five_star_year", "30",
			"version_five_star_year", "1", "value_traceable_share", "62.5", "version_traceable_share", "1"))
		if r.Status != http.StatusSeeOther || count("SELECT COUNT(*) FROM stats_targets WHERE metric = 'products_year' AND value = 500 AND version = 2") != 1 {
			t.Errorf("update: got %d", r.Status)
		}
		if n := count("SELECT COUNT(*) FROM audit_log WHERE action = 'stats.target_set'"); n != 4 {
			t.Errorf("audit rows after one change: got %d, want 4 (unchanged targets are not re-audited)", n)
		}
		r = office.PostForm("/admin/stats/targets", form("value_products_year", "", "version_products_year", "2", "value_five_star_year", "30",
			"version_five_star_year", "1", "value_traceable_share", "62.5", "version_traceable_share", "1"))
		if r.Status != http.StatusSeeOther || count("SELECT COUNT(*) FROM stats_targets WHERE metric = 'products_year'") != 0 ||
			count("SELECT COUNT(*) FROM audit_log WHERE action = 'stats.target_delete'") != 1 {
			t.Errorf("remove: got %d", r.Status)
		}
		// In English (the choice sticks) for an English-speaking user.
		r = office.PostForm("/admin/stats/targets?lang=en", form("value_products_year", "-3"))
		if !strings.Contains(text(r), "A target cannot be negative.") {
			t.Errorf("English message missing: %d", r.Status)
		}
		// Commune officers read the dashboard but do not set targets.
		officer := e.Login(e.User(account.RoleCommune, "00577"))
		if r := officer.PostForm("/admin/stats/targets", form("value_products_year", "1")); r.Status != http.StatusForbidden {
			t.Errorf("officer sets targets: got %d, want 403", r.Status)
		}
	})
}
