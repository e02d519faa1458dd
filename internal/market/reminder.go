package market

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"ocop/internal/account"
	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// This file is the expiry reminders of certifications and standards: a
// background job (registered with evaluation.Jobs) that tells the
// producer's verified accounts and its commune's officers, in the app and
// by e-mail, when a record's validity is about to end and the day after
// it ended. Which reminders went out is recorded in certification_notices
// (migration 0018), keyed by the valid_until they were about.

// CertificationReminderJob is the name of the reminder job (job_leases).
const CertificationReminderJob = "certification-reminders"

// CertificationReminderDays is how long before valid_until the expiry
// reminder goes out: the same 30 days as for OCOP certificates
// (evaluation.DueNotice).
const CertificationReminderDays = 30

// Reminder kinds, as recorded in certification_notices and, prefixed with
// "certification_", as the notifications' kind.
const (
	ReminderExpiry  = "expiry"  // valid_until is within CertificationReminderDays
	ReminderExpired = "expired" // valid_until has passed
)

// NotificationKind is the notifications.kind of a reminder kind (the notice
// list shows notice.kind_<it>, the e-mail subject is notice.subject_<it>).
func NotificationKind(reminder string) string { return "certification_" + reminder }

// DueReminder says which reminder a record valid through validUntil is due
// on today: the expiry reminder from CertificationReminderDays before to
// the last valid day, the expired one from the day after for
// evaluation.ExpiredNotifyDays (an older expiry — records entered long
// after the fact, or a platform that was not running — is nobody's news),
// none otherwise. A record without an end date (zero validUntil) never
// gets one.
func DueReminder(validUntil, today evaluation.Date) (string, bool) {
	switch {
	case validUntil.IsZero():
		return "", false
	case !today.After(validUntil) && validUntil.Sub(today) <= CertificationReminderDays:
		return ReminderExpiry, true
	case today.After(validUntil) && evaluation.NotifyExpired(validUntil, today):
		return ReminderExpired, true
	}
	return "", false
}

// ReminderReport counts what one run of the reminder job did.
type ReminderReport struct {
	Expiry, Expired, Notifications int
	Emails                         evaluation.EmailReport
}

// String is the report's log line.
func (r ReminderReport) String() string {
	return fmt.Sprintf("%d expiry reminders, %d expired notices; %d notifications; %s", r.Expiry, r.Expired, r.Notifications, r.Emails)
}

// CertificationReminderJob returns the hourly reminder job; deliver sends
// the e-mails queued (evaluation.Jobs.DeliverEmails), so that they go out
// with the run that wrote them.
func (s *Service) CertificationReminderJob(deliver func(context.Context) (evaluation.EmailReport, error)) evaluation.Job {
	return evaluation.Job{Name: CertificationReminderJob, Every: time.Hour, Run: func(ctx context.Context) (string, error) {
		r, err := s.SendCertificationReminders(ctx)
		if deliver != nil {
			var derr error
			r.Emails, derr = deliver(ctx)
			err = errors.Join(err, derr)
		}
		return r.String(), err
	}}
}

// reminderCandidate is a certification a reminder is due for.
type reminderCandidate struct {
	id, producerID int64
	kind, number   string
	issuer         string
	validUntil     evaluation.Date
	holder         string // the product's name, or the producer's
	commune        string
	link           string
	reminder       string
}

// SendCertificationReminders sends the reminders due today (DueReminder),
// each in its own transaction with its certification_notices row, one
// notification per recipient (e-mail queued) and its audit row. It is
// idempotent: a reminder sent for a record's valid_until is not sent
// again, whoever runs it and however often; a record renewed to a later
// valid_until gets its reminders again. A record superseded by a record of
// the same producer, product and kind that is valid for longer gets none
// (the renewal was entered as a new record). A failure on one record does
// not stop the others; the error lists them and the next run retries.
func (s *Service) SendCertificationReminders(ctx context.Context) (ReminderReport, error) {
	var rep ReminderReport
	today := s.Evaluation.Today()
	cs, err := s.reminderCandidates(ctx, today)
	if err != nil {
		return rep, err
	}
	var errs []error
	for i := range cs {
		c := &cs[i]
		n, done, err := s.sendReminder(ctx, c, today)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("certification %d: %s reminder: %w", c.id, c.reminder, err))
			s.Log.WarnContext(ctx, "certification reminder not sent", "certification", c.id, "kind", c.reminder, "err", err)
		case !done:
		case c.reminder == ReminderExpiry:
			rep.Expiry++
			rep.Notifications += n
		default:
			rep.Expired++
			rep.Notifications += n
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	return rep, errors.Join(errs...)
}

// reminderCandidates reads the records a reminder is due for today and
// not yet sent: the window of valid_until around today is small, so the
// list stays short however many records there are.
func (s *Service) reminderCandidates(ctx context.Context, today evaluation.Date) ([]reminderCandidate, error) {
	t := today.String()
	rows, err := s.DB.QueryContext(ctx, `SELECT c.id, c.producer_id, c.kind, c.number, c.issuer, c.valid_until,
			COALESCE(p.name, pr.name), pr.commune_code,
			COALESCE(c.product_id, (SELECT MIN(x.id) FROM products x WHERE x.producer_id = c.producer_id), 0)
		FROM certifications c JOIN producers pr ON pr.id = c.producer_id LEFT JOIN products p ON p.id = c.product_id
		WHERE c.valid_until <> '' AND c.valid_until >= ? AND c.valid_until <= ?
			AND NOT EXISTS (SELECT 1 FROM certification_notices n WHERE n.certification_id = c.id AND n.valid_until = c.valid_until
				AND n.kind = CASE WHEN c.valid_until < ? THEN 'expired' ELSE 'expiry' END)
			AND NOT EXISTS (SELECT 1 FROM certifications o WHERE o.id <> c.id AND o.producer_id = c.producer_id AND o.kind = c.kind
				AND (o.product_id = c.product_id OR (o.product_id IS NULL AND c.product_id IS NULL))
				AND (o.valid_until = '' OR o.valid_until > c.valid_until))
		ORDER BY c.valid_until, c.id`,
		today.AddDays(-evaluation.ExpiredNotifyDays).String(), today.AddDays(CertificationReminderDays).String(), t)
	if err != nil {
		return nil, fmt.Errorf("reminder candidates: %w", err)
	}
	defer rows.Close()
	var out []reminderCandidate
	for rows.Next() {
		var c reminderCandidate
		var until string
		var page int64
		if err := rows.Scan(&c.id, &c.producerID, &c.kind, &c.number, &c.issuer, &until, &c.holder, &c.commune, &page); err != nil {
			return nil, err
		}
		if c.validUntil, err = evaluation.ParseDate(until); err != nil {
			return nil, fmt.Errorf("certification %d: valid_until %q: %w", c.id, until, err)
		}
		var due bool
		if c.reminder, due = DueReminder(c.validUntil, today); !due {
			continue
		}
		// The product's market page lists the product's and the
		// producer's records; a producer without products has its own page.
		c.link = "/admin/producers/" + strconv.FormatInt(c.producerID, 10)
		if page != 0 {
			c.link = "/admin/products/" + strconv.FormatInt(page, 10) + "/market"
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// reminderMessage returns the catalogue key and arguments of a reminder.
// The first argument is the holder (product or producer), which the
// e-mail subject uses.
func reminderMessage(c *reminderCandidate, today evaluation.Date) (string, []string) {
	name := CertificationName(c.kind)
	if c.kind == "other" {
		name = c.issuer
	}
	day := func(d evaluation.Date) string { return d.Time().Format("02/01/2006") }
	args := []string{c.holder, name, c.number}
	if c.reminder == ReminderExpiry {
		return "notice.msg_certification_expiry", append(args, day(c.validUntil), strconv.Itoa(c.validUntil.Sub(today)))
	}
	return "notice.msg_certification_expired", append(args, day(c.validUntil.AddDays(1)))
}

// sendReminder records one reminder in one transaction: the
// certification_notices row (a concurrent or earlier run that got there
// first makes this a no-op: done is false), the notifications with their
// e-mail copies queued, and the audit row. A record deleted or changed
// since it was read is left for the next run to judge.
func (s *Service) sendReminder(ctx context.Context, c *reminderCandidate, today evaluation.Date) (n int, done bool, err error) {
	key, args := reminderMessage(c, today)
	now := s.stamp()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var until string
		err := tx.QueryRowContext(ctx, "SELECT valid_until FROM certifications WHERE id = ?", c.id).Scan(&until)
		if errors.Is(err, sql.ErrNoRows) || err == nil && until != c.validUntil.String() {
			return nil
		}
		if err != nil {
			return err
		}
		rs, err := evaluation.NoticeRecipients(ctx, tx, c.producerID, c.commune)
		if err != nil {
			return err
		}
		_, err = db.Insert(ctx, tx, `INSERT INTO certification_notices (certification_id, kind, valid_until, sent_at, recipients) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (certification_id, kind, valid_until) DO NOTHING`, c.id, c.reminder, until, now, len(rs))
		if errors.Is(err, sql.ErrNoRows) {
			return nil // sent by another run
		}
		if err != nil {
			return fmt.Errorf("insert certification notice: %w", err)
		}
		if err := evaluation.Notify(ctx, tx, now, rs, NotificationKind(c.reminder), key, args, c.link); err != nil {
			return err
		}
		n, done = len(rs), true
		return account.Audit(ctx, tx, &account.Principal{Username: "system", DisplayName: "system"}, "certification.notice", "certification",
			c.id, c.commune, nil, map[string]any{"kind": c.reminder, "valid_until": until, "recipients": len(rs)})
	})
	if err != nil {
		return 0, false, err
	}
	return n, done, nil
}
