package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/config"
	"ocop/internal/mail"
)

// mailbox is a mailer that hands every message to the test.
type mailbox chan mail.Message

func (m mailbox) Send(_ context.Context, msg mail.Message) error { m <- msg; return nil }

// next waits for the next message (a hang guard, not a speed check).
func (m mailbox) next(t *testing.T) mail.Message {
	t.Helper()
	select {
	case msg := <-m:
		return msg
	case <-time.After(30 * time.Second):
		t.Fatal("no e-mail sent")
	}
	return mail.Message{}
}

// empty reports that nothing more was sent.
func (m mailbox) empty(t *testing.T, why string) {
	t.Helper()
	select {
	case msg := <-m:
		t.Errorf("%s: an e-mail was sent to %v", why, msg.To)
	default:
	}
}

var resetLinkRe = regexp.MustCompile(`https://ocop\.example\.vn(/password/reset\?token=[A-Za-z0-9_-]+)`)

func resetLink(t *testing.T, msg mail.Message) string {
	t.Helper()
	m := resetLinkRe.FindStringSubmatch(msg.Body)
	if m == nil {
		t.Fatalf("no reset link in the e-mail:\n%s", msg.Body)
	}
	return m[1]
}

// recoveryWorld is a platform whose reset e-mails land in box.
func recoveryWorld(t *testing.T, fn func(t *testing.T, e *apptest.Env, box mailbox)) {
	apptest.EachWith(t, func(c *config.Config) { c.BaseURL = "https://ocop.example.vn" }, func(t *testing.T, e *apptest.Env) {
		box := make(mailbox, 20)
		e.App.Web.Mailer = box
		fn(t, e, box)
	})
}

func setEmail(t *testing.T, e *apptest.Env, username, email string) {
	t.Helper()
	if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE users SET email = ? WHERE username = ?", email, username); err != nil {
		t.Fatal(err)
	}
}

func auditCount(t *testing.T, e *apptest.Env, action, username string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT COUNT(*) FROM audit_log a JOIN users u ON CAST(u.id AS TEXT) = a.entity_id
		WHERE a.action = ? AND a.entity = 'user' AND u.username = ?`, action, username).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// csrfValueRe finds CSRF tokens, which differ from page to page.
var csrfValueRe = regexp.MustCompile(`name="csrf" value="[^"]*"`)

// The journey: five wrong passwords lock the account for 15 minutes (the
// right password is refused meanwhile, with a way out); "Forgot password?"
// from the login page sends a one-time link by e-mail, answered exactly as
// for a name nobody has; the link sets a new password, unlocks the
// account, ends every session and is audited; it works once only.
func TestPasswordRecovery(t *testing.T) {
	recoveryWorld(t, func(t *testing.T, e *apptest.Env, box mailbox) {
		user := e.User(account.RoleProducer)
		setEmail(t, e, user, "Hoa.Nguyen@example.vn")
		other := e.Session(user) // a session on another device
		anon := e.Anon()

		// Locked after five wrong passwords; then even the right one fails.
		for i := range account.LockAfter {
			r := anon.PostForm("/login", url.Values{"username": {user}, "password": {"wrong-password-1"}})
			if r.Status != 422 || !strings.Contains(r.Body, "không đúng") {
				t.Fatalf("wrong password %d: status %d\n%s", i, r.Status, r.Body)
			}
		}
		e.Clock.Advance(time.Minute) // refill the per-username login limit
		r := anon.PostForm("/login", url.Values{"username": {user}, "password": {apptest.Password}})
		if r.Status != 422 || !strings.Contains(r.Body, "tạm khoá") || !strings.Contains(r.Body, "14 phút") {
			t.Fatalf("locked account, right password: status %d\n%s", r.Status, r.Body)
		}
		if n := auditCount(t, e, "user.locked", user); n != 1 {
			t.Errorf("lock audited %d times, want 1", n)
		}

		// The login page leads to the form.
		if r := anon.Get("/login"); !strings.Contains(r.Body, `href="/password/forgot"`) {
			t.Errorf("login page: no link to the forgot-password page")
		}
		if r := anon.Get("/password/forgot"); r.Status != 200 || !strings.Contains(r.Body, `name="who"`) {
			t.Fatalf("forgot form: %d", r.Status)
		}
		// An unknown name gets the same answer as a real one, and no e-mail.
		nobody := anon.PostForm("/password/forgot", url.Values{"who": {"nobody-at-all"}})
		box.empty(t, "unknown name")
		known := anon.PostForm("/password/forgot", url.Values{"who": {"  hoa.nguyen@EXAMPLE.vn "}})
		if nobody.Status != 200 || known.Status != 200 ||
			csrfValueRe.ReplaceAllString(nobody.Body, "") != csrfValueRe.ReplaceAllString(known.Body, "") {
			t.Errorf("forgot: unknown %d and known %d answers differ", nobody.Status, known.Status)
		}
		msg := box.next(t)
		if len(msg.To) != 1 || msg.To[0] != "Hoa.Nguyen@example.vn" || !strings.Contains(msg.Body, user) || msg.Subject == "" {
			t.Errorf("reset e-mail: %+v", msg)
		}
		link := resetLink(t, msg)
		token := strings.TrimPrefix(link, "/password/reset?token=")
		var stored int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM password_resets WHERE token_hash = ?", token).Scan(&stored)
		if stored != 0 {
			t.Errorf("the reset token is stored as it is, not hashed")
		}

		// The link's form; bad input is explained and uses nothing up.
		page := anon.Get(link)
		if page.Status != 200 || !strings.Contains(page.Body, user) || page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("reset form: %d %q\n%s", page.Status, page.Header.Get("Referrer-Policy"), page.Body)
		}
		for _, tt := range []struct{ pw, confirm, want string }{
			{"brand-new-password-1", "brand-new-password-2", "không khớp"},
			{"short", "short", "ít nhất"},
		} {
			r := anon.PostForm("/password/reset", url.Values{"token": {token}, "password": {tt.pw}, "confirm": {tt.confirm}})
			if r.Status != 422 || !strings.Contains(r.Body, tt.want) {
				t.Errorf("reset with %q/%q: status %d, want 422 with %q\n%s", tt.pw, tt.confirm, r.Status, tt.want, r.Body)
			}
		}
		r = anon.PostForm("/password/reset", url.Values{"token": {token}, "password": {"brand-new-password-1"}, "confirm": {"brand-new-password-1"}})
		if r.Status != http.StatusSeeOther || r.Location() != "/login" {
			t.Fatalf("reset: status %d %q\n%s", r.Status, r.Location(), r.Body)
		}
		if n := auditCount(t, e, "user.reset_by_link", user); n != 1 {
			t.Errorf("reset audited %d times, want 1", n)
		}
		if n := auditCount(t, e, "user.reset_requested", user); n != 1 {
			t.Errorf("reset request audited %d times, want 1", n)
		}
		// Every other session has ended.
		if r := other.Get("/account"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("a session from before the reset still works: %d %q", r.Status, r.Location())
		}
		// The link works once.
		if r := anon.Get(link); r.Status != http.StatusGone || !strings.Contains(r.Body, "đã dùng rồi") {
			t.Errorf("used link: status %d", r.Status)
		}
		r = anon.PostForm("/password/reset", url.Values{"token": {token}, "password": {"another-password-9"}, "confirm": {"another-password-9"}})
		if r.Status != 422 || !strings.Contains(r.Body, "đã dùng rồi") {
			t.Errorf("used link again: status %d\n%s", r.Status, r.Body)
		}
		// Unlocked, with the new password only.
		e.Clock.Advance(time.Minute)
		if r := anon.PostForm("/login", url.Values{"username": {user}, "password": {apptest.Password}}); r.Status != 422 {
			t.Errorf("old password after reset: status %d", r.Status)
		}
		if r := e.Anon().PostForm("/login", url.Values{"username": {user}, "password": {"brand-new-password-1"}}); r.Status != http.StatusSeeOther {
			t.Errorf("new password after reset: status %d\n%s", r.Status, r.Body)
		}
	})
}

// Links expire after an hour; asking again makes the earlier link useless;
// an account gets at most three links an hour (later requests are answered
// the same and send nothing); disabled accounts and accounts without an
// e-mail address get nothing; one client is limited to five requests,
// then 429 with Retry-After; another user's link changes only that user.
func TestPasswordRecoveryLimits(t *testing.T) {
	recoveryWorld(t, func(t *testing.T, e *apptest.Env, box mailbox) {
		ask := func(who string) *apptest.Response {
			t.Helper()
			r := e.Anon().PostForm("/password/forgot", url.Values{"who": {who}})
			if r.Status != 200 {
				t.Fatalf("forgot %s: status %d\n%s", who, r.Status, r.Body)
			}
			return r
		}
		a := e.User(account.RoleOffice)
		setEmail(t, e, a, "a@example.vn")
		b := e.User(account.RoleBuyer)
		setEmail(t, e, b, "b@example.vn")

		ask(a)
		first := resetLink(t, box.next(t))
		e.Clock.Advance(30 * time.Minute)
		ask(a)
		second := resetLink(t, box.next(t))
		if r := e.Anon().Get(first); r.Status != http.StatusGone {
			t.Errorf("earlier link after a new one: status %d", r.Status)
		}
		if r := e.Anon().Get(second); r.Status != 200 {
			t.Errorf("newest link: status %d", r.Status)
		}
		e.Clock.Advance(61 * time.Minute)
		if r := e.Anon().Get(second); r.Status != http.StatusGone {
			t.Errorf("link after 61 minutes: status %d", r.Status)
		}

		// Three links an hour per account.
		for range 3 {
			ask(b)
			box.next(t)
		}
		e.Clock.Advance(10 * time.Minute) // refill the per-client limit
		ask(b)
		box.empty(t, "fourth request within the hour")
		e.Clock.Advance(51 * time.Minute)
		ask(b)
		bLink := resetLink(t, box.next(t))

		// Disabled accounts and accounts without e-mail get nothing.
		c := e.User(account.RoleCommune, "00577")
		ask(c)
		d := e.User(account.RoleCouncil)
		setEmail(t, e, d, "d@example.vn")
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE users SET status = 'disabled' WHERE username = ?", d); err != nil {
			t.Fatal(err)
		}
		ask("d@example.vn")
		box.empty(t, "no e-mail address or disabled")

		// B's link changes B, not A.
		r := e.Anon().PostForm("/password/reset", url.Values{"token": {strings.TrimPrefix(bLink, "/password/reset?token=")},
			"username": {a}, "password": {"b-new-password-77"}, "confirm": {"b-new-password-77"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reset B: %d\n%s", r.Status, r.Body)
		}
		if _, _, err := e.App.Accounts.Login(e.Ctx(), b, "b-new-password-77", "", ""); err != nil {
			t.Errorf("B with the new password: %v", err)
		}
		if _, _, err := e.App.Accounts.Login(e.Ctx(), a, apptest.Password, "", ""); err != nil {
			t.Errorf("A's password changed by B's link: %v", err)
		}

		// One client: five requests at once, then 429 with Retry-After.
		e.Clock.Advance(10 * time.Minute)
		client := e.Anon()
		for i := range 6 {
			r := client.PostForm("/password/forgot", url.Values{"who": {"someone"}})
			if i < 5 && r.Status != 200 {
				t.Fatalf("request %d: status %d", i, r.Status)
			}
			if i == 5 && (r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "") {
				t.Errorf("sixth request: status %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
			}
		}
	})
}

// The lock is timed and grows: 15 minutes after five wrong passwords, 30
// after the next five; a success in between starts the count again.
func TestTimedLockout(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.Accounts
		ctx := e.Ctx()
		user := e.User(account.RoleOffice)
		fail := func(n int) {
			for range n {
				s.Login(ctx, user, "wrong-password-x", "", "")
			}
		}
		can := func(when string, want bool) {
			t.Helper()
			_, _, err := s.Login(ctx, user, apptest.Password, "", "")
			if (err == nil) != want {
				t.Errorf("%s: login error %v, want success %v", when, err, want)
			}
		}
		fail(4)
		can("after 4 wrong passwords", true) // resets the count
		fail(5)
		can("just locked", false)
		e.Clock.Advance(14 * time.Minute)
		fail(20) // refused without counting while locked
		can("after 14 minutes", false)
		e.Clock.Advance(2 * time.Minute)
		fail(5) // the count goes on: 10 in a row
		can("locked again", false)
		e.Clock.Advance(29 * time.Minute)
		can("after 29 more minutes", false)
		e.Clock.Advance(2 * time.Minute)
		can("after 31 minutes", true)
		// An administrator's reset unlocks at once too.
		fail(5)
		u, _ := s.UserByName(ctx, user)
		if err := s.ResetPassword(ctx, e.Admin(), u.ID, "admin-set-password-1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, user, "admin-set-password-1", "", ""); err != nil {
			t.Errorf("after an administrator's reset: %v", err)
		}
	})
}
