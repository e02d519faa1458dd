package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/market"
	"ocop/internal/trade"
)

// TestTradeJourney is issue 7's "done when", as new users would do it
// through the pages: an AEON buyer signs up and is verified by the office,
// posts a demand for 2 tonnes a month of 4★+ dried longan with HACCP for
// Japan, sees the ranked producers with the reasons, contacts the first;
// that producer sees the message and answers; a producer registers for
// the Friday-night livestream and the event is in the ICS calendar.
func TestTradeJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		// Producers with dried longan: Hưng Yên (4★, HACCP offer), Hà Nội (5★, no HACCP), 3★ (below the minimum).
		hy, _ := longanProducer(t, e, "HTX Long nhãn Hưng Yên", 4, 20.85, 106.02)
		longanProducer(t, e, "HTX Nông sản Hà Nội", 5, 21.03, 105.85)
		longanProducer(t, e, "Hộ Long nhãn 3 sao", 3, 21.0, 105.8)
		// HACCP on record for Hưng Yên (market's certification records,
		// wired into the engine as app is asked to do).
		e.App.Trade.UseCertifications(trade.MarketCertifications(e.App.Market))
		if _, err := e.App.Market.CreateCertification(e.Ctx(), principal0(t, e), market.CertificationInput{ProducerID: hy.ID, Kind: "haccp",
			Number: "HACCP-2026-0142", Issuer: "Trung tâm Chứng nhận phù hợp", ValidFrom: "2026-01-15", ValidUntil: "2029-01-14"}); err != nil {
			t.Fatal(err)
		}
		hyName := e.ProducerUser(hy.ID)
		hyc := e.Login(hyName)
		if r := hyc.PostForm("/admin/trade/offers", url.Values{"title": {"Long nhãn sấy xuất khẩu"}, "category_code": {"I.3.c"}, "capacity": {"2.5"},
			"unit": {"tonne"}, "frequency": {"monthly"}, "certifications": {"haccp", "vietgap"}, "markets": {"japan"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("offer: %d %s", r.Status, errorOf(r.Body))
		}

		// AEON signs up; the office verifies it.
		anon := e.Anon()
		if r := anon.PostForm("/signup/buyer", url.Values{"username": {"aeon.vn"}, "display_name": {"Nguyễn Thu Hà"}, "email": {"thuha@aeon.example.vn"},
			"phone": {"0243 123 4567"}, "password": {"mua-hang-an-toan-2026"}, "organisation": {"AEON Việt Nam"}, "buyer_kind": {"retail_chain"}}); r.Status != http.StatusOK {
			t.Fatalf("sign-up: %d %s", r.Status, errorOf(r.Body))
		}
		u, err := e.App.Accounts.UserByName(e.Ctx(), "aeon.vn")
		if err != nil {
			t.Fatal(err)
		}
		buyer := e.Anon()
		if r := buyer.PostForm("/login", url.Values{"username": {"aeon.vn"}, "password": {"mua-hang-an-toan-2026"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
		buyer.Get("/account")
		if r := buyer.PostForm("/admin/trade/demands", longanDemand()); r.Status != http.StatusForbidden {
			t.Errorf("unverified AEON posts: %d", r.Status)
		}
		office := e.Login(e.User(account.RoleOffice))
		if r := office.PostForm("/admin/buyers/"+itoa(u.ID)+"/verify", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("verify: %d", r.Status)
		}

		// The demand, the ranking and its reasons.
		form := url.Values{"title": {"Long nhãn sấy 4 sao cho thị trường Nhật"}, "category_code": {"I.3.c"}, "keywords": {"long nhãn"},
			"quantity": {"2"}, "unit": {"tonne"}, "frequency": {"monthly"}, "min_star": {"4"}, "certifications": {"haccp"},
			"target_market": {"japan"}, "delivery_area": {"Kho AEON Long Biên, Hà Nội"}, "delivery_lat": {"21,0475"}, "delivery_lon": {"105,8900"}}
		r := buyer.PostForm("/admin/trade/demands", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("demand: %d %s", r.Status, errorOf(r.Body))
		}
		page := buyer.Get(r.Location())
		ranks := regexp.MustCompile(`<h3><span class="rank">#(\d+)</span> <a href="/producers/(\d+)">([^<]+)</a>`).FindAllStringSubmatch(page.Body, -1)
		if len(ranks) != 2 || ranks[0][3] != "HTX Long nhãn Hưng Yên" || ranks[1][3] != "HTX Nông sản Hà Nội" {
			t.Fatalf("ranking: %v\n%s", ranks, page.Body)
		}
		for _, why := range []string{"Long nhãn sấy HTX Long nhãn Hưng Yên: hạng 4 sao", "Có chứng nhận đã xác minh: HACCP", "đáp ứng 100% nhu cầu (2500 kg mỗi tháng)",
			"Đã cung ứng cho thị trường Nhật Bản", "Thiếu chứng nhận yêu cầu: HACCP", "Chưa đăng chào bán"} {
			if !strings.Contains(page.Body, why) {
				t.Errorf("reasons lack %q", why)
			}
		}
		if strings.Contains(page.Body, "Hộ Long nhãn 3 sao") {
			t.Error("a 3★ producer is ranked for a 4★+ demand")
		}

		// Contact the first; the producer sees it and answers.
		r = buyer.PostForm(r.Location()+"/contact", url.Values{"producer_id": {ranks[0][2]}, "message": {"AEON cần 2 tấn long nhãn sấy mỗi tháng cho Nhật, xin báo giá và mẫu."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("contact: %d %s", r.Status, errorOf(r.Body))
		}
		lead := r.Location()
		list := hyc.Get("/admin/trade/leads")
		if !strings.Contains(list.Body, `href="`+lead+`"`) || !strings.Contains(list.Body, "AEON Việt Nam") {
			t.Fatalf("the producer does not see the lead:\n%s", list.Body)
		}
		if r := hyc.Get(lead); !strings.Contains(r.Body, "xin báo giá và mẫu") {
			t.Error("the producer does not see the message")
		}
		if r := hyc.PostForm(lead+"/reply", url.Values{"message": {"Chào AEON, HTX gửi mẫu và báo giá trong tuần."}, "state": {"sample_sent"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", r.Status, errorOf(r.Body))
		}
		if r := buyer.Get(lead); !strings.Contains(r.Body, "HTX gửi mẫu và báo giá trong tuần") || !strings.Contains(r.Body, "Đã gửi mẫu") {
			t.Error("the buyer does not see the answer")
		}

		// The Friday-night livestream: the office announces it, the producer registers, the calendar has it.
		if r := office.PostForm("/admin/trade/events", choDem()); r.Status != http.StatusSeeOther {
			t.Fatalf("event: %d %s", r.Status, errorOf(r.Body))
		} else {
			ev := r.Location()
			if r := hyc.PostForm(ev+"/register", url.Values{"booths": {"1"}, "note": {"Giới thiệu long nhãn sấy"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("register: %d %s", r.Status, errorOf(r.Body))
			}
			if r := hyc.Get("/admin/trade/events"); !strings.Contains(r.Body, "Chợ đêm trên mây") || !strings.Contains(r.Body, "Chờ duyệt") {
				t.Error("the producer's registrations do not list the livestream")
			}
		}
		cal, err := trade.ParseICS([]byte(anon.Get("/events.ics").Body))
		if err != nil {
			t.Fatal(err)
		}
		if len(cal) == 0 || cal[0]["SUMMARY"] != "Chợ đêm trên mây" || cal[0]["DTSTART"] != "20261127T120000Z" {
			t.Errorf("calendar: %v", cal)
		}
	})
}
