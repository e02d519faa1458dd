package web_test

import (
	"crypto/tls"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/mail"
	"ocop/internal/mail/mailtest"
)

// noticeUser creates a user with an e-mail address; a producer account is
// verified for producerID.
func noticeUser(t *testing.T, e *apptest.Env, role account.Role, email string, producerID int64, communes ...string) string {
	t.Helper()
	name := strings.ReplaceAll(strings.Split(email, "@")[0], "+", ".")
	u, err := e.App.Accounts.CreateUser(e.Ctx(), nil, account.NewUser{Username: name, DisplayName: "Chị " + name, Email: email, Role: role,
		Password: apptest.Password, Communes: communes})
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	if producerID != 0 {
		if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
			VALUES (?, ?, 'verified', '', ?)`, u.ID, producerID, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// hanoi moves the clock to 9:00 in Hanoi on a day.
func hanoi(e *apptest.Env, y int, m time.Month, d int) {
	e.Clock.Set(time.Date(y, m, d, 2, 0, 0, 0, time.UTC))
}

var navCount = regexp.MustCompile(`id="nav-notices">[^<]*(?:<strong[^>]*>\((\d+)\)</strong>)?</a>`)

// unread reads the nav's unread counter of a page (0 when absent).
func unread(t *testing.T, r *apptest.Response) string {
	t.Helper()
	m := navCount.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("status %d: no notices link in the nav", r.Status)
	}
	if m[1] == "" {
		return "0"
	}
	return m[1]
}

// The done-when of life after certification, on both engines: a 4★
// certificate issued by a decision of 20/11/2026 (valid to 20/11/2029);
// 180 days before expiry the job opens the re-rating window and tells the
// producer in the app (counter, notices page, "my certificates" with the
// button to file); 30 days before, the expiry notice is sent once however
// often the job runs, and e-mailed through the SMTP server; the day after
// expiry the certificate shows expired on the public page and the audit
// log records the expiry once.
func TestNoticeJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("Hợp tác xã Ô mai Hàng Đường", "00004")
		omai := e.Product(a.ID, "Ô mai mơ gừng Hàng Đường", "I.3.c")
		b := e.Producer("HTX Chè Đông Anh", "00008")
		office := e.Session(e.User(account.RoleOffice))
		f.decide(office, "1234/QĐ-UBND", "2026-11-20", f.scored(omai, evaluation.LevelProvince, 78.5, evaluation.Star4, evaluation.Star4))
		cert := f.certID("1/GCN-OCOP-01-2026")
		owner := noticeUser(t, e, account.RoleProducer, "omai@example.vn", a.ID)
		officer := noticeUser(t, e, account.RoleCommune, "badinh@example.vn", 0, "00004")
		stranger := noticeUser(t, e, account.RoleProducer, "che@example.vn", b.ID)

		// The day before the window: nothing.
		hanoi(e, 2029, time.May, 23)
		runs := e.App.Jobs.RunDue(e.Ctx())
		if len(runs) == 0 || !runs[0].Ran || runs[0].Err != nil || !strings.Contains(runs[0].Report, "no notice due") {
			t.Fatalf("23/05/2029: got %+v, want a run with no notice", runs)
		}
		// 180 days before expiry: the window opens.
		hanoi(e, 2029, time.May, 24)
		runs = e.App.Jobs.RunDue(e.Ctx())
		if !runs[0].Ran || runs[0].Err != nil || !strings.Contains(runs[0].Report, "1 rerating_open") {
			t.Fatalf("24/05/2029: got %+v, want the window notice", runs)
		}
		producer := e.Session(owner)
		r := producer.Get("/admin")
		if got := unread(t, r); got != "1" {
			t.Errorf("dashboard counter: got %s, want 1", got)
		}
		for _, want := range []string{"Giấy chứng nhận của tôi", "1/GCN-OCOP-01-2026", "Còn hiệu lực", "20/11/2029",
			"Đang trong thời hạn nộp hồ sơ đánh giá lại: từ 24/05/2029 đến hết 23/07/2029",
			`href="/admin/dossiers/new?product=` + itoa(omai.ID) + `">Lập hồ sơ đánh giá lại`} {
			if !strings.Contains(text(r), want) {
				t.Errorf("producer dashboard lacks %q", want)
			}
		}
		r = producer.Get("/admin/notices")
		if body := text(r); r.Status != 200 || !strings.Contains(body, "<strong>Sản phẩm Ô mai mơ gừng Hàng Đường (giấy chứng nhận OCOP số 1/GCN-OCOP-01-2026): "+
			"đã đến thời hạn nộp hồ sơ đánh giá, phân hạng lại, từ ngày 24/05/2029 đến ngày 23/07/2029. Vui lòng nộp hồ sơ chậm nhất ngày 23/07/2029") {
			t.Errorf("notices page: status %d, lacks the unread window notice\n%s", r.Status, r.Body)
		}
		if r := producer.Get("/admin/products/" + itoa(omai.ID)); !strings.Contains(text(r), "Lập hồ sơ đánh giá lại") {
			t.Errorf("product page lacks the re-rating button")
		}
		if r := e.Session(officer).Get("/admin/notices"); !strings.Contains(text(r), "1/GCN-OCOP-01-2026") || unread(t, r) != "1" {
			t.Errorf("commune officer: lacks the notice")
		}
		other := e.Session(stranger)
		if r := other.Get("/admin/notices"); !strings.Contains(text(r), "Chưa có thông báo nào.") || unread(t, r) != "0" {
			t.Errorf("another producer sees notices")
		}
		if r := other.Get("/admin"); strings.Contains(text(r), "1/GCN-OCOP-01-2026") || !strings.Contains(text(r), "Chưa có giấy chứng nhận OCOP.") {
			t.Errorf("another producer's dashboard shows the certificate")
		}
		var nid int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = ?", owner).Scan(&nid); err != nil {
			t.Fatal(err)
		}
		if r := other.PostForm("/admin/notices/"+itoa(nid)+"/read", url.Values{"open": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("reading another user's notification: status %d, want 404", r.Status)
		}
		r = producer.PostForm("/admin/notices/"+itoa(nid)+"/read", url.Values{"open": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location() != "/admin/certificates/"+itoa(cert) {
			t.Errorf("open a notification: status %d to %q, want 303 to the certificate", r.Status, r.Location())
		}
		if r := producer.Get("/admin/notices"); unread(t, r) != "0" || strings.Contains(r.Body, "<strong>Sản phẩm Ô mai") {
			t.Errorf("after reading: still unread")
		}

		// 30 days before expiry, with an SMTP server: the expiry notice,
		// once, however often the job runs.
		smtp := mailtest.Start(t, mailtest.Options{StartTLS: true, User: "ocop", Password: "mật-khẩu"})
		mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: smtp.Host, Port: smtp.Port, Username: "ocop", Password: "mật-khẩu",
			From: "OCOP Hà Nội <noreply@ocop.hanoi.example>", TLS: &tls.Config{RootCAs: smtp.RootCAs}})
		if err != nil {
			t.Fatal(err)
		}
		jobs := evaluation.NewJobs(e.App.Evaluation, evaluation.JobOptions{Mailer: mailer, Catalog: e.App.Catalog, BaseURL: "https://ocop.hanoi.example"})
		hanoi(e, 2029, time.October, 21)
		for run := 0; run < 3; run++ {
			runs := jobs.RunDue(e.Ctx())
			if !runs[0].Ran || runs[0].Err != nil {
				t.Fatalf("21/10/2029 run %d: got %+v", run, runs)
			}
			e.Clock.Advance(2 * time.Hour)
		}
		if n := f.count("SELECT COUNT(*) FROM notices WHERE certificate_id = ? AND kind = 'expiry'", cert); n != 1 {
			t.Errorf("expiry notices: got %d, want 1", n)
		}
		msgs := smtp.Messages()
		if len(msgs) != 2 {
			t.Fatalf("e-mails: got %d, want 2 (the producer's account and the commune officer)", len(msgs))
		}
		var to []string
		for _, m := range msgs {
			to = append(to, m.To...)
			if !m.TLS || m.AuthUser != "ocop" {
				t.Errorf("e-mail to %v: TLS %v auth %q, want STARTTLS and AUTH", m.To, m.TLS, m.AuthUser)
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(regexp.MustCompile(`(?m)^Subject: (.*)\r$`).FindStringSubmatch(m.Data)[1])
			if subject != "Giấy chứng nhận OCOP sắp hết hạn: Ô mai mơ gừng Hàng Đường" {
				t.Errorf("subject: got %q", subject)
			}
			if !strings.Contains(m.Data, "https://ocop.hanoi.example/admin/certificates/"+itoa(cert)) {
				t.Errorf("e-mail lacks the link to the certificate:\n%s", m.Data)
			}
		}
		if strings.Join(to, ",") != "omai@example.vn,badinh@example.vn" {
			t.Errorf("e-mail recipients: got %v", to)
		}
		r = e.Session(owner).Get("/admin/notices")
		if body := text(r); !strings.Contains(body, "giấy chứng nhận OCOP số 1/GCN-OCOP-01-2026 hết hạn ngày 20/11/2029 (còn 30 ngày)") || unread(t, r) != "1" {
			t.Errorf("producer: lacks the expiry notice")
		}
		if r := e.Session(owner).Get("/admin"); !strings.Contains(text(r), "Sắp hết hạn") {
			t.Errorf("dashboard: certificate not shown as expiring soon")
		}

		// The day after expiry: expired everywhere, recorded once.
		hanoi(e, 2029, time.November, 21)
		for run := 0; run < 2; run++ {
			if runs := e.App.Jobs.RunDue(e.Ctx()); !runs[0].Ran || runs[0].Err != nil {
				t.Fatalf("21/11/2029: got %+v", runs)
			}
			e.Clock.Advance(2 * time.Hour)
		}
		if body := text(e.Anon().Get("/certificates/1-GCN-OCOP-01-2026")); !strings.Contains(body, "Hết hạn") || strings.Contains(body, "Còn hiệu lực") {
			t.Errorf("public page after expiry: not shown as expired only")
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.expire' AND entity_id = ?", itoa(cert)); n != 1 {
			t.Errorf("audit certificate.expire: got %d rows, want 1", n)
		}
		r = e.Session(owner).Get("/admin/notices")
		if body := text(r); !strings.Contains(body, "đã hết hiệu lực từ ngày 21/11/2029") {
			t.Errorf("producer: lacks the expiry record")
		}
		if r := e.Session(owner).PostForm("/admin/notices/read-all", nil); r.Status != http.StatusSeeOther {
			t.Errorf("mark all read: status %d", r.Status)
		}
		if r := e.Session(owner).Get("/admin/notices"); unread(t, r) != "0" || !strings.Contains(text(r), "Không có thông báo chưa đọc.") {
			t.Errorf("after marking all read: still unread")
		}
	})
}

// A re-rating dossier's page shows the window of Điều 7.6.a, what filing
// now (or the filing date) means for the old certificate under Điều 12.3,
// and the 45 days of Điều 7.6.g once the dossier is complete; filing after
// the window is allowed and says so.
func TestReratingDossierPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("Hợp tác xã Ô mai Hàng Đường", "00004")
		omai := e.Product(a.ID, "Ô mai mơ gừng Hàng Đường", "I.3.c")
		first := f.scored(omai, evaluation.LevelProvince, 78.5, evaluation.Star4, evaluation.Star4)
		f.decide(e.Session(e.User(account.RoleOffice)), "1234/QĐ-UBND", "2026-11-20", first)
		owner := noticeUser(t, e, account.RoleProducer, "omai@example.vn", a.ID)

		hanoi(e, 2029, time.June, 1)
		producer := e.Session(owner)
		r := producer.PostForm("/admin/dossiers", url.Values{"product": {itoa(omai.ID)}, "kind": {"rerating"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("start a re-rating: status %d\n%s", r.Status, r.Body)
		}
		var id int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT id FROM dossiers WHERE kind = 'rerating'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		page := func(want ...string) {
			t.Helper()
			r := producer.Get("/admin/dossiers/" + itoa(id))
			body := text(r)
			for _, w := range want {
				if r.Status != 200 || !strings.Contains(body, w) {
					t.Errorf("%s: dossier page (status %d) lacks %q", e.Clock.Now().Format(time.DateOnly), r.Status, w)
				}
			}
		}
		page("Đánh giá lại giấy chứng nhận 1/GCN-OCOP-01-2026", "từ 24/05/2029 đến 23/07/2029", "Nộp hôm nay là trong thời hạn (đến hết ngày 23/07/2029).",
			"Nếu nộp hồ sơ hôm nay: sau ngày hết hạn 20/11/2029, giấy chứng nhận tiếp tục có hiệu lực đến ngày có quyết định, nhưng không quá ngày 19/05/2030",
			"45 ngày, tính từ ngày UBND cấp tỉnh nhận đủ hồ sơ")
		if r := producer.Get("/admin"); !strings.Contains(text(r), "Sản phẩm đang có hồ sơ số "+itoa(id)) || strings.Contains(text(r), "Lập hồ sơ đánh giá lại") {
			t.Errorf("dashboard: a product with a draft re-rating should point to it, not offer another")
		}
		// After the window: still allowed, with its consequence.
		hanoi(e, 2029, time.August, 10)
		producer = e.Session(owner)
		page("Đã hết thời hạn nộp hồ sơ ngày 23/07/2029. Vẫn có thể nộp", "không quá ngày 19/05/2030")
		// Filed late, found complete on 01/09/2029: 45 days to decide.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE dossiers SET state = 'accepted', filed_on = '2029-08-10', complete_on = '2029-09-01' WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		hanoi(e, 2029, time.September, 5)
		producer = e.Session(owner)
		page("Nộp ngày 10/08/2029, sau khi hết thời hạn (ngày 23/07/2029).",
			"Sau ngày hết hạn 20/11/2029, giấy chứng nhận tiếp tục có hiệu lực đến ngày có quyết định đánh giá lại, nhưng không quá ngày 19/05/2030",
			"16/10/2029 (còn 41 ngày)")
		hanoi(e, 2029, time.October, 20)
		producer = e.Session(owner)
		page("Quá hạn: phải có quyết định chậm nhất ngày 16/10/2029")
		// Past expiry, the certificate is extended while the re-rating is
		// decided: no expiry is recorded.
		hanoi(e, 2029, time.December, 1)
		producer = e.Session(owner)
		if r := producer.Get("/admin"); !strings.Contains(text(r), "Gia hạn chờ đánh giá lại") || !strings.Contains(text(r), "Đã nộp hồ sơ đánh giá lại") {
			t.Errorf("dashboard after expiry: certificate not shown as extended with its filed re-rating")
		}
		if runs := e.App.Jobs.RunDue(e.Ctx()); runs[0].Err != nil || strings.Contains(runs[0].Report, "expired") {
			t.Errorf("job during the extension: got %+v, want no expiry", runs[0])
		}
		// A first rating has no re-rating block.
		if r := producer.Get("/admin/dossiers/" + itoa(first)); r.Status != 200 || strings.Contains(r.Body, `id="rerating"`) {
			t.Errorf("first-rating dossier: status %d, shows a re-rating block", r.Status)
		}
	})
}

// noticeAuthzObjects adds to the authorization table's fixture a
// notification of the producer account (own) and one of another user
// (other), under the key notices/{id}.
func noticeAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture, producerUser string) {
	t.Helper()
	ins := func(username string) string {
		u, err := e.App.Accounts.UserByName(e.Ctx(), username)
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO notifications (user_id, notice_id, certificate_id, kind, message, args, link,
				created_at, read_at, email, email_status, email_attempts, email_error, emailed_at)
			VALUES (?, NULL, NULL, 'expiry', 'notice.msg_expired', '["Bình gốm A","1/GCN-OCOP-01-2026","21/11/2029"]', '/admin', ?, NULL, '', '', 0, '', NULL)`,
			u.ID, db.Now())
		if err != nil {
			t.Fatal(err)
		}
		return itoa(id)
	}
	f.own["notices/{id}"] = ins(producerUser)
	f.other["notices/{id}"] = ins(e.User(account.RoleProducer))
}
