package market_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/mail/mailtest"
	"ocop/internal/market"
)

// The reminders a record valid through 31/01/2027 is due, day by day: the
// expiry reminder from 30 days before (01/01/2027) through the last valid
// day, the expired notice from the day after for 30 days, then nothing.
func TestDueReminder(t *testing.T) {
	d := evaluation.NewDate
	until := d(2027, time.January, 31)
	for _, tt := range []struct {
		until, today evaluation.Date
		want         string // "" for none
	}{
		{until, d(2026, time.December, 31), ""},
		{until, d(2027, time.January, 1), market.ReminderExpiry},
		{until, d(2027, time.January, 31), market.ReminderExpiry},
		{until, d(2027, time.February, 1), market.ReminderExpired},
		{until, d(2027, time.March, 2), market.ReminderExpired}, // 30 days after the last valid day
		{until, d(2027, time.March, 3), ""},
		{evaluation.Date{}, d(2027, time.January, 15), ""}, // no end date
	} {
		got, ok := market.DueReminder(tt.until, tt.today)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("valid until %s, on %s: got %q %v, want %q", tt.until, tt.today, got, ok, tt.want)
		}
	}
}

// remindWorld is a producer in Ba Đình (00004) with a product, a verified
// producer account (English), a pending one, the commune's officer
// (Vietnamese) and another commune's officer.
type remindWorld struct {
	t                                 *testing.T
	e                                 *apptest.Env
	producer, product                 int64
	owner, pending, officer, outsider int64
}

func newRemindWorld(t *testing.T, e *apptest.Env) *remindWorld {
	t.Helper()
	w := &remindWorld{t: t, e: e}
	p := e.Producer("Hợp tác xã Ô mai Hàng Đường", "00004")
	w.producer = p.ID
	w.product = e.Product(p.ID, "Ô mai mơ gừng", "I.3.c").ID
	w.owner = w.user(account.RoleProducer, "owner@example.vn", "en")
	w.pending = w.user(account.RoleProducer, "pending@example.vn", "vi")
	w.officer = w.user(account.RoleCommune, "officer@example.vn", "vi", "00004")
	w.outsider = w.user(account.RoleCommune, "outsider@example.vn", "vi", "00008")
	for id, status := range map[int64]string{w.owner: "verified", w.pending: "pending"} {
		if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
			VALUES (?, ?, ?, '', ?)`, id, p.ID, status, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *remindWorld) user(role account.Role, email, locale string, communes ...string) int64 {
	w.t.Helper()
	u, err := w.e.App.Accounts.CreateUser(w.e.Ctx(), nil, account.NewUser{Username: strings.Split(email, "@")[0], DisplayName: "Người dùng " + email,
		Email: email, Role: role, Password: apptest.Password, Communes: communes, Locale: locale})
	if err != nil {
		w.t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

// cert records a certification through the service, for the product
// (forProduct) or the producer.
func (w *remindWorld) cert(kind, number, from, until string, forProduct bool) int64 {
	w.t.Helper()
	in := market.CertificationInput{ProducerID: w.producer, Kind: kind, Number: number, Issuer: "Chi cục Quản lý chất lượng", ValidFrom: from, ValidUntil: until}
	if forProduct {
		in.ProductID = &w.product
	}
	c, err := w.e.App.Market.CreateCertification(w.e.Ctx(), w.e.Admin(), in)
	if err != nil {
		w.t.Fatalf("certification %s: %v", number, err)
	}
	return c.ID
}

func (w *remindWorld) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.e.App.DB.QueryRowContext(w.e.Ctx(), q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// sent lists the reminders recorded for a certification, "kind@valid_until".
func (w *remindWorld) sent(cert int64) string {
	w.t.Helper()
	rows, err := w.e.App.DB.QueryContext(w.e.Ctx(), "SELECT kind, valid_until FROM certification_notices WHERE certification_id = ? ORDER BY id", cert)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, u string
		if err := rows.Scan(&k, &u); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, k+"@"+u)
	}
	return strings.Join(out, ",")
}

// A record's life, day by day, on both engines: the expiry reminder and
// the expired notice go out once each, on their day, to the verified
// producer account and the commune's officer only, in the app and by
// e-mail in each one's language; a record extended to a later valid_until
// gets a new reminder; a deleted record gets nothing more; records
// without an end date, expired long ago, or renewed by a newer record of
// the same kind get nothing. The job is registered with the app's jobs.
func TestCertificationReminders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newRemindWorld(t, e)
		vietgap := w.cert("vietgap", "VG-01", "2024-02-01", "2027-01-31", true)
		haccp := w.cert("haccp", "HACCP-7", "2024-01-01", "", false)           // never expires
		iso := w.cert("iso22000", "ISO-3", "2017-01-01", "2020-01-01", false)  // expired long ago
		organic := w.cert("organic", "HC-5", "2024-01-20", "2027-01-20", true) // deleted after its reminder
		oldGI := w.cert("gi", "CDDL-1", "2017-01-15", "2027-01-15", false)     // renewed by a new record
		newGI := w.cert("gi", "CDDL-2", "2027-01-10", "2037-01-15", false)     // the renewal
		m := &mailtest.Recorder{}
		jobs := evaluation.NewJobs(e.App.Evaluation, evaluation.JobOptions{Mailer: m, Catalog: e.App.Catalog, BaseURL: "https://ocop.example.vn/"})
		job := e.App.Market.CertificationReminderJob(jobs.DeliverEmails)
		at := func(day evaluation.Date) { e.Clock.Set(time.Date(day.Y, day.M, day.D, 2, 0, 0, 0, time.UTC)) } // 9:00 in Hanoi
		d := evaluation.NewDate

		for _, step := range []struct {
			day              evaluation.Date
			before           func()
			vietgap, organic string // reminders so far
			emails           int    // e-mails so far
		}{
			{day: d(2026, time.December, 20)},
			{day: d(2026, time.December, 21), organic: "expiry@2027-01-20", emails: 2},
			{day: d(2026, time.December, 31), organic: "expiry@2027-01-20", emails: 2},
			{day: d(2027, time.January, 1), vietgap: "expiry@2027-01-31", organic: "expiry@2027-01-20", emails: 4},
			// Deleted on its last valid day: its rows go with it, and no
			// expired notice follows.
			{day: d(2027, time.January, 20), vietgap: "expiry@2027-01-31", emails: 4, before: func() {
				if err := e.App.Market.DeleteCertification(e.Ctx(), e.Admin(), organic); err != nil {
					t.Fatal(err)
				}
			}},
			{day: d(2027, time.January, 21), vietgap: "expiry@2027-01-31", emails: 4},
			{day: d(2027, time.January, 31), vietgap: "expiry@2027-01-31", emails: 4},
			{day: d(2027, time.February, 1), vietgap: "expiry@2027-01-31,expired@2027-01-31", emails: 6},
			{day: d(2027, time.March, 10), vietgap: "expiry@2027-01-31,expired@2027-01-31", emails: 6},
			// Extended to 31/01/2028 (the record's valid_until moved later):
			// reminded again for the new date.
			{day: d(2028, time.January, 1), vietgap: "expiry@2027-01-31,expired@2027-01-31,expiry@2028-01-31", emails: 8, before: func() {
				if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE certifications SET valid_until = '2028-01-31', version = version + 1 WHERE id = ?", vietgap); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			at(step.day)
			if step.before != nil {
				step.before()
			}
			for run := range 2 { // twice a day: the second run sends nothing
				if _, err := job.Run(e.Ctx()); err != nil {
					t.Fatalf("%s run %d: %v", step.day, run, err)
				}
			}
			if got := w.sent(vietgap); got != step.vietgap {
				t.Errorf("%s: VietGAP reminders: got %q, want %q", step.day, got, step.vietgap)
			}
			if got := w.sent(organic); got != step.organic {
				t.Errorf("%s: organic reminders: got %q, want %q", step.day, got, step.organic)
			}
			for name, id := range map[string]int64{"HACCP": haccp, "ISO 22000": iso, "old GI": oldGI, "new GI": newGI} {
				if got := w.sent(id); got != "" {
					t.Errorf("%s: %s reminders: got %q, want none", step.day, name, got)
				}
			}
			if got := len(m.Sent()); got != step.emails {
				t.Errorf("%s: got %d e-mails, want %d", step.day, got, step.emails)
			}
		}

		// Recipients: the verified producer account and the commune's
		// officer (4 reminders each), never the pending account or another
		// commune's officer; every e-mail copy went out.
		for _, tt := range []struct {
			user int64
			want int
		}{{w.owner, 4}, {w.officer, 4}, {w.pending, 0}, {w.outsider, 0}} {
			if n := w.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind LIKE 'certification_%'", tt.user); n != tt.want {
				t.Errorf("user %d: got %d notifications, want %d", tt.user, n, tt.want)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE email_status <> 'sent'"); n != 0 {
			t.Errorf("%d e-mail copies not sent", n)
		}
		if n := w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'certification.notice' AND actor_name = 'system'"); n != 4 {
			t.Errorf("audit: got %d certification.notice rows, want 4", n)
		}

		// What the recipients read, in their languages, with the link to
		// the product's market page.
		link := fmt.Sprintf("https://ocop.example.vn/admin/products/%d/market", w.product)
		var sawEn, sawVi, sawExpired bool
		for _, s := range m.Sent() {
			switch s.To[0] {
			case "owner@example.vn":
				sawEn = sawEn || s.Subject == "Certification expiring soon: Ô mai mơ gừng" &&
					strings.Contains(s.Body, "VietGAP certification no. VG-01 expires on 31/01/2027 (30 days left)") && strings.Contains(s.Body, link)
				sawExpired = sawExpired || s.Subject == "Certification no longer valid: Ô mai mơ gừng" &&
					strings.Contains(s.Body, "VietGAP certification no. VG-01 is no longer valid since 01/02/2027")
			case "officer@example.vn":
				sawVi = sawVi || s.Subject == "Chứng nhận sắp hết hạn: Ô mai mơ gừng" &&
					strings.Contains(s.Body, "chứng nhận VietGAP số VG-01 hết hạn ngày 31/01/2027 (còn 30 ngày)") &&
					strings.HasPrefix(s.Body, "Kính gửi Người dùng officer@example.vn,")
			}
		}
		if !sawEn || !sawVi || !sawExpired {
			t.Errorf("e-mails: English reminder %v, Vietnamese reminder %v, expired notice %v; want all\n%+v", sawEn, sawVi, sawExpired, m.Sent())
		}

		// The app runs the job with the others (serve's loop, ocop jobs run).
		var names []string
		for _, r := range e.App.Jobs.RunDue(e.Ctx()) {
			if r.Err != nil {
				t.Errorf("job %s: %v", r.Name, r.Err)
			}
			names = append(names, r.Name)
		}
		if !strings.Contains(strings.Join(names, ","), market.CertificationReminderJob) {
			t.Errorf("app jobs: got %v, want %s among them", names, market.CertificationReminderJob)
		}
	})
}
