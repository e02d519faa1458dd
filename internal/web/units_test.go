package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// unitItem returns the part of the lookup page that describes the unit
// whose heading line carries marker (e.g. "mã 00583"): from its name up to
// the next unit.
func unitItem(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	start := max(strings.LastIndex(body[:i], "<strong>"), 0)
	rest := body[start:]
	if j := strings.Index(rest[len("<strong>"):], "<strong>"); j >= 0 {
		rest = rest[:j+len("<strong>")]
	}
	return rest
}

func TestUnitsLookup(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleProducer))
		get := func(q string) string {
			t.Helper()
			r := c.Get("/admin/units?" + q)
			if r.Status != 200 {
				t.Fatalf("GET /admin/units?%s: status %d", q, r.Status)
			}
			return r.Body
		}
		for _, tt := range []struct {
			name, query, marker string
			want, notWant       []string
		}{
			{
				// The old commune of the pottery village was split in 2025:
				// the page lists each current unit it went to, as a part,
				// and tells the officer how to choose.
				name: "old commune, split", query: "q=bat+trang", marker: "Xã/phường/thị trấn cũ · mã 00583",
				want: []string{"Huyện Gia Lâm", "Xã Bát Tràng (mã 00577) — một phần", "Phường Long Biên (mã 00145) — một phần", "Xã Gia Lâm (mã 00565) — một phần", "theo thôn/xóm hoặc tên đường"},
			},
			{
				// The current commune of the same name, made of old ones.
				name: "current commune", query: "q=" + url.QueryEscape("Bát Tràng"), marker: "Xã/phường hiện nay · mã 00577",
				want: []string{"Hình thành từ", "Xã Kim Đức, Huyện Gia Lâm (mã 00589) — toàn bộ", "Xã Đa Tốn, Huyện Gia Lâm (mã 00577) — một phần", "Phường Thạch Bàn, Quận Long Biên (mã 00148) — một phần"},
			},
			{
				name: "old commune that went whole", query: "q=kim+duc", marker: "mã 00589",
				want: []string{"Xã Kim Đức", "Xã Bát Tràng (mã 00577) — toàn bộ"}, notWant: []string{"theo thôn/xóm"},
			},
			{
				name: "old district", query: "q=" + url.QueryEscape("huyện gia lâm"), marker: "Quận/huyện cũ · mã 018",
				want: []string{"Huyện Gia Lâm", "Xã Bát Tràng (mã 00577)", "Xã Gia Lâm (mã 00565)"},
			},
			{
				// Codes were reused: 00577 is both the current Xã Bát Tràng
				// and the old Xã Đa Tốn.
				name: "by code", query: "q=00577", marker: "Xã/phường/thị trấn cũ · mã 00577",
				want: []string{"Xã Đa Tốn", "Xã Bát Tràng (mã 00577) — một phần"},
			},
			{
				name: "Hanoi only by default", query: "q=" + url.QueryEscape("Ba Chẽ"), marker: "mã 06978",
			},
			{
				name: "all provinces", query: "all=1&q=" + url.QueryEscape("Ba Chẽ"), marker: "Xã/phường hiện nay · mã 06978",
				want: []string{"Tỉnh Quảng Ninh", "Thị trấn Ba Chẽ"},
			},
		} {
			body := get(tt.query)
			item := unitItem(body, tt.marker)
			if tt.want == nil {
				if item != "" {
					t.Errorf("%s: found %q, want nothing", tt.name, tt.marker)
				}
				continue
			}
			if item == "" {
				t.Errorf("%s: no unit with %q in the results", tt.name, tt.marker)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(item, w) {
					t.Errorf("%s: missing %q in\n%s", tt.name, w, item)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(item, w) {
					t.Errorf("%s: unexpected %q", tt.name, w)
				}
			}
		}
		// The current commune is also found in English and without marks.
		en := e.Login(e.User(account.RoleBuyer))
		if r := en.Get("/admin/units?q=BAT+TRANG&lang=en"); r.Status != 200 || !strings.Contains(unitItem(r.Body, "Current commune/ward · code 00577"), "Made from the former units") {
			t.Errorf("English page: current Bát Tràng not explained")
		}

		// Odd queries give 200 and an empty (or short) list, never 500.
		for _, q := range []string{
			"", "q=", "q=+++", "q=" + url.QueryEscape(strings.Repeat("ă", 5000)), "q=%00", "q=" + url.QueryEscape(`"*)(%_`),
			"q=" + url.QueryEscape("xã"), "q=999999999", "q=0", "all=yes&q=a", "q=" + url.QueryEscape("<script>alert(1)</script>"),
		} {
			r := c.Get("/admin/units?" + q)
			if r.Status != 200 || strings.Contains(r.Body, "<script>alert") {
				t.Errorf("GET /admin/units?%s: status %d (or unescaped script)", q, r.Status)
			}
		}
		// A one-letter query over every province is cut at 100 results.
		if body := get("all=1&q=a"); !strings.Contains(body, "100 kết quả") || !strings.Contains(body, "chỉ hiển thị 100 kết quả đầu") {
			t.Errorf("broad query: want the result count capped at 100 with a note")
		}
		if r := e.Anon().Get("/admin/units?q=bat+trang"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("anonymous lookup: status %d, location %q, want a redirect to /login", r.Status, r.Location())
		}
	})
}
