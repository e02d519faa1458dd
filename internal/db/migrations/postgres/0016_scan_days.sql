-- Daily scan counts: the stamp figures of the dashboard read 30 days of
-- scans; at national scale (10 million scans over three years) that is
-- 270,000 rows of the log per view. A trigger on the log adds every
-- scan here, by UTC day, commune and verdict, in the statement that
-- logs it, so the two never disagree whoever writes the log.
-- Keep in step with ../sqlite/0016_scan_days.sql.
CREATE TABLE stamp_scan_days (
    day          TEXT COLLATE "C" NOT NULL,    -- YYYY-MM-DD, UTC
    commune_code TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    scans        BIGINT NOT NULL,
    PRIMARY KEY (day, commune_code, verdict)
);
INSERT INTO stamp_scan_days (day, commune_code, verdict, scans)
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), commune_code, verdict, COUNT(*) FROM stamp_scans GROUP BY 1, 2, 3;
CREATE FUNCTION stamp_scan_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stamp_scan_days (day, commune_code, verdict, scans)
        SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), commune_code, verdict, COUNT(*) FROM new_scans GROUP BY 1, 2, 3
        ON CONFLICT (day, commune_code, verdict) DO UPDATE SET scans = stamp_scan_days.scans + excluded.scans;
    RETURN NULL;
END;
$$;
CREATE TRIGGER stamp_scan_days_count AFTER INSERT ON stamp_scans REFERENCING NEW TABLE AS new_scans
    FOR EACH STATEMENT EXECUTE FUNCTION stamp_scan_days_count();
