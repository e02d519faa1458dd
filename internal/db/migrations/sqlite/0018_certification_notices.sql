-- 0018 certification reminders (issue 7): which expiry reminders the
-- background job has sent about the certifications and standards of
-- 0013 (VietGAP, HACCP, …). The notifications themselves go into the
-- notifications table of 0008. Owned by package market.
-- Keep in step with ../postgres/0018_certification_notices.sql.

-- One row per reminder sent: kind 'expiry' (from 30 days before
-- valid_until) or 'expired' (from the day after it). The row is keyed by
-- the validity it was about, so a record whose valid_until is moved later
-- (renewed, extended) gets its reminders again; the unique key lets
-- several instances race and send each reminder once (INSERT … ON
-- CONFLICT DO NOTHING). A deleted certification takes its rows with it.
CREATE TABLE certification_notices (
    id                INTEGER PRIMARY KEY,
    certification_id  INTEGER NOT NULL REFERENCES certifications(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('expiry', 'expired')),
    valid_until       TEXT NOT NULL,
    sent_at           DATETIME NOT NULL,
    recipients        INTEGER NOT NULL,
    UNIQUE (certification_id, kind, valid_until)
);
