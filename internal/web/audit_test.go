package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// The audit log shows every change with its record before and after; the
// province sees everything, a commune officer only their communes' rows.
func TestAuditLog(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		officerA := e.User(account.RoleCommune, "00004")
		officerB := e.User(account.RoleCommune, "00008")
		a, b := e.Login(officerA), e.Login(officerB)
		mine := url.Values{"name": {"HTX Chè Ba Đình"}, "kind": {"cooperative"}, "commune_code": {"00004"}}
		r := a.PostForm("/admin/producers", mine)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create producer A: got %d, want 303", r.Status)
		}
		id := strings.TrimPrefix(r.Location(), "/admin/producers/")
		mine.Set("name", "HTX Chè <b>Ba Đình</b> Xanh")
		mine.Set("version", "1")
		if r := a.PostForm("/admin/producers/"+id, mine); r.Status != http.StatusSeeOther {
			t.Fatalf("edit producer A: got %d, want 303", r.Status)
		}
		if r := b.PostForm("/admin/producers", url.Values{"name": {"HTX Hoa Ngọc Hà"}, "kind": {"cooperative"}, "commune_code": {"00008"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("create producer B: got %d, want 303", r.Status)
		}

		office := e.Login(e.User(account.RoleOffice))
		r = office.Get("/admin/audit")
		if r.Status != http.StatusOK {
			t.Fatalf("office audit page: got %d, want 200", r.Status)
		}
		for _, want := range []string{"producer.create", "producer.update", "HTX Hoa Ngọc Hà", officerA, "<details>", "Trước", "Sau",
			"&#34;name&#34;: &#34;HTX Chè Ba Đình&#34;", "HTX Chè &lt;b&gt;Ba Đình&lt;/b&gt; Xanh"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("office audit page lacks %q", want)
			}
		}
		if strings.Contains(r.Body, "<b>Ba Đình</b>") {
			t.Errorf("audit page shows markup from a record unescaped")
		}

		// Officer A sees the rows of Ba Đình only.
		r = a.Get("/admin/audit")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "HTX Chè Ba Đình") || strings.Contains(r.Body, "HTX Hoa Ngọc Hà") {
			t.Errorf("officer A's audit page: status %d, has own %v, has other commune's %v; want 200, true, false",
				r.Status, strings.Contains(r.Body, "HTX Chè Ba Đình"), strings.Contains(r.Body, "HTX Hoa Ngọc Hà"))
		}
		if r := a.Get("/admin/audit?actor=" + officerB); strings.Contains(r.Body, "HTX Hoa Ngọc Hà") {
			t.Errorf("officer A reaches another commune's rows through a filter")
		}

		// Filters, on the office's page.
		for _, tt := range []struct {
			query     string
			want, not string
			wantTotal string
		}{
			{"entity=producer&entity_id=" + id, "HTX Chè Ba Đình", "HTX Hoa Ngọc Hà", "2 kết quả"},
			{"action=producer.upd", "producer.update", "HTX Hoa Ngọc Hà", "1 kết quả"},
			{"actor=" + officerB + "&entity=producer", "HTX Hoa Ngọc Hà", "HTX Chè Ba Đình", "1 kết quả"},
			{"action=producer_", "", "HTX Chè", "0 kết quả"}, // "_" is not a wildcard
			{"from=2000-01-01&to=2000-12-31", "", "HTX Chè", "0 kết quả"},
			{"from=2000-01-01&entity=producer", "HTX Hoa Ngọc Hà", "", "3 kết quả"},
		} {
			r := office.Get("/admin/audit?" + tt.query)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, tt.wantTotal) {
				t.Errorf("?%s: status %d, want 200 with %q", tt.query, r.Status, tt.wantTotal)
			}
			if tt.want != "" && !strings.Contains(r.Body, tt.want) {
				t.Errorf("?%s: page lacks %q", tt.query, tt.want)
			}
			if tt.not != "" && strings.Contains(r.Body, tt.not) {
				t.Errorf("?%s: page has %q", tt.query, tt.not)
			}
		}
		if r := office.Get("/admin/audit?from=01/07/2026"); r.Status != http.StatusOK || !strings.Contains(r.Body, "năm-tháng-ngày") {
			t.Errorf("bad date: status %d, want 200 with the date format message", r.Status)
		}

		// The CSV export holds the filtered rows, within the same scope.
		r = a.Get("/admin/audit/export.csv?entity=producer")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: got %d %q, want 200 text/csv", r.Status, r.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("export is not CSV: %v", err)
		}
		if len(recs) != 3 || recs[0][0] != "id" || recs[1][3] != "producer.update" || recs[2][3] != "producer.create" {
			t.Errorf("officer A's export: got %v, want a header and the update and create of producer %s", recs, id)
		}
		if strings.Contains(r.Body, "HTX Hoa Ngọc Hà") {
			t.Errorf("officer A's export holds another commune's row")
		}

		for _, role := range []account.Role{account.RoleCouncil, account.RoleProducer, account.RoleBuyer, account.RoleSalePoint} {
			c := e.Login(e.User(role))
			for _, path := range []string{"/admin/audit", "/admin/audit/export.csv"} {
				if r := c.Get(path); r.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: got %d, want 403", role, path, r.Status)
				}
			}
		}
	})
}
