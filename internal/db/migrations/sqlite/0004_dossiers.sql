-- Evaluation workflow: rounds, dossiers (Mẫu 01/02/03), evidence, councils,
-- scores, results, decisions, certificates and life after certification.
-- Dates the decision counts in days are civil dates stored as 'YYYY-MM-DD'
-- text (evaluation.Date); instants are DATETIME/TIMESTAMPTZ.
-- Keep in step with ../postgres/0004_dossiers.sql (same tables, same columns).

-- Evaluation rounds (đợt, Điều 5): two provincial rounds a year, extra
-- rounds allowed; the Ministry's rounds for 5★ proposals.
CREATE TABLE rounds (
    id                INTEGER PRIMARY KEY,
    level             TEXT NOT NULL CHECK (level IN ('province', 'ministry')),
    year              INTEGER NOT NULL,
    no                INTEGER NOT NULL,
    title             TEXT NOT NULL,
    proposed_before   TEXT NOT NULL,
    decided_before    TEXT NOT NULL,
    extra             BOOLEAN NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at        DATETIME NOT NULL,
    version           INTEGER NOT NULL,
    UNIQUE (level, year, no)
);

-- A dossier (hồ sơ) asks for one product to be rated: first rating,
-- upgrade or re-rating. state follows the state machine in
-- internal/evaluation/workflow.go; every transition is a dossier_events row.
CREATE TABLE dossiers (
    id                INTEGER PRIMARY KEY,
    reg_no            TEXT UNIQUE,
    product_id        INTEGER NOT NULL REFERENCES products(id),
    producer_id       INTEGER NOT NULL REFERENCES producers(id),
    commune_code      TEXT NOT NULL REFERENCES wards(code),
    kind              TEXT NOT NULL CHECK (kind IN ('first', 'upgrade', 'rerating')),
    state             TEXT NOT NULL,
    criteria_set_id   INTEGER NOT NULL REFERENCES criteria_sets(id),
    round_id          INTEGER REFERENCES rounds(id),
    certificate_id    INTEGER,
    form01            TEXT NOT NULL,
    form02            TEXT NOT NULL,
    changes           TEXT NOT NULL,
    updates           TEXT NOT NULL,
    filed_on          TEXT NOT NULL,
    commune_due       TEXT NOT NULL,
    return_items      TEXT NOT NULL,
    return_due        TEXT NOT NULL,
    reject_reason     TEXT NOT NULL,
    commune_report    TEXT NOT NULL,
    samples           INTEGER NOT NULL,
    proposed_on       TEXT NOT NULL,
    complete_on       TEXT NOT NULL,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    created_by        INTEGER REFERENCES users(id),
    version           INTEGER NOT NULL
);
CREATE INDEX dossiers_product ON dossiers(product_id);
CREATE INDEX dossiers_producer ON dossiers(producer_id);
CREATE INDEX dossiers_commune_state ON dossiers(commune_code, state);
CREATE INDEX dossiers_round ON dossiers(round_id);

-- The timeline of a dossier: every state change with who and why.
CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    at          DATETIME NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id);

-- The producer's self-assessment (Mẫu 02 part III): one chosen option per
-- criterion of the dossier's scorecard, with a note.
CREATE TABLE self_scores (
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES criteria(id),
    option_id    INTEGER NOT NULL REFERENCES criteria_options(id),
    note         TEXT NOT NULL,
    updated_at   DATETIME NOT NULL,
    PRIMARY KEY (dossier_id, criterion_id)
);

-- Evidence files (tài liệu minh chứng), stored by content hash, optionally
-- linked to a criterion.
CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    criterion_id INTEGER REFERENCES criteria(id),
    media_hash   TEXT NOT NULL REFERENCES media(hash),
    filename     TEXT NOT NULL,
    title        TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX evidence_dossier ON evidence(dossier_id);

-- Councils (hội đồng) formed by the provincial chair (or the Ministry) for
-- a round, with the advisory group (tổ tư vấn) among its members.
CREATE TABLE councils (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds(id),
    level         TEXT NOT NULL CHECK (level IN ('province', 'ministry')),
    name          TEXT NOT NULL,
    decision_no   TEXT NOT NULL,
    formed_on     TEXT NOT NULL,
    written       BOOLEAN NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('scoring', 'closed')),
    created_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL
);

CREATE TABLE council_members (
    council_id  INTEGER NOT NULL REFERENCES councils(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('chair', 'member', 'secretary', 'advisor')),
    department  TEXT NOT NULL,
    PRIMARY KEY (council_id, user_id)
);

CREATE TABLE council_dossiers (
    council_id  INTEGER NOT NULL REFERENCES councils(id) ON DELETE CASCADE,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    PRIMARY KEY (council_id, dossier_id)
);
CREATE INDEX council_dossiers_dossier ON council_dossiers(dossier_id);

-- Reviews, field visits and extra lab tests of the advisory group.
CREATE TABLE advisory_notes (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('review', 'field_visit', 'lab_test', 'report')),
    body        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX advisory_notes_dossier ON advisory_notes(dossier_id);

-- Each council member's chosen option per criterion. version guards
-- against two tabs overwriting each other.
CREATE TABLE scores (
    council_id   INTEGER NOT NULL REFERENCES councils(id),
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    member_id    INTEGER NOT NULL REFERENCES users(id),
    criterion_id INTEGER NOT NULL REFERENCES criteria(id),
    option_id    INTEGER NOT NULL REFERENCES criteria_options(id),
    points       INTEGER NOT NULL,
    updated_at   DATETIME NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (council_id, dossier_id, member_id, criterion_id)
);
CREATE INDEX scores_dossier ON scores(dossier_id);

-- A member's sheet is submitted once complete; others' scores stay hidden
-- from a member until they submit their own.
CREATE TABLE score_sheets (
    council_id    INTEGER NOT NULL REFERENCES councils(id),
    dossier_id    INTEGER NOT NULL REFERENCES dossiers(id),
    member_id     INTEGER NOT NULL REFERENCES users(id),
    total         INTEGER NOT NULL,
    submitted_at  DATETIME NOT NULL,
    PRIMARY KEY (council_id, dossier_id, member_id)
);

-- The result of a council for a dossier (Điều 3.3): the mean of the
-- members' totals, part means, band, gated star and its explanation.
CREATE TABLE results (
    council_id   INTEGER NOT NULL REFERENCES councils(id),
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    level        TEXT NOT NULL,
    members      INTEGER NOT NULL,
    mean         REAL NOT NULL,
    part_a       REAL NOT NULL,
    part_b       REAL NOT NULL,
    part_c       REAL NOT NULL,
    band         INTEGER NOT NULL,
    star         INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    computed_at  DATETIME NOT NULL,
    PRIMARY KEY (council_id, dossier_id)
);

-- Decisions (quyết định) approving results and issuing certificates.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    decided_on  TEXT NOT NULL,
    authority   TEXT NOT NULL CHECK (authority IN ('district', 'province', 'ministry')),
    signer      TEXT NOT NULL,
    round_id    INTEGER REFERENCES rounds(id),
    kind        TEXT NOT NULL CHECK (kind IN ('certify', 'revoke')),
    created_at  DATETIME NOT NULL,
    created_by  INTEGER REFERENCES users(id)
);

-- Certificates (giấy chứng nhận): valid 36 months from the decision.
-- status is stored for the record; the status shown anywhere is computed
-- from the dates (evaluation.CertificateStatusAt) so an expired
-- certificate is never shown as valid.
CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    product_id      INTEGER NOT NULL REFERENCES products(id),
    producer_id     INTEGER NOT NULL REFERENCES producers(id),
    dossier_id      INTEGER REFERENCES dossiers(id),
    decision_id     INTEGER REFERENCES decisions(id),
    star            INTEGER NOT NULL CHECK (star BETWEEN 3 AND 5),
    potential5      BOOLEAN NOT NULL,
    issued_on       TEXT NOT NULL,
    expires_on      TEXT NOT NULL,
    rule_set        TEXT NOT NULL,
    authority       TEXT NOT NULL,
    revoked_on      TEXT NOT NULL,
    revoke_ground   TEXT NOT NULL,
    revoke_reason   TEXT NOT NULL,
    revoke_decision INTEGER REFERENCES decisions(id),
    superseded_by   INTEGER REFERENCES certificates(id),
    created_at      DATETIME NOT NULL,
    version         INTEGER NOT NULL
);
CREATE INDEX certificates_product ON certificates(product_id);
CREATE INDEX certificates_producer ON certificates(producer_id);
CREATE INDEX certificates_expires ON certificates(expires_on);

-- Post-certification monitoring (Điều 9).
CREATE TABLE inspections (
    id              INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificates(id),
    on_date         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('periodic', 'adhoc')),
    findings        TEXT NOT NULL,
    conclusion      TEXT NOT NULL CHECK (conclusion IN ('compliant', 'warning', 'violation')),
    created_at      DATETIME NOT NULL,
    created_by      INTEGER REFERENCES users(id)
);
CREATE INDEX inspections_certificate ON inspections(certificate_id);

-- Notices sent about a certificate (re-rating window, 30-day expiry
-- notice), at most once per kind.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificates(id),
    kind            TEXT NOT NULL,
    sent_at         DATETIME NOT NULL,
    channel         TEXT NOT NULL,
    UNIQUE (certificate_id, kind)
);
