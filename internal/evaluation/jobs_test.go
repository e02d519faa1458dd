package evaluation_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/mail"
	"ocop/internal/mail/mailtest"
)

// d is a date for tables.
func d(y int, m time.Month, day int) evaluation.Date { return evaluation.NewDate(y, m, day) }

// The notice a certificate expiring on 20/11/2029 is due, day by day:
// the window opens 180 days before (24/05/2029) and closes 120 days before
// (23/07/2029); the reminder goes out from 7 days before it closes; the
// expiry notice from 30 days before expiry (21/10/2029); the expiry is
// recorded the day after the last valid day.
func TestDueNotice(t *testing.T) {
	expiry := d(2029, time.November, 20)
	valid := func(today evaluation.Date) evaluation.CertStatus {
		return evaluation.CertificateStatusAt(evaluation.CertificateDates{Issued: d(2026, time.November, 20), Expiry: expiry}, today)
	}
	filed := d(2029, time.June, 1)
	for _, tt := range []struct {
		name   string
		today  evaluation.Date
		status evaluation.CertStatus // "" for the status computed from the dates
		filed  evaluation.Date
		want   evaluation.NoticeKind // "" for none
	}{
		{"a year before", d(2028, time.November, 20), "", evaluation.Date{}, ""},
		{"the day before the window", d(2029, time.May, 23), "", evaluation.Date{}, ""},
		{"the window opens (180 days before)", d(2029, time.May, 24), "", evaluation.Date{}, evaluation.NoticeReratingOpen},
		{"inside the window", d(2029, time.June, 30), "", evaluation.Date{}, evaluation.NoticeReratingOpen},
		{"the last day before the reminder", d(2029, time.July, 15), "", evaluation.Date{}, evaluation.NoticeReratingOpen},
		{"7 days before the window closes", d(2029, time.July, 16), "", evaluation.Date{}, evaluation.NoticeReratingReminder},
		{"the window's last day (120 days before)", d(2029, time.July, 23), "", evaluation.Date{}, evaluation.NoticeReratingReminder},
		{"the window has closed", d(2029, time.July, 24), "", evaluation.Date{}, ""},
		{"filed: no window notices", d(2029, time.June, 30), "", filed, ""},
		{"filed: no reminder", d(2029, time.July, 20), "", filed, ""},
		{"31 days before expiry", d(2029, time.October, 20), "", evaluation.Date{}, ""},
		{"30 days before expiry", d(2029, time.October, 21), "", evaluation.Date{}, evaluation.NoticeExpiry},
		{"filed: still the expiry notice", d(2029, time.October, 21), "", filed, evaluation.NoticeExpiry},
		{"the last valid day", d(2029, time.November, 20), "", evaluation.Date{}, evaluation.NoticeExpiry},
		{"the day after: expired", d(2029, time.November, 21), "", evaluation.Date{}, evaluation.NoticeExpired},
		{"extended while a re-rating is decided", d(2029, time.December, 1), evaluation.CertExtended, filed, ""},
		{"expired after the extension", d(2030, time.May, 20), evaluation.CertExpired, filed, evaluation.NoticeExpired},
		{"revoked", d(2029, time.May, 24), evaluation.CertRevoked, evaluation.Date{}, ""},
		{"superseded", d(2029, time.October, 21), evaluation.CertSuperseded, evaluation.Date{}, ""},
		{"not yet valid", d(2029, time.May, 24), evaluation.CertNotYetValid, evaluation.Date{}, ""},
	} {
		status := tt.status
		if status == "" {
			status = valid(tt.today)
		}
		got, ok := evaluation.DueNotice(evaluation.NoticeFacts{Status: status, Expiry: expiry, ReratingFiled: tt.filed}, tt.today)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("%s (%s, %s): got %q %v, want %q", tt.name, tt.today, status, got, ok, tt.want)
		}
	}
}

// A re-rating filed within 180 to 120 days before expiry is in the window
// (Điều 7.6.a); later but by the expiry it is late, and still extends the
// certificate (Điều 12.3); after the expiry it extends nothing.
func TestReratingTiming(t *testing.T) {
	expiry := d(2029, time.November, 20)
	for _, tt := range []struct {
		filed    evaluation.Date
		want     evaluation.ReratingTiming
		extended bool
	}{
		{d(2029, time.May, 23), evaluation.TimingEarly, true},
		{d(2029, time.May, 24), evaluation.TimingInWindow, true},
		{d(2029, time.July, 23), evaluation.TimingInWindow, true},
		{d(2029, time.July, 24), evaluation.TimingLate, true},
		{d(2029, time.November, 20), evaluation.TimingLate, true},
		{d(2029, time.November, 21), evaluation.TimingAfterExpiry, false},
	} {
		if got := evaluation.ReratingTimingOf(expiry, tt.filed); got != tt.want {
			t.Errorf("filed %s: got %s, want %s", tt.filed, got, tt.want)
		}
		if _, ext := evaluation.TransitionalValidUntil(expiry, tt.filed, evaluation.Date{}); ext != tt.extended {
			t.Errorf("filed %s: extended %v, want %v", tt.filed, ext, tt.extended)
		}
	}
	for _, tt := range []struct {
		validUntil, today evaluation.Date
		want              bool
	}{
		{d(2029, time.November, 20), d(2029, time.November, 21), true},
		{d(2029, time.November, 20), d(2029, time.December, 20), true},
		{d(2029, time.November, 20), d(2029, time.December, 21), false},
		{d(2021, time.March, 1), d(2029, time.December, 21), false},
	} {
		if got := evaluation.NotifyExpired(tt.validUntil, tt.today); got != tt.want {
			t.Errorf("NotifyExpired(%s, %s): got %v, want %v", tt.validUntil, tt.today, got, tt.want)
		}
	}
}

// noticeWorld is a producer in Ba Đình (00004) with a product, a verified
// producer account, a pending one, the commune's officer, another
// commune's officer, and certificates inserted directly.
type noticeWorld struct {
	t        *testing.T
	e        *apptest.Env
	producer int64
	product  int64
	owner    int64 // verified producer account, with e-mail
	officer  int64 // commune officer of 00004, with e-mail
	pending  int64 // producer account whose link is pending
	outsider int64 // commune officer of another commune
	n        int
}

func newNoticeWorld(t *testing.T, e *apptest.Env) *noticeWorld {
	t.Helper()
	w := &noticeWorld{t: t, e: e}
	p := e.Producer("Hợp tác xã Ô mai Hàng Đường", "00004")
	w.producer = p.ID
	w.product = e.Product(p.ID, "Ô mai mơ gừng", "I.3.c").ID
	w.owner = w.user(account.RoleProducer, "owner@example.vn", "en")
	w.officer = w.user(account.RoleCommune, "officer@example.vn", "vi", "00004")
	w.pending = w.user(account.RoleProducer, "pending@example.vn", "vi")
	w.outsider = w.user(account.RoleCommune, "outsider@example.vn", "vi", "00008")
	for id, status := range map[int64]string{w.owner: "verified", w.pending: "pending"} {
		if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
			VALUES (?, ?, ?, '', ?)`, id, p.ID, status, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *noticeWorld) user(role account.Role, email, locale string, communes ...string) int64 {
	w.t.Helper()
	w.n++
	u, err := w.e.App.Accounts.CreateUser(w.e.Ctx(), nil, account.NewUser{Username: strings.Split(email, "@")[0], DisplayName: "Người dùng " + email,
		Email: email, Role: role, Password: apptest.Password, Communes: communes, Locale: locale})
	if err != nil {
		w.t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

// cert inserts a 4★ certificate of a product issued on issued.
func (w *noticeWorld) cert(product int64, number string, issued evaluation.Date) int64 {
	w.t.Helper()
	id, err := db.Insert(w.e.Ctx(), w.e.App.DB, `INSERT INTO certificates (number, product_id, producer_id, dossier_id, decision_id, star, potential5,
			issued_on, expires_on, rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
		VALUES (?, ?, ?, NULL, NULL, 4, FALSE, ?, ?, '26/2026', 'province', '', '', '', '', '', ?, 1)`,
		number, product, w.producer, issued, evaluation.Expiry(issued), db.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// rerating inserts a re-rating dossier of a certificate, filed on filed.
func (w *noticeWorld) rerating(product, cert int64, filed evaluation.Date) int64 {
	w.t.Helper()
	ids, err := w.e.App.Evaluation.Scorecards().ActiveIDs(w.e.Ctx())
	if err != nil {
		w.t.Fatal(err)
	}
	now := db.Now()
	id, err := db.Insert(w.e.Ctx(), w.e.App.DB, `INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id,
			round_id, certificate_id, form01, form02, changes, updates, filed_on, commune_due, return_items, return_due, reject_reason,
			commune_report, samples, proposed_on, complete_on, created_at, updated_at, created_by, version)
		VALUES (NULL, ?, ?, '00004', 'rerating', 'submitted', ?, NULL, ?, '', '', '', '', ?, '', '', '', '', '', 0, '', '', ?, ?, NULL, 1)`,
		product, w.producer, ids[7], cert, filed.String(), now, now)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *noticeWorld) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.e.App.DB.QueryRowContext(w.e.Ctx(), q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// at moves the clock to 9:00 in Hanoi on day.
func (w *noticeWorld) at(day evaluation.Date) {
	w.e.Clock.Set(time.Date(day.Y, day.M, day.D, 2, 0, 0, 0, time.UTC))
}

func (w *noticeWorld) jobs(m mail.Mailer) *evaluation.Jobs {
	return evaluation.NewJobs(w.e.App.Evaluation, evaluation.JobOptions{Mailer: m, Catalog: w.e.App.Catalog, BaseURL: "https://ocop.example.vn/"})
}

// A certificate's life, day by day, on both engines: each notice goes out
// once, on its day, to the verified producer account and the commune's
// officer only; a certificate being re-rated gets no window reminders and
// an expiry notice that says how long it stays valid; an expiry is
// recorded once with its audit row; an expiry from long ago is recorded
// without notifying anyone; a revoked certificate gets nothing.
func TestNoticeSchedule(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newNoticeWorld(t, e)
		issued := d(2026, time.November, 20) // expires 20/11/2029
		plain := w.cert(w.product, "1/GCN-OCOP-01-2026", issued)
		other := e.Product(w.producer, "Ô mai sấu", "I.3.c").ID
		rerated := w.cert(other, "2/GCN-OCOP-01-2026", issued)
		w.rerating(other, rerated, d(2029, time.June, 1))
		third := e.Product(w.producer, "Mứt sen", "I.3.c").ID
		old := w.cert(third, "7/GCN-OCOP-01-2019", d(2019, time.December, 2)) // expired 02/12/2022
		fourth := e.Product(w.producer, "Trà sen", "I.5.b").ID
		revoked := w.cert(fourth, "3/GCN-OCOP-01-2026", issued)
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE certificates SET revoked_on = '2027-01-10', revoke_ground = 'mark_misuse' WHERE id = ?", revoked); err != nil {
			t.Fatal(err)
		}
		m := &mailtest.Recorder{}
		jobs := w.jobs(m)

		notices := func(cert int64) string {
			t.Helper()
			rows, err := e.App.DB.QueryContext(e.Ctx(), "SELECT kind FROM notices WHERE certificate_id = ? ORDER BY id", cert)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var ks []string
			for rows.Next() {
				var k string
				rows.Scan(&k)
				ks = append(ks, k)
			}
			return strings.Join(ks, ",")
		}
		for _, step := range []struct {
			day                          evaluation.Date
			plain, rerated, old, revoked string // notices so far
			emails                       int    // e-mails so far
		}{
			{d(2029, time.May, 23), "", "", "expired", "", 0},
			{d(2029, time.May, 24), "rerating_open", "", "expired", "", 2},
			{d(2029, time.June, 30), "rerating_open", "", "expired", "", 2},
			{d(2029, time.July, 16), "rerating_open,rerating_reminder", "", "expired", "", 4},
			{d(2029, time.October, 20), "rerating_open,rerating_reminder", "", "expired", "", 4},
			{d(2029, time.October, 21), "rerating_open,rerating_reminder,expiry", "expiry", "expired", "", 8},
			{d(2029, time.November, 20), "rerating_open,rerating_reminder,expiry", "expiry", "expired", "", 8},
			{d(2029, time.November, 21), "rerating_open,rerating_reminder,expiry,expired", "expiry", "expired", "", 10},
		} {
			w.at(step.day)
			for run := 0; run < 2; run++ { // twice a day: the second run sends nothing
				if _, err := jobs.SendNotices(e.Ctx()); err != nil {
					t.Fatalf("%s run %d: %v", step.day, run, err)
				}
			}
			for name, tt := range map[string]struct {
				id   int64
				want string
			}{"plain": {plain, step.plain}, "rerated": {rerated, step.rerated}, "old": {old, step.old}, "revoked": {revoked, step.revoked}} {
				if got := notices(tt.id); got != tt.want {
					t.Errorf("%s: %s notices: got %q, want %q", step.day, name, got, tt.want)
				}
			}
			if got := len(m.Sent()); got != step.emails {
				t.Errorf("%s: got %d e-mails, want %d", step.day, got, step.emails)
			}
		}
		// Recipients: the verified producer account and the commune's
		// officer, never the pending account or another commune's officer.
		for _, tt := range []struct {
			user int64
			want int
		}{{w.owner, 5}, {w.officer, 5}, {w.pending, 0}, {w.outsider, 0}} {
			if n := w.count("SELECT COUNT(*) FROM notifications WHERE user_id = ?", tt.user); n != tt.want {
				t.Errorf("user %d: got %d notifications, want %d", tt.user, n, tt.want)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE certificate_id = ?", old); n != 0 {
			t.Errorf("an expiry of 2022: got %d notifications, want none", n)
		}
		for action, want := range map[string]int{"certificate.expire": 2, "certificate.notice": 4} {
			if n := w.count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_name = 'system'", action); n != want {
				t.Errorf("audit %s: got %d rows, want %d", action, n, want)
			}
		}
		// The messages, in each recipient's language.
		var msg, args string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT message, args FROM notifications WHERE certificate_id = ? AND kind = 'expiry' AND user_id = ?",
			rerated, w.officer).Scan(&msg, &args); err != nil {
			t.Fatal(err)
		}
		wantArgs := `["Ô mai sấu","2/GCN-OCOP-01-2026","20/11/2029","30","01/06/2029","19/05/2030"]`
		if msg != "notice.msg_expiry_pending" || args != wantArgs {
			t.Errorf("expiry notice of a certificate being re-rated: got %s %s, want notice.msg_expiry_pending %s", msg, args, wantArgs)
		}
		var sawEn, sawVi bool
		for _, s := range m.Sent() {
			switch s.To[0] {
			case "owner@example.vn":
				sawEn = sawEn || strings.Contains(s.Subject, "OCOP re-rating window open: Ô mai mơ gừng") &&
					strings.Contains(s.Body, "from 24/05/2029 to 23/07/2029") && strings.Contains(s.Body, "https://ocop.example.vn/admin/certificates/")
			case "officer@example.vn":
				sawVi = sawVi || strings.Contains(s.Subject, "Giấy chứng nhận OCOP sắp hết hạn: Ô mai mơ gừng") &&
					strings.Contains(s.Body, "hết hạn ngày 20/11/2029 (còn 30 ngày)") && strings.HasPrefix(s.Body, "Kính gửi Người dùng officer@example.vn,")
			}
		}
		if !sawEn || !sawVi {
			t.Errorf("e-mails: English window notice %v, Vietnamese expiry notice %v; want both\n%+v", sawEn, sawVi, m.Sent())
		}
		// At the end of the extension (180 days after expiry, no decision),
		// the re-rated certificate expires too.
		w.at(d(2030, time.May, 20))
		if _, err := jobs.SendNotices(e.Ctx()); err != nil {
			t.Fatal(err)
		}
		if got := notices(rerated); got != "expiry,expired" {
			t.Errorf("after the extension: got %q, want expiry,expired", got)
		}
	})
}

// An e-mail the server refuses is retried on the next run, and given up
// after MaxEmailAttempts; the in-app notification is there from the start.
func TestNoticeMailRetry(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newNoticeWorld(t, e)
		w.cert(w.product, "1/GCN-OCOP-01-2026", d(2026, time.November, 20))
		m := &mailtest.Recorder{}
		m.FailNext(3)
		jobs := w.jobs(m)
		w.at(d(2029, time.May, 24))
		status := func(user int64) (string, int) {
			t.Helper()
			var s string
			var n int
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT email_status, email_attempts FROM notifications WHERE user_id = ?", user).Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			return s, n
		}
		rep, err := jobs.SendNotices(e.Ctx())
		if err != nil || rep.Notices[evaluation.NoticeReratingOpen] != 1 || rep.Notifications != 2 || rep.Emails != 0 || rep.EmailFailures != 2 {
			t.Fatalf("first run: got %+v, %v; want 1 notice, 2 notifications, 2 failed e-mails", rep, err)
		}
		if s, n := status(w.owner); s != "pending" || n != 1 {
			t.Errorf("after a failure: got %s after %d attempts, want pending after 1", s, n)
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", w.owner); n != 1 {
			t.Errorf("in-app notification: got %d, want 1", n)
		}
		e.Clock.Advance(time.Hour)
		rep, err = jobs.SendNotices(e.Ctx())
		if err != nil || len(rep.Notices) != 0 || rep.Emails != 1 || rep.EmailFailures != 1 {
			t.Fatalf("second run: got %+v, %v; want no new notice, 1 e-mail sent and 1 failed", rep, err)
		}
		e.Clock.Advance(time.Hour)
		if rep, err = jobs.SendNotices(e.Ctx()); err != nil || rep.Emails != 1 || rep.EmailFailures != 0 {
			t.Fatalf("third run: got %+v, %v; want the last e-mail sent", rep, err)
		}
		for _, u := range []int64{w.owner, w.officer} {
			if s, _ := status(u); s != "sent" {
				t.Errorf("user %d: e-mail %s, want sent", u, s)
			}
		}
		if len(m.Sent()) != 2 {
			t.Errorf("got %d e-mails, want 2 (one per recipient)", len(m.Sent()))
		}
		// A server that never accepts: given up after MaxEmailAttempts.
		w.at(d(2029, time.October, 21))
		m.FailNext(1000)
		for run := 0; run < evaluation.MaxEmailAttempts+2; run++ {
			if _, err := jobs.SendNotices(e.Ctx()); err != nil {
				t.Fatal(err)
			}
		}
		var s string
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT email_status, email_attempts FROM notifications WHERE user_id = ? AND kind = 'expiry'",
			w.owner).Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		if s != "failed" || n != evaluation.MaxEmailAttempts {
			t.Errorf("never accepted: got %s after %d attempts, want failed after %d", s, n, evaluation.MaxEmailAttempts)
		}
	})
}

// Without an SMTP server the e-mails are logged, recorded as such, and
// the notice does not claim to have gone by e-mail.
func TestNoticeWithoutSMTP(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	w := newNoticeWorld(t, e)
	cert := w.cert(w.product, "1/GCN-OCOP-01-2026", d(2026, time.November, 20))
	w.at(d(2029, time.October, 21))
	rep, err := w.jobs(mail.LogMailer{}).SendNotices(e.Ctx())
	if err != nil || rep.Notices[evaluation.NoticeExpiry] != 1 || rep.Emails != 0 || rep.EmailsLogged != 2 {
		t.Fatalf("got %+v, %v; want 1 expiry notice and 2 e-mails logged, none sent", rep, err)
	}
	if n := w.count("SELECT COUNT(*) FROM notifications WHERE email_status = 'logged'"); n != 2 {
		t.Errorf("got %d e-mails recorded as logged, want 2", n)
	}
	if n := w.count("SELECT COUNT(*) FROM notices WHERE certificate_id = ? AND channel = 'app'", cert); n != 1 {
		t.Errorf("notice channel: want app only")
	}
}

// Several instances run the job at once: exactly one takes the lease and
// sends the notice; the others are told who holds it. A job that fails
// gives its lease back, so the next attempt retries at once; one that
// succeeded is not due again for its period.
func TestJobLease(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newNoticeWorld(t, e)
		w.cert(w.product, "1/GCN-OCOP-01-2026", d(2026, time.November, 20))
		w.at(d(2029, time.May, 24))
		const n = 4
		runners := make([]*evaluation.Jobs, n)
		for i := range runners {
			runners[i] = evaluation.NewJobs(e.App.Evaluation, evaluation.JobOptions{Mailer: &mailtest.Recorder{}, Catalog: e.App.Catalog,
				Holder: "instance-" + string(rune('a'+i))})
		}
		results := make([][]evaluation.JobRun, n)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range runners {
			done.Go(func() {
				start.Wait()
				results[i] = runners[i].RunDue(context.Background())
			})
		}
		start.Done()
		done.Wait()
		ran, holder := 0, ""
		for i, rs := range results {
			for _, r := range rs {
				if r.Err != nil {
					t.Errorf("runner %d: %v", i, r.Err)
				}
				if r.Name != evaluation.NoticeJob {
					continue
				}
				if r.Ran {
					ran++
					holder = runners[i].Holder()
				}
			}
		}
		if ran != 1 {
			t.Fatalf("got %d runs of the notice job, want 1", ran)
		}
		for i, rs := range results {
			if r := rs[0]; !r.Ran && (r.Holder != holder || !r.Until.Equal(e.Clock.Now().Add(time.Hour).Truncate(time.Second))) {
				t.Errorf("runner %d: told the lease is held by %q until %s, want %q until an hour from now", i, r.Holder, r.Until, holder)
			}
		}
		if got := w.count("SELECT COUNT(*) FROM notices"); got != 1 {
			t.Errorf("got %d notices, want 1", got)
		}
		// Within the hour nobody runs it again; after it, one does.
		e.Clock.Advance(59 * time.Minute)
		if r := runners[0].RunDue(e.Ctx()); r[0].Ran {
			t.Error("59 minutes later: the job ran again")
		}
		e.Clock.Advance(2 * time.Minute)
		if r := runners[1].RunDue(e.Ctx()); !r[0].Ran || r[0].Err != nil {
			t.Errorf("61 minutes later: got %+v, want a run", r[0])
		}
		// A failing job is retried by the next attempt.
		calls := 0
		flaky := evaluation.NewJobs(e.App.Evaluation, evaluation.JobOptions{Mailer: &mailtest.Recorder{}, Catalog: e.App.Catalog, Holder: "flaky"})
		flaky.Add(evaluation.Job{Name: "flaky", Every: time.Hour, Run: func(context.Context) (string, error) {
			calls++
			if calls == 1 {
				return "", errors.New("database away")
			}
			return "ok", nil
		}})
		if r := flaky.RunDue(e.Ctx()); !r[1].Ran || r[1].Err == nil || !strings.Contains(r[1].Err.Error(), "database away") {
			t.Errorf("first attempt: got %+v, want a failed run", r[1])
		}
		if r := flaky.RunDue(e.Ctx()); !r[1].Ran || r[1].Err != nil || r[1].Report != "ok" {
			t.Errorf("second attempt: got %+v, want a successful run", r[1])
		}
		if r := flaky.RunDue(e.Ctx()); r[1].Ran || calls != 2 {
			t.Errorf("third attempt: ran %v after %d calls, want no run", r[1].Ran, calls)
		}
	})
}
