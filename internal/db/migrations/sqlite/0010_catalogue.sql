-- Catalogue: the current valid certificate of each product, kept so that the
-- public search can filter, count and rank by stars in SQL. It is derived
-- data: the catalogue service rebuilds it whenever the certificates, the
-- re-rating dossiers or the day (Vietnam time) change (fingerprint in
-- catalogue_state), using evaluation.CurrentCertificates, so its notion of
-- "valid" is exactly the one the certificate pages show.
-- Keep in step with ../postgres/0010_catalogue.sql.

CREATE TABLE catalogue_stars (
    product_id     INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    star           INTEGER NOT NULL CHECK (star BETWEEN 3 AND 5),
    potential5     BOOLEAN NOT NULL,
    certificate_id INTEGER NOT NULL,
    issued_on      TEXT NOT NULL
);
CREATE INDEX catalogue_stars_star ON catalogue_stars(star, potential5);
CREATE INDEX catalogue_stars_issued ON catalogue_stars(issued_on);

-- Change counters: 'stars' counts writes to certificates and re-rating
-- dossiers, 'registry' writes to products, producers, craft villages and
-- product photos (bumped by the triggers below). The catalogue reads them
-- on every request (one small row each) to know whether catalogue_stars,
-- its vocabulary and its cached results are still current; fingerprint is
-- what catalogue_stars was last built from.
CREATE TABLE catalogue_state (
    name         TEXT PRIMARY KEY,
    changes      INTEGER NOT NULL,
    fingerprint  TEXT NOT NULL,
    refreshed_at DATETIME NOT NULL
);
INSERT INTO catalogue_state (name, changes, fingerprint, refreshed_at) VALUES ('stars', 0, '', '1970-01-01 00:00:00');
INSERT INTO catalogue_state (name, changes, fingerprint, refreshed_at) VALUES ('registry', 0, '', '1970-01-01 00:00:00');

CREATE TRIGGER catalogue_certificates_insert AFTER INSERT ON certificates BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_certificates_update AFTER UPDATE ON certificates BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_certificates_delete AFTER DELETE ON certificates BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_dossiers_insert AFTER INSERT ON dossiers WHEN new.kind = 'rerating' BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_dossiers_update AFTER UPDATE ON dossiers WHEN new.kind = 'rerating' BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_dossiers_delete AFTER DELETE ON dossiers WHEN old.kind = 'rerating' BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'stars';
END;
CREATE TRIGGER catalogue_products_insert AFTER INSERT ON products BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_products_update AFTER UPDATE ON products BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_products_delete AFTER DELETE ON products BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_producers_insert AFTER INSERT ON producers BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_producers_update AFTER UPDATE ON producers BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_producers_delete AFTER DELETE ON producers BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_craft_villages_insert AFTER INSERT ON craft_villages BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_craft_villages_update AFTER UPDATE ON craft_villages BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_craft_villages_delete AFTER DELETE ON craft_villages BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_product_images_insert AFTER INSERT ON product_images BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_product_images_update AFTER UPDATE ON product_images BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
CREATE TRIGGER catalogue_product_images_delete AFTER DELETE ON product_images BEGIN
    UPDATE catalogue_state SET changes = changes + 1 WHERE name = 'registry';
END;
