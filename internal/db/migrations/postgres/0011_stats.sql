-- Programme statistics: the programme office's targets, and the indexes
-- the dashboard's queries need.
-- Keep in step with ../sqlite/0011_stats.sql (same table, same columns).

-- A target (chỉ tiêu) of the programme for a year: products newly
-- recognised in the year, new 5★ products in the year, sale points at the
-- end of the year, share (percent) of products with traceability.
CREATE TABLE stats_targets (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2019 AND 2100),
    metric      TEXT NOT NULL CHECK (metric IN ('products_year', 'five_star_year', 'sale_points', 'traceable_share')),
    value       DOUBLE PRECISION NOT NULL CHECK (value >= 0),
    note        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  BIGINT REFERENCES users(id),
    version     INTEGER NOT NULL,
    PRIMARY KEY (year, metric)
);

-- The dashboard reads re-rating dossiers (for the transitional extension
-- of Điều 12.3).
CREATE INDEX dossiers_rerating ON dossiers(product_id, filed_on) WHERE kind = 'rerating';

-- The dashboard counts the scans of the last 30 days, all of them and those
-- of unknown serials (stamp.Service.Figures), for the province or for a
-- commune officer's communes: covering indexes keep that an index-only
-- range count over a scan log of tens of millions of rows.
CREATE INDEX stats_stamp_scans_at ON stamp_scans(at, verdict);
CREATE INDEX stats_stamp_scans_commune ON stamp_scans(commune_code, at, verdict);
