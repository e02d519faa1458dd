-- Catalogue: the current valid certificate of each product, kept so that the
-- public search can filter, count and rank by stars in SQL. It is derived
-- data: the catalogue service rebuilds it whenever the certificates, the
-- re-rating dossiers or the day (Vietnam time) change (fingerprint in
-- catalogue_state), using evaluation.CurrentCertificates, so its notion of
-- "valid" is exactly the one the certificate pages show.
-- Keep in step with ../sqlite/0010_catalogue.sql.

CREATE TABLE catalogue_stars (
    product_id     BIGINT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    star           INTEGER NOT NULL CHECK (star BETWEEN 3 AND 5),
    potential5     BOOLEAN NOT NULL,
    certificate_id BIGINT NOT NULL,
    issued_on      TEXT NOT NULL
);
CREATE INDEX catalogue_stars_star ON catalogue_stars(star, potential5);
CREATE INDEX catalogue_stars_issued ON catalogue_stars(issued_on);

-- Change counters: 'stars' counts writes to certificates and re-rating
-- dossiers, 'registry' writes to products, producers, craft villages and
-- product photos (bumped by the triggers below, once per statement). The
-- catalogue reads them on every request (one small row each) to know
-- whether catalogue_stars, its vocabulary and its cached results are still
-- current; fingerprint is what catalogue_stars was last built from.
CREATE TABLE catalogue_state (
    name         TEXT PRIMARY KEY,
    changes      BIGINT NOT NULL,
    fingerprint  TEXT NOT NULL,
    refreshed_at TIMESTAMPTZ NOT NULL
);
INSERT INTO catalogue_state (name, changes, fingerprint, refreshed_at) VALUES ('stars', 0, '', '1970-01-01 00:00:00+00');
INSERT INTO catalogue_state (name, changes, fingerprint, refreshed_at) VALUES ('registry', 0, '', '1970-01-01 00:00:00+00');

CREATE FUNCTION catalogue_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END;
$$;

CREATE TRIGGER catalogue_certificates_changed AFTER INSERT OR UPDATE OR DELETE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('stars');
CREATE TRIGGER catalogue_dossiers_changed AFTER INSERT OR UPDATE OR DELETE ON dossiers FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('stars');
CREATE TRIGGER catalogue_products_changed AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('registry');
CREATE TRIGGER catalogue_producers_changed AFTER INSERT OR UPDATE OR DELETE ON producers FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('registry');
CREATE TRIGGER catalogue_craft_villages_changed AFTER INSERT OR UPDATE OR DELETE ON craft_villages FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('registry');
CREATE TRIGGER catalogue_product_images_changed AFTER INSERT OR UPDATE OR DELETE ON product_images FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump('registry');
