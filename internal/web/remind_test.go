package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/mail/mailtest"
	"ocop/internal/market"
)

var remindNoticeID = regexp.MustCompile(`id="notice-(\d+)"`)

// TestTradeLeadNotices, on both engines: a buyer's contact is a notice for
// the producer's verified accounts (in /admin/notices, opening to the
// lead, an e-mail queued with a link to it), never for an unverified
// account; the producer's answer and each move of the lead are notices for
// the other party, and so is the buyer's follow-up message; a refused
// contact notifies nobody.
func TestTradeLeadNotices(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a, _ := longanProducer(t, e, "HTX Long nhãn A", 0, 21.03, 105.85)
		owner, err := e.App.Accounts.CreateUser(e.Ctx(), nil, account.NewUser{Username: "nhanowner", DisplayName: "Chủ nhiệm HTX",
			Email: "nhan@example.vn", Role: account.RoleProducer, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := e.App.Accounts.CreateUser(e.Ctx(), nil, account.NewUser{Username: "nhanpending", DisplayName: "Chưa xác minh",
			Email: "pending@example.vn", Role: account.RoleProducer, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		for id, status := range map[int64]string{owner.ID: "verified", pending.ID: "pending"} {
			if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
				VALUES (?, ?, ?, '', ?)`, id, a.ID, status, db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		ua := e.Session("nhanowner")
		buyerName := tradeBuyer(t, e, "AEON Việt Nam", true)
		aeon := e.Session(buyerName)
		notifications := func(user int64) int {
			t.Helper()
			var n int
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM notifications WHERE user_id = ?", user).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		buyer, err := e.App.Accounts.UserByName(e.Ctx(), buyerName)
		if err != nil {
			t.Fatal(err)
		}

		r := aeon.PostForm("/admin/trade/demands", longanDemand())
		if r.Status != http.StatusSeeOther {
			t.Fatalf("demand: %d\n%s", r.Status, r.Body)
		}
		demand := "/admin/trade/demands/" + lastID(t, r.Location())
		r = aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(a.ID)}, "message": {"Chào HTX, AEON cần 2 tấn long nhãn/tháng."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("contact: %d\n%s", r.Status, r.Body)
		}
		lead := "/admin/trade/leads/" + lastID(t, r.Location())

		// The producer's account sees the contact and opens the lead from it.
		page := ua.Get("/admin/notices")
		for _, want := range []string{"Người mua liên hệ", "Nhu cầu “Long nhãn sấy 4 sao cho Nhật”: người mua đã xác minh AEON Việt Nam liên hệ HTX Long nhãn A"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("producer's notices lack %q\n%s", want, page.Body)
			}
		}
		m := remindNoticeID.FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no notice in the producer's list\n%s", page.Body)
		}
		if r := ua.PostForm("/admin/notices/"+m[1]+"/read", url.Values{"open": {"1"}}); r.Status != http.StatusSeeOther || r.Location() != lead {
			t.Errorf("open the notice: %d → %q, want %s", r.Status, r.Location(), lead)
		}
		if n := notifications(pending.ID); n != 0 {
			t.Errorf("unverified producer account: %d notifications, want 0", n)
		}
		if n := notifications(buyer.ID); n != 0 {
			t.Errorf("the buyer is notified of its own contact: %d", n)
		}
		// A refused contact (the same producer again) writes no notice.
		if r := aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(a.ID)}, "message": {"lần nữa"}}); r.Status != http.StatusConflict {
			t.Errorf("second contact: %d", r.Status)
		}
		if n := notifications(owner.ID); n != 1 {
			t.Errorf("after a refused contact the producer has %d notifications, want 1", n)
		}

		// The producer answers and moves the lead: the buyer sees it.
		if r := ua.PostForm(lead+"/reply", url.Values{"message": {"Chúng tôi gửi mẫu tuần này"}, "state": {"sample_sent"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", r.Status, r.Body)
		}
		page = aeon.Get("/admin/notices")
		for _, want := range []string{"Cập nhật trao đổi", "Nhu cầu “Long nhãn sấy 4 sao cho Nhật”: HTX Long nhãn A chuyển trao đổi sang “Đã gửi mẫu”."} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("buyer's notices lack %q\n%s", want, page.Body)
			}
		}
		if r := ua.PostForm(lead+"/reply", url.Values{"message": {"Mẫu đã gửi qua Viettel Post"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("second reply: %d\n%s", r.Status, r.Body)
		}
		page = aeon.Get("/admin/notices")
		if want := "Nhu cầu “Long nhãn sấy 4 sao cho Nhật”: HTX Long nhãn A đã trả lời liên hệ của bạn."; !strings.Contains(page.Body, want) {
			t.Errorf("buyer's notices lack %q\n%s", want, page.Body)
		}
		m = remindNoticeID.FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no notice in the buyer's list\n%s", page.Body)
		}
		if r := aeon.PostForm("/admin/notices/"+m[1]+"/read", url.Values{"open": {"1"}}); r.Status != http.StatusSeeOther || r.Location() != lead {
			t.Errorf("buyer opens the notice: %d → %q, want %s", r.Status, r.Location(), lead)
		}

		// The buyer's follow-up message is news to the producer; so is its move.
		if r := aeon.PostForm(lead+"/reply", url.Values{"message": {"Đã nhận mẫu, cảm ơn"}, "version": {"3"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("buyer's message: %d\n%s", r.Status, r.Body)
		}
		if n := notifications(owner.ID); n != 2 {
			t.Errorf("after the buyer's message the producer has %d notifications, want 2", n)
		}
		if page := ua.Get("/admin/notices"); !strings.Contains(page.Body, "AEON Việt Nam đã gửi tin nhắn mới.") {
			t.Errorf("producer's notices lack the buyer's message\n%s", page.Body)
		}
		if r := aeon.PostForm(lead+"/reply", url.Values{"state": {"ordered"}, "version": {"4"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("buyer orders: %d\n%s", r.Status, r.Body)
		}
		if page := ua.Get("/admin/notices"); !strings.Contains(page.Body, "AEON Việt Nam chuyển trao đổi sang “Đã đặt hàng”.") {
			t.Errorf("producer's notices lack the order\n%s", page.Body)
		}

		// The e-mail copies go out with the jobs, in each one's language,
		// with the link to the lead.
		mailer := &mailtest.Recorder{}
		jobs := evaluation.NewJobs(e.App.Evaluation, evaluation.JobOptions{Mailer: mailer, Catalog: e.App.Catalog, BaseURL: "https://ocop.example.vn"})
		rep, err := jobs.DeliverEmails(e.Ctx())
		if err != nil || rep.Sent != 5 || rep.Failed != 0 {
			t.Fatalf("deliver: %+v, %v; want 5 sent (3 to the producer, 2 to the buyer)", rep, err)
		}
		var sawContact, sawReply bool
		for _, s := range mailer.Sent() {
			switch s.To[0] {
			case "nhan@example.vn":
				sawContact = sawContact || s.Subject == "Người mua liên hệ về nhu cầu: Long nhãn sấy 4 sao cho Nhật" &&
					strings.Contains(s.Body, "https://ocop.example.vn"+lead)
			case buyerName + "@example.vn":
				sawReply = sawReply || s.Subject == "Chủ thể đã trả lời: Long nhãn sấy 4 sao cho Nhật"
			}
		}
		if !sawContact || !sawReply {
			t.Errorf("e-mails: contact %v, reply %v; want both\n%+v", sawContact, sawReply, mailer.Sent())
		}
	})
}

// TestCertificationReminderNotice, on both engines: the app's jobs send
// the expiry reminder of a certification; the producer's account and the
// commune officer read it in /admin/notices and open the product's market
// page from it.
func TestCertificationReminderNotice(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Ô mai Hàng Đường", "00004")
		x := e.Product(pr.ID, "Ô mai mơ gừng", "I.3.c")
		owner, officer := e.Session(e.ProducerUser(pr.ID)), e.Session(e.User(account.RoleCommune, "00004"))
		// Today is 22/11/2026 in Hanoi: valid through 02/12/2026, 10 days left.
		if _, err := e.App.Market.CreateCertification(e.Ctx(), e.Admin(), market.CertificationInput{ProducerID: pr.ID, ProductID: &x.ID, Kind: "vietgap",
			Number: "VG-01", Issuer: "Chi cục Quản lý chất lượng", ValidFrom: "2024-12-03", ValidUntil: "2026-12-02"}); err != nil {
			t.Fatal(err)
		}
		for _, r := range e.App.Jobs.RunDue(e.Ctx()) {
			if r.Err != nil {
				t.Fatalf("job %s: %v", r.Name, r.Err)
			}
		}
		marketPage := "/admin/products/" + itoa(x.ID) + "/market"
		for name, c := range map[string]*apptest.Client{"producer": owner, "officer": officer} {
			page := c.Get("/admin/notices")
			for _, want := range []string{"Chứng nhận sắp hết hạn", "Ô mai mơ gừng: chứng nhận VietGAP số VG-01 hết hạn ngày 02/12/2026 (còn 10 ngày)."} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("%s's notices lack %q\n%s", name, want, page.Body)
				}
			}
			m := remindNoticeID.FindStringSubmatch(page.Body)
			if m == nil {
				t.Fatalf("no notice in the %s's list", name)
			}
			r := c.PostForm("/admin/notices/"+m[1]+"/read", url.Values{"open": {"1"}})
			if r.Status != http.StatusSeeOther || r.Location() != marketPage {
				t.Errorf("%s opens the notice: %d → %q, want %s", name, r.Status, r.Location(), marketPage)
			}
			if r := c.Get(marketPage); r.Status != http.StatusOK || !strings.Contains(r.Body, "VG-01") {
				t.Errorf("%s: GET %s: %d", name, marketPage, r.Status)
			}
		}
	})
}
