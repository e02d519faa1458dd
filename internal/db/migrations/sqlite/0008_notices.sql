-- Life after certification: in-app notifications of the notices sent
-- about certificates (re-rating window, expiry), their e-mail delivery, and
-- the leases that let one of several instances run a background job.
-- Keep in step with ../postgres/0008_notices.sql.

-- One notification (thông báo) per recipient of a notice. The text is an
-- i18n key with its arguments, so that each user reads it in their own
-- language. The e-mail copy is tracked per recipient: email_status is ''
-- (no address), pending (to send; a failure is retried on the next run),
-- sent, logged (no SMTP server was configured) or failed (gave up).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notice_id       INTEGER REFERENCES notices(id),
    certificate_id  INTEGER REFERENCES certificates(id),
    kind            TEXT NOT NULL,
    message         TEXT NOT NULL,
    args            TEXT NOT NULL,
    link            TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    read_at         DATETIME,
    email           TEXT NOT NULL,
    email_status    TEXT NOT NULL CHECK (email_status IN ('', 'pending', 'sent', 'logged', 'failed')),
    email_attempts  INTEGER NOT NULL,
    email_error     TEXT NOT NULL,
    emailed_at      DATETIME
);
-- A user's list, newest first; the unread counter of every back-office
-- page; the e-mail queue.
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_mail_queue ON notifications(id) WHERE email_status = 'pending';

-- A job runs on the instance that holds its lease: taken with one
-- UPDATE … WHERE until < now, held until the job is next due.
CREATE TABLE job_leases (
    name    TEXT PRIMARY KEY,
    holder  TEXT NOT NULL,
    until   DATETIME NOT NULL
);
