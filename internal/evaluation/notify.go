package evaluation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ocop/internal/db"
	"ocop/internal/mail"
)

// This file lets other packages notify users the way the certificate
// notices do: one in-app notification per recipient in the notifications
// table (the list at /admin/notices), its e-mail copy queued there and
// sent by the jobs (deliverEmails). The market's certification reminders
// and the supply–demand board's leads use it.

// Recipient is a user a notification goes to. Email is the address the
// e-mail copy goes to; "" means in the app only.
type Recipient struct {
	UserID int64
	Email  string
}

// scanRecipients reads (id, email) rows.
func scanRecipients(ctx context.Context, q db.Queryer, what, query string, args ...any) ([]Recipient, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.Email); err != nil {
			return nil, err
		}
		r.Email = strings.TrimSpace(r.Email)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProducerAccounts returns the active producer accounts verified to act
// for the producer (a pending or refused link gets nothing), by user id.
func ProducerAccounts(ctx context.Context, q db.Queryer, producerID int64) ([]Recipient, error) {
	return scanRecipients(ctx, q, "producer accounts", `SELECT u.id, u.email FROM users u JOIN producer_links l ON l.user_id = u.id
		WHERE l.producer_id = ? AND l.status = 'verified' AND u.role = 'producer' AND u.status = 'active' ORDER BY u.id`, producerID)
}

// CommuneOfficers returns the active commune officers of the commune, by
// user id.
func CommuneOfficers(ctx context.Context, q db.Queryer, commune string) ([]Recipient, error) {
	return scanRecipients(ctx, q, "commune officers", `SELECT u.id, u.email FROM users u JOIN user_communes uc ON uc.user_id = u.id
		WHERE uc.commune_code = ? AND u.role = 'commune' AND u.status = 'active' ORDER BY u.id`, commune)
}

// UserRecipients returns those of the users that are active, by user id.
func UserRecipients(ctx context.Context, q db.Queryer, userIDs ...int64) ([]Recipient, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	return scanRecipients(ctx, q, "users", "SELECT id, email FROM users WHERE status = 'active' AND id IN ("+db.Placeholders(len(userIDs))+") ORDER BY id",
		anySlice(userIDs)...)
}

// NoticeRecipients are whom a notice about a producer's record goes to:
// the accounts verified to act for the producer and the commune officers
// of its commune, active ones only, each once, by user id.
func NoticeRecipients(ctx context.Context, q db.Queryer, producerID int64, commune string) ([]Recipient, error) {
	rs, err := ProducerAccounts(ctx, q, producerID)
	if err != nil {
		return nil, fmt.Errorf("notice recipients: %w", err)
	}
	officers, err := CommuneOfficers(ctx, q, commune)
	if err != nil {
		return nil, fmt.Errorf("notice recipients: %w", err)
	}
	rs = append(rs, officers...)
	slices.SortFunc(rs, func(a, b Recipient) int { return cmp.Compare(a.UserID, b.UserID) })
	return slices.CompactFunc(rs, func(a, b Recipient) bool { return a.UserID == b.UserID }), nil
}

// Notify writes one in-app notification per recipient, each with its
// e-mail copy queued when the recipient has an address (the jobs send the
// queue: see Jobs.DeliverEmails). Call it inside the transaction of the
// change the notice is about, so that the notice is written with the
// change or not at all.
//
// kind names the notice (free text: the list shows the catalogue key
// notice.kind_<kind> and the e-mail's subject is notice.subject_<kind>
// with the first argument); key is the catalogue key of the message and
// args its arguments, so that each user reads it in their own language;
// link is the back-office page it is about (it must start with /admin/:
// the list follows no other link). now is written in UTC to the second.
func Notify(ctx context.Context, tx db.Queryer, now time.Time, recipients []Recipient, kind, key string, args []string, link string) error {
	if kind == "" || key == "" || !strings.HasPrefix(link, "/admin/") {
		return fmt.Errorf("notify: kind %q, message %q, link %q: want a kind, a message and a back-office link", kind, key, link)
	}
	return insertNotifications(ctx, tx, now.UTC().Truncate(time.Second), recipients, nil, nil, kind, key, args, link)
}

// insertNotifications writes the notifications of one notice; noticeID
// and certificateID are the certificate notice's (nil for others).
func insertNotifications(ctx context.Context, tx db.Queryer, now time.Time, rs []Recipient, noticeID, certificateID any,
	kind, key string, args []string, link string) error {
	if args == nil {
		args = []string{}
	}
	argsJSON, err := json.Marshal(args)
	if err != nil {
		return err
	}
	for _, r := range rs {
		status := ""
		if r.Email != "" {
			status = "pending"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, notice_id, certificate_id, kind, message, args, link,
				created_at, read_at, email, email_status, email_attempts, email_error, emailed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 0, '', NULL)`,
			r.UserID, noticeID, certificateID, kind, key, string(argsJSON), link, now, r.Email, status); err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
	}
	return nil
}

// EmailReport counts what one delivery of the e-mail queue did: Sent were
// accepted by the SMTP server, Logged only logged (no server configured),
// Failed will be retried (up to MaxEmailAttempts).
type EmailReport struct {
	Sent, Logged, Failed int
}

// String is the report's part of a job's log line.
func (r EmailReport) String() string {
	s := fmt.Sprintf("%d e-mails sent, %d failed", r.Sent, r.Failed)
	if r.Logged > 0 {
		s += fmt.Sprintf(", %d logged only (no SMTP server)", r.Logged)
	}
	return s
}

// DeliverEmails sends the pending e-mail copies of notifications, whoever
// queued them: jobs of other packages call it after writing their notices
// so that the e-mails do not wait for the certificate notice job's next run.
func (j *Jobs) DeliverEmails(ctx context.Context) (EmailReport, error) {
	accepted, failed, err := j.deliverEmails(ctx)
	r := EmailReport{Failed: failed}
	if mail.Delivers(j.opt.Mailer) {
		r.Sent = accepted
	} else {
		r.Logged = accepted
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("deliver e-mails: %w", err)
	}
	return r, err
}
