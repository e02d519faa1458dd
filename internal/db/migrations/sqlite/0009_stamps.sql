-- OCOP stamps: batches of serialised QR stamps, the scan log, counterfeit
-- alerts and consumer reports. Keep in step with ../postgres/0009_stamps.sql.

-- A batch (lô tem) of stamps issued for one certified product.
CREATE TABLE stamp_batches (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    product_id        INTEGER NOT NULL REFERENCES products(id),
    producer_id       INTEGER NOT NULL REFERENCES producers(id),
    commune_code      TEXT NOT NULL,
    certificate_id    INTEGER NOT NULL REFERENCES certificates(id),
    lot               TEXT NOT NULL,
    count             INTEGER NOT NULL CHECK (count > 0),
    status            TEXT NOT NULL CHECK (status IN ('issued', 'active', 'deactivated')),
    created_by        INTEGER REFERENCES users(id),
    created_at        DATETIME NOT NULL,
    activated_at      DATETIME,
    deactivated_at    DATETIME,
    deactivate_reason TEXT NOT NULL,
    version           INTEGER NOT NULL
);
CREATE INDEX stamp_batches_product ON stamp_batches(product_id);
CREATE INDEX stamp_batches_producer ON stamp_batches(producer_id);
CREATE INDEX stamp_batches_commune ON stamp_batches(commune_code);
CREATE INDEX stamp_batches_created ON stamp_batches(created_at);

-- One row per stamp. seq is the position in the batch (printing order), so
-- that a lost roll can be deactivated as a range. scan_count and
-- first_scan_at are kept by the scan writer so that verification reads one
-- row; flagged_at marks a suspected copy until an officer reviews it.
-- batch_id has no foreign key on purpose: its per-row check was 40% of the
-- cost of issuing a million stamps, stamps are written only in the
-- transaction that creates their batch, and batches are never deleted.
CREATE TABLE stamps (
    batch_id          INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    serial            TEXT NOT NULL,
    deactivated_at    DATETIME,
    deactivate_reason TEXT,
    scan_count        INTEGER NOT NULL DEFAULT 0,
    first_scan_at     DATETIME,
    flagged_at        DATETIME,
    PRIMARY KEY (batch_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX stamps_serial ON stamps(serial);

-- The scan log: every verification, known or not. client is a keyed hash
-- of the client address and agent (no personal data); lat/lon are coarse
-- (rounded to about 1 km) and only present when the phone shared them.
CREATE TABLE stamp_scans (
    id           INTEGER PRIMARY KEY,
    at           DATETIME NOT NULL,
    serial       TEXT NOT NULL,
    batch_id     INTEGER,
    product_id   INTEGER,
    producer_id  INTEGER,
    commune_code TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    client       TEXT NOT NULL,
    latitude     REAL,
    longitude    REAL
);
CREATE INDEX stamp_scans_serial ON stamp_scans(serial, at);
CREATE INDEX stamp_scans_at ON stamp_scans(at);
CREATE INDEX stamp_scans_client ON stamp_scans(client, at);

-- Counterfeit signals raised by the rules (see stamp/rules.go).
CREATE TABLE stamp_alerts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    serial       TEXT NOT NULL,
    client       TEXT NOT NULL,
    batch_id     INTEGER,
    product_id   INTEGER,
    producer_id  INTEGER,
    commune_code TEXT NOT NULL,
    detail       TEXT NOT NULL,
    latitude     REAL,
    longitude    REAL,
    hits         INTEGER NOT NULL,
    created_at   DATETIME NOT NULL,
    last_at      DATETIME NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'reviewed')),
    reviewed_by  INTEGER REFERENCES users(id),
    reviewed_at  DATETIME,
    review_note  TEXT NOT NULL
);
CREATE INDEX stamp_alerts_open ON stamp_alerts(status, kind, serial);
CREATE INDEX stamp_alerts_created ON stamp_alerts(created_at);
CREATE INDEX stamp_alerts_commune ON stamp_alerts(commune_code);

-- Reports of suspected fakes sent by consumers from the verification page.
CREATE TABLE stamp_reports (
    id           INTEGER PRIMARY KEY,
    at           DATETIME NOT NULL,
    serial       TEXT NOT NULL,
    product_id   INTEGER,
    producer_id  INTEGER,
    commune_code TEXT NOT NULL,
    place        TEXT NOT NULL,
    note         TEXT NOT NULL,
    photo_hash   TEXT REFERENCES media(hash),
    client       TEXT NOT NULL
);
CREATE INDEX stamp_reports_at ON stamp_reports(at);
CREATE INDEX stamp_reports_commune ON stamp_reports(commune_code);
