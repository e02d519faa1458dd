package evaluation

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/db"
	"ocop/internal/i18n"
	"ocop/internal/mail"
)

// This file runs the background jobs: the hourly job that sends the
// notices of notice.go (in the app and by e-mail), and the lease that lets
// one of several instances run a job at a time. `ocop serve` runs Loop;
// `ocop jobs run` runs RunDue once, for cron and tests.

// Job is a background task. Run returns a one-line report for the log.
type Job struct {
	Name string
	// Every is how often the job runs: an instance that starts it holds
	// its lease that long, so the instances together run it once a period.
	Every time.Duration
	Run   func(ctx context.Context) (string, error)
}

// NoticeJob is the name of the job that sends certificate notices.
const NoticeJob = "certificate-notices"

// MaxEmailAttempts bounds the retries of one e-mail: with the hourly job,
// a day of trying before it is marked failed.
const MaxEmailAttempts = 24

// JobOptions configure the jobs.
type JobOptions struct {
	// Mailer sends the e-mail copies (mail.LogMailer when no SMTP server
	// is configured: nothing is e-mailed, the log says what would have been).
	Mailer mail.Mailer
	// Catalog writes the e-mails in each recipient's language.
	Catalog i18n.Catalog
	// BaseURL, if set, puts a link to the platform in the e-mails.
	BaseURL string
	Log     *slog.Logger
	// Holder names this instance in the lease table (default host:pid:random).
	Holder string
	// FirstRun is the wait before the loop's first run (default 1 minute,
	// so that a restart loop does not hammer the database); Tick the wait
	// between attempts to take a lease (default 5 minutes).
	FirstRun, Tick time.Duration
}

// Jobs runs the platform's background jobs.
type Jobs struct {
	s    *Service
	opt  JobOptions
	jobs []Job
}

// NewJobs returns the jobs of the evaluation service: the certificate
// notices, hourly.
func NewJobs(s *Service, opt JobOptions) *Jobs {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Mailer == nil {
		opt.Mailer = mail.LogMailer{Log: opt.Log}
	}
	if opt.Holder == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		opt.Holder = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if opt.FirstRun <= 0 {
		opt.FirstRun = time.Minute
	}
	if opt.Tick <= 0 {
		opt.Tick = 5 * time.Minute
	}
	opt.BaseURL = strings.TrimSuffix(opt.BaseURL, "/")
	j := &Jobs{s: s, opt: opt}
	j.jobs = []Job{{Name: NoticeJob, Every: time.Hour, Run: func(ctx context.Context) (string, error) {
		r, err := j.SendNotices(ctx)
		return r.String(), err
	}}}
	return j
}

// Add registers another job (other modules' jobs; tests).
func (j *Jobs) Add(job Job) { j.jobs = append(j.jobs, job) }

// Holder is the name this instance takes leases under.
func (j *Jobs) Holder() string { return j.opt.Holder }

// JobRun is what RunDue did with one job.
type JobRun struct {
	Name string
	// Ran is false when another run held the lease: Holder until Until.
	Ran    bool
	Holder string
	Until  time.Time
	Report string
	Err    error
}

// RunDue runs every job whose lease is free, one after the other, and
// says what each did. A job that fails gives its lease back so that the
// next attempt (the loop's next tick) retries it.
func (j *Jobs) RunDue(ctx context.Context) []JobRun {
	var out []JobRun
	for _, job := range j.jobs {
		r := JobRun{Name: job.Name}
		now := j.s.stampNow()
		took, err := j.takeLease(ctx, job.Name, now, now.Add(job.Every))
		switch {
		case err != nil:
			r.Err = fmt.Errorf("job %s: lease: %w", job.Name, err)
		case !took:
			r.Holder, r.Until, r.Err = j.lease(ctx, job.Name)
		default:
			r.Ran = true
			r.Report, r.Err = job.Run(ctx)
			if r.Err != nil {
				r.Err = fmt.Errorf("job %s: %w", job.Name, r.Err)
				if err := j.giveBack(ctx, job.Name); err != nil {
					r.Err = errors.Join(r.Err, err)
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// Loop runs the due jobs after FirstRun and then every Tick until ctx
// ends, logging what they did.
func (j *Jobs) Loop(ctx context.Context) {
	t := time.NewTimer(j.opt.FirstRun)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, r := range j.RunDue(ctx) {
			switch {
			case r.Err != nil && ctx.Err() == nil:
				j.opt.Log.ErrorContext(ctx, "job failed", "job", r.Name, "err", r.Err)
			case r.Ran:
				j.opt.Log.InfoContext(ctx, "job ran", "job", r.Name, "report", r.Report)
			default:
				j.opt.Log.DebugContext(ctx, "job not due", "job", r.Name, "holder", r.Holder, "until", r.Until)
			}
		}
		t.Reset(j.opt.Tick)
	}
}

// takeLease takes the lease of a job until until if nobody holds it now:
// one UPDATE … WHERE until < now, which the database applies to one
// runner only (SQLite has one writer; PostgreSQL locks the row and
// re-checks the condition for the second). The row is created on first
// use, already expired.
func (j *Jobs) takeLease(ctx context.Context, name string, now, until time.Time) (bool, error) {
	if _, err := j.s.db.ExecContext(ctx, "INSERT INTO job_leases (name, holder, until) VALUES (?, '', ?) ON CONFLICT (name) DO NOTHING",
		name, time.Unix(0, 0).UTC()); err != nil {
		return false, err
	}
	res, err := j.s.db.ExecContext(ctx, "UPDATE job_leases SET holder = ?, until = ? WHERE name = ? AND until < ?", j.opt.Holder, until, name, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// giveBack ends this instance's lease of a job now.
func (j *Jobs) giveBack(ctx context.Context, name string) error {
	_, err := j.s.db.ExecContext(ctx, "UPDATE job_leases SET until = ? WHERE name = ? AND holder = ?", time.Unix(0, 0).UTC(), name, j.opt.Holder)
	return err
}

// lease reads who holds a job's lease, and until when.
func (j *Jobs) lease(ctx context.Context, name string) (string, time.Time, error) {
	var holder string
	var until time.Time
	err := j.s.db.QueryRowContext(ctx, "SELECT holder, until FROM job_leases WHERE name = ?", name).Scan(&holder, &until)
	return holder, until, err
}

// NoticeReport counts what one run of the notice job did.
type NoticeReport struct {
	Notices map[NoticeKind]int
	// Recorded counts expiries recorded without notifying anyone (older
	// than ExpiredNotifyDays).
	Recorded      int
	Notifications int
	// Emails were accepted by the SMTP server; EmailsLogged only logged
	// (no server configured); EmailFailures will be retried (up to
	// MaxEmailAttempts).
	Emails, EmailsLogged, EmailFailures int
}

// String is the report's log line.
func (r NoticeReport) String() string {
	var parts []string
	for _, k := range NoticeKinds {
		if n := r.Notices[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	notices := "no notice due"
	if len(parts) > 0 {
		notices = "notices: " + strings.Join(parts, ", ")
	}
	line := fmt.Sprintf("%s; %d expiries recorded without notice; %d notifications; %d e-mails sent, %d failed",
		notices, r.Recorded, r.Notifications, r.Emails, r.EmailFailures)
	if r.EmailsLogged > 0 {
		line += fmt.Sprintf(", %d logged only (no SMTP server)", r.EmailsLogged)
	}
	return line
}

// systemPrincipal is who the audit log names for the jobs' changes.
var systemPrincipal = &account.Principal{Username: "system", DisplayName: "system"}

// SendNotices sends the notices due today (DueNotice) for every
// certificate, each in its own transaction with its notices row, one
// in-app notification per recipient and its audit row, then e-mails the
// pending copies. It is idempotent: a notice already sent is never sent
// again, and running it twice in a day sends nothing the second time. A
// failure on one certificate or one e-mail does not stop the others; the
// error lists them and the next run retries.
func (j *Jobs) SendNotices(ctx context.Context) (NoticeReport, error) {
	s := j.s
	rep := NoticeReport{Notices: map[NoticeKind]int{}}
	today := s.Today()
	// Candidates: valid or expired certificates (never revoked or
	// superseded) that the re-rating lead time has reached and whose
	// expiry is not yet recorded, so the list stays short however long
	// the history.
	certs, err := s.certQuery(ctx, s.db, today, `c.revoked_on = '' AND c.superseded_by IS NULL AND c.expires_on <= ?
		AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.certificate_id = c.id AND n.kind = 'expired')`,
		"ORDER BY c.expires_on, c.id", today.AddDays(ReratingOpensDaysBefore))
	if err != nil {
		return rep, fmt.Errorf("notice candidates: %w", err)
	}
	products := make([]int64, 0, len(certs))
	for _, c := range certs {
		products = append(products, c.ProductID)
	}
	slices.Sort(products)
	rr, err := filedReratings(ctx, s.db, slices.Compact(products))
	if err != nil {
		return rep, err
	}
	sent, err := sentNotices(ctx, s.db, certs)
	if err != nil {
		return rep, err
	}
	var errs []error
	for i := range certs {
		c := &certs[i]
		f := NoticeFacts{Status: c.Status, Expiry: c.ExpiresOn, ValidUntil: c.ValidUntil}
		r, filed := reratingOf(rr, c)
		if filed {
			f.ReratingFiled = r.filed
		}
		kind, due := DueNotice(f, today)
		if !due || sent[c.ID][kind] {
			continue
		}
		pending := filed && !r.state.Terminal()
		n, done, err := j.sendNotice(ctx, c, kind, f, pending, today)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("certificate %s: %s notice: %w", c.Number, kind, err))
			j.opt.Log.WarnContext(ctx, "notice not sent", "certificate", c.Number, "kind", kind, "err", err)
		case !done:
		case kind == NoticeExpired && !NotifyExpired(c.ValidUntil, today):
			rep.Recorded++
		default:
			rep.Notices[kind]++
			rep.Notifications += n
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	accepted, failed, err := j.deliverEmails(ctx)
	if mail.Delivers(j.opt.Mailer) {
		rep.Emails = accepted
	} else {
		rep.EmailsLogged = accepted
	}
	rep.EmailFailures = failed
	if err != nil {
		errs = append(errs, err)
	}
	return rep, errors.Join(errs...)
}

// sentNotices reads which notices the certificates already had.
func sentNotices(ctx context.Context, q db.Queryer, certs []Certificate) (map[int64]map[NoticeKind]bool, error) {
	out := map[int64]map[NoticeKind]bool{}
	for from := 0; from < len(certs); from += 500 {
		chunk := certs[from:min(from+500, len(certs))]
		ids := make([]any, len(chunk))
		for i, c := range chunk {
			ids[i] = c.ID
		}
		rows, err := q.QueryContext(ctx, "SELECT certificate_id, kind FROM notices WHERE certificate_id IN ("+db.Placeholders(len(ids))+")", ids...)
		if err != nil {
			return nil, fmt.Errorf("sent notices: %w", err)
		}
		for rows.Next() {
			var id int64
			var kind NoticeKind
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return nil, err
			}
			if out[id] == nil {
				out[id] = map[NoticeKind]bool{}
			}
			out[id][kind] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// day formats a date as the notices print it (the same in both languages).
func day(d Date) string { return d.Time().Format("02/01/2006") }

// noticeMessage returns the catalogue key and arguments of a notice. The
// first two arguments are always the product's name and the certificate's
// number, which the e-mail subjects use.
func noticeMessage(c *Certificate, kind NoticeKind, f NoticeFacts, pending bool, today Date) (string, []string) {
	head := []string{c.ProductName, c.Number}
	opens, closes := ReratingWindow(c.ExpiresOn)
	switch kind {
	case NoticeReratingOpen:
		return "notice.msg_rerating_open", append(head, day(opens), day(closes), day(closes), day(c.ExpiresOn))
	case NoticeReratingReminder:
		return "notice.msg_rerating_reminder", append(head, day(closes), strconv.Itoa(closes.Sub(today)), day(c.ExpiresOn))
	case NoticeExpiry:
		left := strconv.Itoa(c.ExpiresOn.Sub(today))
		if until, ok := TransitionalValidUntil(c.ExpiresOn, f.ReratingFiled, Date{}); pending && ok {
			return "notice.msg_expiry_pending", append(head, day(c.ExpiresOn), left, day(f.ReratingFiled), day(until))
		}
		return "notice.msg_expiry", append(head, day(c.ExpiresOn), left)
	default:
		return "notice.msg_expired", append(head, day(c.ValidUntil.AddDays(1)))
	}
}

// sendNotice records one notice of a certificate, in one transaction: the
// notices row (a concurrent or earlier run that got there first makes this
// a no-op: done is false), the notifications of its recipients with their
// e-mail copies queued, and the audit row (certificate.expire for the
// expiry, certificate.notice for the others). An expiry older than
// ExpiredNotifyDays is recorded without notifications.
func (j *Jobs) sendNotice(ctx context.Context, c *Certificate, kind NoticeKind, f NoticeFacts, pending bool, today Date) (n int, done bool, err error) {
	s := j.s
	notify := kind != NoticeExpired || NotifyExpired(c.ValidUntil, today)
	key, args := noticeMessage(c, kind, f, pending, today)
	link := "/admin/certificates/" + strconv.FormatInt(c.ID, 10)
	now := s.stampNow()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var rs []Recipient
		if notify {
			if rs, err = NoticeRecipients(ctx, tx, c.ProducerID, c.CommuneCode); err != nil {
				return err
			}
		}
		channel := "none"
		if notify {
			channel = "app"
			if mail.Delivers(j.opt.Mailer) && slices.ContainsFunc(rs, func(r Recipient) bool { return r.Email != "" }) {
				channel = "app+email"
			}
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO notices (certificate_id, kind, sent_at, channel) VALUES (?, ?, ?, ?)
			ON CONFLICT (certificate_id, kind) DO NOTHING`, c.ID, string(kind), now, channel)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // sent by another run
		}
		if err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		if err := insertNotifications(ctx, tx, now, rs, id, c.ID, string(kind), key, args, link); err != nil {
			return err
		}
		n, done = len(rs), true
		if kind == NoticeExpired {
			return account.Audit(ctx, tx, systemPrincipal, "certificate.expire", "certificate", c.ID, c.CommuneCode,
				map[string]any{"number": c.Number, "expires_on": c.ExpiresOn.String(), "valid_until": c.ValidUntil.String()},
				map[string]any{"number": c.Number, "status": string(CertExpired), "expired_on": c.ValidUntil.AddDays(1).String(), "notified": len(rs)})
		}
		return account.Audit(ctx, tx, systemPrincipal, "certificate.notice", "certificate", c.ID, c.CommuneCode, nil,
			map[string]any{"number": c.Number, "kind": string(kind), "recipients": len(rs), "channel": channel})
	})
	if err != nil {
		return 0, false, err
	}
	return n, done, nil
}

// pendingEmail is a notification whose e-mail copy is to be sent.
type pendingEmail struct {
	id                  int64
	to, kind, key, link string
	args                []string
	attempts            int
	name, lang          string
}

// deliverEmails sends the pending e-mail copies of notifications, oldest
// first: new ones and those that failed before, and says how many the
// mailer accepted and refused. A failure counts an attempt and is retried
// on the next run, up to MaxEmailAttempts; it never stops the job.
func (j *Jobs) deliverEmails(ctx context.Context) (sent, failed int, err error) {
	s := j.s
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.email, n.kind, n.message, n.args, n.link, n.email_attempts,
			CASE WHEN u.display_name <> '' THEN u.display_name ELSE u.username END, u.locale
		FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.email_status = 'pending' ORDER BY n.id LIMIT 500`)
	if err != nil {
		return 0, 0, fmt.Errorf("e-mail queue: %w", err)
	}
	var queue []pendingEmail
	for rows.Next() {
		var p pendingEmail
		var args string
		if err := rows.Scan(&p.id, &p.to, &p.kind, &p.key, &args, &p.link, &p.attempts, &p.name, &p.lang); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if err := json.Unmarshal([]byte(args), &p.args); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("notification %d: %w", p.id, err)
		}
		queue = append(queue, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	status := "sent"
	if !mail.Delivers(j.opt.Mailer) {
		status = "logged"
	}
	for _, p := range queue {
		if ctx.Err() != nil {
			return sent, failed, ctx.Err()
		}
		serr := j.opt.Mailer.Send(ctx, j.email(p))
		now := s.stampNow()
		if serr == nil {
			_, err = s.db.ExecContext(ctx, `UPDATE notifications SET email_status = ?, email_attempts = email_attempts + 1, email_error = '',
				emailed_at = ? WHERE id = ? AND email_status = 'pending'`, status, now, p.id)
			sent++
		} else {
			next := "pending"
			if p.attempts+1 >= MaxEmailAttempts {
				next = "failed"
			}
			msg := serr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			_, err = s.db.ExecContext(ctx, `UPDATE notifications SET email_status = ?, email_attempts = email_attempts + 1, email_error = ?,
				emailed_at = ? WHERE id = ? AND email_status = 'pending'`, next, msg, now, p.id)
			failed++
			j.opt.Log.WarnContext(ctx, "notice e-mail not sent", "notification", p.id, "attempt", p.attempts+1, "err", serr)
		}
		if err != nil {
			return sent, failed, fmt.Errorf("record e-mail of notification %d: %w", p.id, err)
		}
	}
	return sent, failed, nil
}

// email writes the e-mail copy of a notification in its recipient's
// language.
func (j *Jobs) email(p pendingEmail) mail.Message {
	lang := p.lang
	if !slices.Contains(i18n.Languages, lang) {
		lang = i18n.Languages[0]
	}
	t := func(key string, args ...any) string { return j.opt.Catalog.T(lang, key, args...) }
	product := ""
	if len(p.args) > 0 {
		product = p.args[0]
	}
	var b strings.Builder
	b.WriteString(t("notice.mail_greeting", p.name) + "\n\n")
	b.WriteString(t(p.key, anySlice(p.args)...) + "\n\n")
	if j.opt.BaseURL != "" {
		b.WriteString(t("notice.mail_link", j.opt.BaseURL+p.link) + "\n\n")
	}
	b.WriteString(t("notice.mail_footer") + "\n")
	return mail.Message{To: []string{p.to}, Subject: t("notice.subject_"+p.kind, product), Body: b.String()}
}
