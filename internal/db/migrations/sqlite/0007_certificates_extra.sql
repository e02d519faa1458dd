-- Decisions and certificates, extras: the dossiers a decision covers (its
-- items: certified, closed without a certificate, or approved as potential
-- 5★ and proposed to the Ministry), the conclusion a revocation rests on
-- (Điều 8.4: within 15 days of it), and the lookup of a certificate by the
-- URL form of its number ("12/GCN-OCOP-01-2026" is served at
-- /certificates/12-GCN-OCOP-01-2026).
-- Keep in step with ../postgres/0007_certificates_extra.sql.

-- One row per dossier a decision rules on. A dossier may be in two
-- decisions: the province's approval of a potential 5★ result, then the
-- Ministry's decision on it.
CREATE TABLE decision_items (
    decision_id     INTEGER NOT NULL REFERENCES decisions(id),
    dossier_id      INTEGER NOT NULL REFERENCES dossiers(id),
    council_id      INTEGER NOT NULL REFERENCES councils(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('certified', 'failed', 'to_ministry')),
    star            INTEGER NOT NULL,
    certificate_id  INTEGER REFERENCES certificates(id),
    PRIMARY KEY (decision_id, dossier_id)
);
CREATE INDEX decision_items_dossier ON decision_items(dossier_id);

-- The conclusion of the competent authority a revocation rests on.
ALTER TABLE certificates ADD COLUMN revoke_conclusion TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN revoke_concluded_on TEXT NOT NULL DEFAULT '';

-- Public pages address a certificate by its number with '/' made '-'.
CREATE INDEX certificates_slug ON certificates(REPLACE(number, '/', '-'));
