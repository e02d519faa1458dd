package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// TestTradeSupport: support is recorded against a programme's budget and
// refused over it (nothing written); a producer sees only its own support;
// courses take registrations up to their capacity, attendance is marked
// and the producers not yet reached are listed.
func TestTradeSupport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.Session(e.User(account.RoleOffice))
		a := e.Producer("HTX Mây tre A", "00577")
		b := e.Producer("HTX Lụa B", "00008")
		c := e.Producer("Hộ Gốm C", "00577")
		ua, ub := e.Session(e.ProducerUser(a.ID)), e.Session(e.ProducerUser(b.ID))

		r := office.PostForm("/admin/trade/programmes", url.Values{"kind": {"packaging_design"}, "name": {"Thiết kế bao bì 2026"}, "year": {"2026"}, "budget_vnd": {"50.000.000"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("programme: %d\n%s", r.Status, r.Body)
		}
		prog := r.Location()
		grant := func(producer int64, amount string) *apptest.Response {
			return office.PostForm(prog+"/grants", url.Values{"producer_id": {itoa(producer)}, "amount_vnd": {amount}, "note": {"Thiết kế nhãn"}})
		}
		if r := grant(a.ID, "30.000.000"); r.Status != http.StatusSeeOther {
			t.Fatalf("grant: %d\n%s", r.Status, r.Body)
		}
		if r := grant(b.ID, "25.000.000"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "chỉ còn 20000000 đồng trên tổng 50000000 đồng") {
			t.Errorf("over budget: %d %s", r.Status, errorOf(r.Body))
		}
		if r := grant(b.ID, "20.000.000"); r.Status != http.StatusSeeOther {
			t.Errorf("the rest of the budget: %d", r.Status)
		}
		if n := countRows(t, e, "trade_support"); n != 2 {
			t.Errorf("%d grants, want 2", n)
		}
		if r := office.Get(prog); !strings.Contains(r.Body, `<strong id="remaining">0</strong>`) {
			t.Error("programme page: remaining budget not 0")
		}
		if r := ua.Get("/admin/trade/programmes"); !strings.Contains(r.Body, "30000000") || strings.Contains(r.Body, "20000000") {
			t.Error("producer A must see its own support only")
		}
		if r := ua.Get(prog); r.Status != http.StatusForbidden {
			t.Errorf("producer reads the programme: %d", r.Status)
		}

		// A course of two places.
		r = office.PostForm("/admin/trade/courses", url.Values{"topic": {"livestream"}, "title": {"Bán hàng qua livestream"}, "place": {"Trung tâm Xúc tiến"}, "starts_at": {"2026-12-05T08:00"}, "capacity": {"2"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("course: %d\n%s", r.Status, r.Body)
		}
		course := r.Location()
		if r := ua.PostForm(course+"/register", nil); r.Status != http.StatusSeeOther {
			t.Errorf("A registers: %d", r.Status)
		}
		if r := ua.PostForm(course+"/register", url.Values{"producer_id": {itoa(b.ID)}}); r.Status != http.StatusForbidden {
			t.Errorf("A registers B: %d", r.Status)
		}
		if r := ub.PostForm(course+"/register", nil); r.Status != http.StatusSeeOther {
			t.Errorf("B registers: %d", r.Status)
		}
		if r := office.PostForm(course+"/register", url.Values{"producer_id": {itoa(c.ID)}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Lớp đã đủ 2 học viên") {
			t.Errorf("third on a two-place course: %d", r.Status)
		}
		if r := ub.Get(course); strings.Contains(r.Body, "HTX Mây tre A") {
			t.Error("producer B sees the other participants")
		}
		// A attended, B did not: B and C are not reached yet.
		if r := office.PostForm(course+"/attendance", url.Values{"participant": {itoa(a.ID), itoa(b.ID)}, "present": {itoa(a.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("attendance: %d", r.Status)
		}
		page := office.Get("/admin/trade/courses")
		i := strings.Index(page.Body, `id="not-reached"`)
		if i < 0 {
			t.Fatal("no not-reached section")
		}
		nr := page.Body[i:]
		if strings.Contains(nr, "HTX Mây tre A") || !strings.Contains(nr, "HTX Lụa B") || !strings.Contains(nr, "Hộ Gốm C") {
			t.Errorf("not reached:\n%s", nr)
		}
	})
}
