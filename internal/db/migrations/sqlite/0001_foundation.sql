-- Foundation: administrative units, classification, registry, accounts, audit.
-- Keep in step with ../postgres/0001_foundation.sql (same tables, same columns).

CREATE TABLE refdata (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    loaded_at  DATETIME NOT NULL
);

-- Administrative units after 1 July 2025 (Decision 19/2025/QĐ-TTg).
CREATE TABLE provinces (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    full_name    TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    full_name_en TEXT NOT NULL,
    unit_type    TEXT NOT NULL
);

CREATE TABLE wards (
    code          TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces(code),
    name          TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    full_name_en  TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    search_key    TEXT NOT NULL
);
CREATE INDEX wards_province ON wards(province_code);

-- Units before 1 July 2025. Codes are reused across generations, so old
-- units live in their own tables and are never joined to wards by code.
CREATE TABLE old_provinces (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    full_name         TEXT NOT NULL,
    new_province_code TEXT NOT NULL REFERENCES provinces(code)
);

CREATE TABLE old_districts (
    code          TEXT PRIMARY KEY,
    province_code TEXT NOT NULL,
    name          TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    search_key    TEXT NOT NULL
);
CREATE INDEX old_districts_province ON old_districts(province_code);

CREATE TABLE old_wards (
    code           TEXT PRIMARY KEY,
    district_code  TEXT NOT NULL REFERENCES old_districts(code),
    name           TEXT NOT NULL,
    full_name      TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    unit_type      TEXT NOT NULL,
    status         TEXT NOT NULL,
    full_name_2024 TEXT NOT NULL,
    search_key     TEXT NOT NULL
);
CREATE INDEX old_wards_district ON old_wards(district_code);

CREATE TABLE ward_mapping (
    old_ward_code TEXT NOT NULL REFERENCES old_wards(code),
    new_ward_code TEXT NOT NULL REFERENCES wards(code),
    share         TEXT NOT NULL CHECK (share IN ('full', 'partial')),
    note          TEXT NOT NULL,
    PRIMARY KEY (old_ward_code, new_ward_code)
);
CREATE INDEX ward_mapping_new ON ward_mapping(new_ward_code);

-- Product classification (Decision 26/2026 Appendix I), versioned.
CREATE TABLE categories (
    version        TEXT NOT NULL,
    code           TEXT NOT NULL,
    parent_code    TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('kind', 'group', 'subgroup')),
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    lead_agency    TEXT NOT NULL,
    scorecard_set  INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (version, code)
);

-- Accounts.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    email                TEXT NOT NULL,
    phone                TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    organisation         TEXT NOT NULL,
    buyer_kind           TEXT NOT NULL,
    verified_at          DATETIME,
    verified_by          INTEGER REFERENCES users(id),
    locale               TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    failed_logins        INTEGER NOT NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL,
    last_login_at        DATETIME,
    version              INTEGER NOT NULL
);

CREATE TABLE user_communes (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES wards(code),
    PRIMARY KEY (user_id, commune_code)
);
CREATE INDEX user_communes_commune ON user_communes(commune_code);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Registry.
CREATE TABLE producers (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL,
    name                TEXT NOT NULL,
    registration_no     TEXT UNIQUE,
    representative      TEXT NOT NULL,
    phone               TEXT NOT NULL,
    email               TEXT NOT NULL,
    website             TEXT NOT NULL,
    commune_code        TEXT NOT NULL REFERENCES wards(code),
    legacy_district_code TEXT REFERENCES old_districts(code),
    legacy_commune_code TEXT REFERENCES old_wards(code),
    address_line        TEXT NOT NULL,
    latitude            REAL,
    longitude           REAL,
    women_led           BOOLEAN NOT NULL,
    ethnic_minority_led BOOLEAN NOT NULL,
    workers_total       INTEGER NOT NULL,
    workers_women       INTEGER NOT NULL,
    workers_ethnic      INTEGER NOT NULL,
    description         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'active', 'inactive')),
    search_key          TEXT NOT NULL,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    version             INTEGER NOT NULL
);
CREATE INDEX producers_commune ON producers(commune_code);
CREATE INDEX producers_legacy_district ON producers(legacy_district_code);
CREATE INDEX producers_kind ON producers(kind);
CREATE INDEX producers_name ON producers(search_key);

CREATE TABLE producer_links (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    producer_id INTEGER NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    note        TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    decided_at  DATETIME,
    decided_by  INTEGER REFERENCES users(id),
    UNIQUE (user_id, producer_id)
);
CREATE INDEX producer_links_producer ON producer_links(producer_id);

CREATE TABLE craft_villages (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    name_en              TEXT NOT NULL,
    commune_code         TEXT NOT NULL REFERENCES wards(code),
    legacy_district_code TEXT REFERENCES old_districts(code),
    legacy_commune_code  TEXT REFERENCES old_wards(code),
    recognised           BOOLEAN NOT NULL,
    recognised_year      INTEGER,
    crafts               TEXT NOT NULL,
    description          TEXT NOT NULL,
    latitude             REAL,
    longitude            REAL,
    search_key           TEXT NOT NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL,
    version              INTEGER NOT NULL
);
CREATE INDEX craft_villages_commune ON craft_villages(commune_code);

CREATE TABLE code_sequences (
    scope TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
);

CREATE TABLE products (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    producer_id       INTEGER NOT NULL REFERENCES producers(id),
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    category_version  TEXT NOT NULL,
    category_code     TEXT NOT NULL,
    brand             TEXT NOT NULL,
    gtin              TEXT UNIQUE,
    description       TEXT NOT NULL,
    description_en    TEXT NOT NULL,
    ingredients       TEXT NOT NULL,
    raw_material_area TEXT NOT NULL,
    craft_village_id  INTEGER REFERENCES craft_villages(id),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'active', 'inactive')),
    search_key        TEXT NOT NULL,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    version           INTEGER NOT NULL,
    FOREIGN KEY (category_version, category_code) REFERENCES categories(version, code)
);
CREATE INDEX products_producer ON products(producer_id);
CREATE INDEX products_category ON products(category_code);
CREATE INDEX products_village ON products(craft_village_id);

CREATE TABLE media (
    hash         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    created_at   DATETIME NOT NULL
);

CREATE TABLE product_images (
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    media_hash TEXT NOT NULL REFERENCES media(hash),
    position   INTEGER NOT NULL,
    caption    TEXT NOT NULL,
    PRIMARY KEY (product_id, media_hash)
);

-- Full-text indexes over the folded search keys (diacritics and đ already removed).
CREATE VIRTUAL TABLE products_fts USING fts5(search_key, content='products', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
    INSERT INTO products_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER products_fts_au AFTER UPDATE OF search_key ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO products_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;

CREATE VIRTUAL TABLE producers_fts USING fts5(search_key, content='producers', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER producers_fts_ai AFTER INSERT ON producers BEGIN
    INSERT INTO producers_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER producers_fts_ad AFTER DELETE ON producers BEGIN
    INSERT INTO producers_fts(producers_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER producers_fts_au AFTER UPDATE OF search_key ON producers BEGIN
    INSERT INTO producers_fts(producers_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO producers_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;

CREATE VIRTUAL TABLE craft_villages_fts USING fts5(search_key, content='craft_villages', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER craft_villages_fts_ai AFTER INSERT ON craft_villages BEGIN
    INSERT INTO craft_villages_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER craft_villages_fts_ad AFTER DELETE ON craft_villages BEGIN
    INSERT INTO craft_villages_fts(craft_villages_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER craft_villages_fts_au AFTER UPDATE OF search_key ON craft_villages BEGIN
    INSERT INTO craft_villages_fts(craft_villages_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO craft_villages_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;

-- Audit log: one row per change, written in the change's transaction.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         DATETIME NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    before     TEXT NOT NULL,
    after      TEXT NOT NULL,
    ip         TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id);
