-- 0013 market access: sale points, chains, marketplaces, events, supply–demand board (issue 7).
-- Owned by package market: sale points and their operators and stock,
-- marketplace storefront links, certifications and standards.

-- A sale point (điểm giới thiệu và bán sản phẩm OCOP, QĐ 950/QĐ-BCT).
CREATE TABLE sale_points (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    operator             TEXT NOT NULL,
    commune_code         TEXT NOT NULL REFERENCES wards(code),
    legacy_district_code TEXT REFERENCES old_districts(code),
    legacy_commune_code  TEXT REFERENCES old_wards(code),
    address_line         TEXT NOT NULL,
    latitude             REAL NOT NULL,
    longitude            REAL NOT NULL,
    hours                TEXT NOT NULL,
    phone                TEXT NOT NULL,
    email                TEXT NOT NULL,
    craft_village_id     INTEGER REFERENCES craft_villages(id),
    status               TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL,
    version              INTEGER NOT NULL
);
CREATE INDEX sale_points_commune ON sale_points(commune_code);

-- Which accounts (role salepoint) operate which point.
CREATE TABLE sale_point_operators (
    sale_point_id INTEGER NOT NULL REFERENCES sale_points(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (sale_point_id, user_id)
);
CREATE INDEX sale_point_operators_user ON sale_point_operators(user_id);

-- The stocked products. category is 'ocop' (a valid ≥3★ certificate when
-- added) or one of the other kinds QĐ 950 admits, flagged as such.
CREATE TABLE sale_point_products (
    sale_point_id INTEGER NOT NULL REFERENCES sale_points(id) ON DELETE CASCADE,
    product_id    INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    category      TEXT NOT NULL CHECK (category IN ('ocop', 'key_product', 'rural_typical', 'specialty')),
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (sale_point_id, product_id)
);
CREATE INDEX sale_point_products_product ON sale_point_products(product_id);

-- A product's storefront on a marketplace or the producer's own site.
CREATE TABLE storefronts (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    marketplace TEXT NOT NULL,
    url         TEXT NOT NULL,
    price_vnd   BIGINT,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL,
    UNIQUE (product_id, url)
);
CREATE INDEX storefronts_marketplace ON storefronts(marketplace);

-- A certification or standard of a producer (product_id NULL) or of one
-- of its products: VietGAP, HACCP, ISO 22000, organic, GI, trademarks, ….
-- Dates are civil dates YYYY-MM-DD; valid_until '' never expires.
CREATE TABLE certifications (
    id           INTEGER PRIMARY KEY,
    producer_id  INTEGER NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
    product_id   INTEGER REFERENCES products(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    number       TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    scope        TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_until  TEXT NOT NULL,
    document_url TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX certifications_producer ON certifications(producer_id);
CREATE INDEX certifications_product ON certifications(product_id);
CREATE INDEX certifications_until ON certifications(valid_until);

-- Change counter of the market tables: every write bumps it in its
-- transaction, so in-memory indexes (nearest stocking points, facets)
-- know when to rebuild with one small read.
CREATE TABLE market_state (
    name    TEXT PRIMARY KEY,
    changes BIGINT NOT NULL
);
INSERT INTO market_state (name, changes) VALUES ('market', 0);

-- Retail chains (Central Retail, AEON, WinMart, Hapro, …), their stores,
-- and the products listed in a chain (store_id NULL: every store) or in
-- one store.
CREATE TABLE retail_chains (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    website    TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version    INTEGER NOT NULL
);
CREATE TABLE chain_stores (
    id           INTEGER PRIMARY KEY,
    chain_id     INTEGER NOT NULL REFERENCES retail_chains(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    commune_code TEXT NOT NULL REFERENCES wards(code),
    address_line TEXT NOT NULL,
    latitude     REAL NOT NULL,
    longitude    REAL NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX chain_stores_chain ON chain_stores(chain_id);
CREATE TABLE chain_listings (
    id         INTEGER PRIMARY KEY,
    chain_id   INTEGER NOT NULL REFERENCES retail_chains(id) ON DELETE CASCADE,
    store_id   INTEGER REFERENCES chain_stores(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX chain_listings_unique ON chain_listings(chain_id, product_id, COALESCE(store_id, 0));
CREATE INDEX chain_listings_product ON chain_listings(product_id);

-- Design centres (trung tâm thiết kế sáng tạo, Hanoi QĐ 6385/QĐ-UBND):
-- the checklist's facts and the 100-point form's points by criterion
-- (scores: JSON object criterion → points, computed total kept).
CREATE TABLE design_centres (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    commune_code    TEXT NOT NULL REFERENCES wards(code),
    address_line    TEXT NOT NULL,
    latitude        REAL NOT NULL,
    longitude       REAL NOT NULL,
    area_m2         INTEGER NOT NULL,
    zone_display    BOOLEAN NOT NULL,
    zone_meeting    BOOLEAN NOT NULL,
    zone_experience BOOLEAN NOT NULL,
    zone_photo      BOOLEAN NOT NULL,
    ocop_share_pct  INTEGER NOT NULL,
    scores          TEXT NOT NULL,
    total           INTEGER NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    version         INTEGER NOT NULL
);

-- Tourism routes: ordered stops at craft villages and sale points.
CREATE TABLE tourism_routes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL
);
CREATE TABLE route_stops (
    route_id INTEGER NOT NULL REFERENCES tourism_routes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('village', 'salepoint')),
    ref_id   INTEGER NOT NULL,
    note     TEXT NOT NULL,
    PRIMARY KEY (route_id, position)
);
