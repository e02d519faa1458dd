package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/trade"
)

// chợ đêm is the form of the Friday-night livestream: Friday 27/11/2026,
// 19:00–22:00 Vietnam time, registration until Thursday 17:00, two places,
// repeated the next Friday.
func choDem() url.Values {
	return url.Values{"kind": {"livestream"}, "title": {"Chợ đêm trên mây"}, "online_url": {"https://live.example.vn/cho-dem"},
		"starts_at": {"2026-11-27T19:00"}, "ends_at": {"2026-11-27T22:00"}, "registration_deadline": {"2026-11-26T17:00"},
		"booth_capacity": {"2"}, "repeat": {"1"}, "description": {"Phiên livestream bán hàng OCOP tối thứ Sáu"}}
}

// TestTradeEvents: the office creates a weekly livestream; producers
// register within capacity and before the deadline (refusals say why and
// write nothing); the office approves and schedules a slot; the event is
// on the calendar, the home page and the ICS feed; outcomes are reported
// after the start and summed on the board.
func TestTradeEvents(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.Session(e.User(account.RoleOffice))
		bad := choDem()
		bad.Set("ends_at", "2026-11-27T18:00")
		if r := office.PostForm("/admin/trade/events", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Thời điểm kết thúc phải sau") {
			t.Errorf("event ending before it starts: %d", r.Status)
		}
		if n := countRows(t, e, "trade_events"); n != 0 {
			t.Fatalf("%d events written by a refused form", n)
		}
		r := office.PostForm("/admin/trade/events", choDem())
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		ev := lastID(t, r.Location())
		if n := countRows(t, e, "trade_events"); n != 2 {
			t.Errorf("%d events, want 2 (weekly repeat)", n)
		}

		pa, prodA := longanProducer(t, e, "HTX A", 4, 21.0, 105.8)
		pb, _ := longanProducer(t, e, "HTX B", 4, 21.0, 105.8)
		pc, _ := longanProducer(t, e, "HTX C", 4, 21.0, 105.8)
		na, nb, nc, no := e.ProducerUser(pa.ID), e.ProducerUser(pb.ID), e.ProducerUser(pc.ID), e.User(account.RoleOffice)
		ua, ub, uc := e.Session(na), e.Session(nb), e.Session(nc)
		// Sessions expire when idle: sign in again after moving the clock.
		relogin := func() { ua, ub, uc, office = e.Session(na), e.Session(nb), e.Session(nc), e.Session(no) }
		admin := "/admin/trade/events/" + ev
		if r := ua.PostForm(admin+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("A registers: %d\n%s", r.Status, r.Body)
		}
		if r := ub.PostForm(admin+"/register", url.Values{"booths": {"2"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "chỉ còn 1 trên tổng số 2") {
			t.Errorf("B over capacity: %d", r.Status)
		}
		if r := ub.PostForm(admin+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusSeeOther {
			t.Errorf("B registers: %d", r.Status)
		}
		if r := uc.PostForm(admin+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("C on a full event: %d", r.Status)
		}
		if r := ua.PostForm(admin+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusConflict {
			t.Errorf("A twice: %d", r.Status)
		}
		if n := countRows(t, e, "trade_registrations"); n != 2 {
			t.Errorf("%d registrations, want 2", n)
		}

		// Office approves A, rejects B, schedules A's slot.
		var regA, regB string
		for _, reg := range mustRegs(t, e, ev) {
			if reg.ProducerID == pa.ID {
				regA = itoa(reg.ID)
			} else {
				regB = itoa(reg.ID)
			}
		}
		if r := office.PostForm("/admin/trade/registrations/"+regA+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", r.Status, r.Body)
		}
		if r := office.PostForm("/admin/trade/registrations/"+regB+"/decide", url.Values{"decision": {"reject"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reject: %d", r.Status)
		}
		slot := url.Values{"producer_id": {itoa(pb.ID)}, "starts_at": {"2026-11-27T19:00"}, "ends_at": {"2026-11-27T19:30"}, "link": {"https://live.example.vn/a"}, "product_ids": {itoa(prodA.ID)}}
		if r := office.PostForm(admin+"/slots", slot); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("slot for a rejected producer: %d", r.Status)
		}
		slot.Set("producer_id", itoa(pa.ID))
		if r := office.PostForm(admin+"/slots", slot); r.Status != http.StatusSeeOther {
			t.Fatalf("slot: %d\n%s", r.Status, r.Body)
		}

		// Public calendar, event page, home page and ICS.
		anon := e.Anon()
		if r := anon.Get("/events"); !strings.Contains(r.Body, `id="event-`+ev+`"`) || !strings.Contains(r.Body, "19:00 27/11/2026") {
			t.Errorf("calendar:\n%s", r.Body)
		}
		if r := anon.Get("/events/" + ev); !strings.Contains(r.Body, "Long nhãn sấy HTX A") || !strings.Contains(r.Body, "https://live.example.vn/a") {
			t.Errorf("event page lacks the slot:\n%s", r.Body)
		}
		if r := anon.Get("/"); !strings.Contains(r.Body, `<a href="/events/`+ev+`">Chợ đêm trên mây</a>`) {
			t.Error("home page does not list the upcoming event")
		}
		r = anon.Get("/events.ics")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("ICS content type %q", ct)
		}
		cal, err := trade.ParseICS([]byte(r.Body))
		if err != nil {
			t.Fatalf("ICS: %v\n%s", err, r.Body)
		}
		if len(cal) != 2 || cal[0]["SUMMARY"] != "Chợ đêm trên mây" || cal[0]["DTSTART"] != "20261127T120000Z" || cal[1]["DTSTART"] != "20261204T120000Z" ||
			!strings.Contains(cal[0]["DESCRIPTION"], "HTX A: https://live.example.vn/a") || !strings.HasPrefix(cal[0]["UID"], "event-"+ev+"@") {
			t.Errorf("ICS events: %v", cal)
		}

		// Deadline passed: refused with the date.
		e.Clock.Set(e.Clock.Now().AddDate(0, 0, 4).Add(2 * 60 * 60 * 1e9)) // 26/11 11:00 UTC = 18:00 ICT
		relogin()
		if r := uc.PostForm(admin+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Đã hết hạn đăng ký (hạn chót 26/11/2026 17:00)") {
			t.Errorf("after the deadline: %d %s", r.Status, errorOf(r.Body))
		}
		// Outcomes: not before the start, then summed for the office.
		// A fresh form each time: PostForm stores the client's CSRF token in it.
		out := func() url.Values { return url.Values{"sales_vnd": {"12.500.000"}, "contacts": {"7"}, "orders": {"3"}} }
		if r := ua.PostForm("/admin/trade/registrations/"+regA+"/outcome", out()); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("outcome before the start: %d", r.Status)
		}
		e.Clock.Set(e.Clock.Now().Add(26 * 60 * 60 * 1e9))
		relogin()
		if r := ub.PostForm("/admin/trade/registrations/"+regA+"/outcome", out()); r.Status != http.StatusForbidden {
			t.Errorf("B reports A's outcome: %d", r.Status)
		}
		if r := ua.PostForm("/admin/trade/registrations/"+regA+"/outcome", out()); r.Status != http.StatusSeeOther {
			t.Fatalf("outcome: %d %s", r.Status, errorOf(r.Body))
		}
		if r := office.Get("/admin/trade/board"); !strings.Contains(r.Body, `<tr id="outcomes-total"><td><strong>Tổng cộng</strong></td><td>2</td><td>1</td><td>1</td><td>12500000</td><td>7</td><td>3</td></tr>`) {
			t.Errorf("board outcomes:\n%s", r.Body)
		}
	})
}

func mustRegs(t *testing.T, e *apptest.Env, ev string) []trade.Registration {
	t.Helper()
	var id int64
	for _, c := range ev {
		id = id*10 + int64(c-'0')
	}
	regs, err := e.App.Trade.Registrations(e.Ctx(), &account.Principal{Role: account.RoleOffice}, id)
	if err != nil {
		t.Fatal(err)
	}
	return regs
}

// errorOf extracts a page's error message (for failure output).
func errorOf(body string) string {
	i := strings.Index(body, `role="alert">`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`role="alert">`):]
	if j := strings.Index(rest, "<"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
