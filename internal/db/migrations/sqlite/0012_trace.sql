-- 0012 traceability: raw-material areas, lots, EPCIS events, recalls (issue 6).
-- Owned by package trace. Keep in step with ../postgres/0012_trace.sql.

-- A raw-material area (vùng nguyên liệu) of a producer.
-- certifications is a JSON array of {name, number, valid_until}.
CREATE TABLE trace_areas (
    id             INTEGER PRIMARY KEY,
    producer_id    INTEGER NOT NULL REFERENCES producers(id),
    commune_code   TEXT NOT NULL,
    name           TEXT NOT NULL,
    hectares       REAL NOT NULL CHECK (hectares >= 0),
    latitude       REAL,
    longitude      REAL,
    outline        TEXT NOT NULL,
    materials      TEXT NOT NULL,
    certifications TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX trace_areas_producer ON trace_areas(producer_id);
CREATE INDEX trace_areas_commune ON trace_areas(commune_code);

-- A production lot (lô sản xuất) of one product. code is the GS1 AI (10)
-- batch/lot number, unique per product. recalled_at marks a recall.
CREATE TABLE trace_lots (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products(id),
    producer_id   INTEGER NOT NULL REFERENCES producers(id),
    commune_code  TEXT NOT NULL,
    code          TEXT NOT NULL,
    produced_on   TEXT NOT NULL,
    expires_on    TEXT NOT NULL,
    quantity      REAL NOT NULL CHECK (quantity >= 0),
    unit          TEXT NOT NULL,
    standards     TEXT NOT NULL,
    note          TEXT NOT NULL,
    recalled_at   DATETIME,
    recall_reason TEXT NOT NULL,
    recalled_by   INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL,
    UNIQUE (product_id, code)
);
CREATE INDEX trace_lots_producer ON trace_lots(producer_id);
CREATE INDEX trace_lots_commune ON trace_lots(commune_code);

-- What went into a lot: another lot or a raw-material area.
CREATE TABLE trace_lot_inputs (
    id           INTEGER PRIMARY KEY,
    lot_id       INTEGER NOT NULL REFERENCES trace_lots(id) ON DELETE CASCADE,
    input_lot_id INTEGER REFERENCES trace_lots(id),
    area_id      INTEGER REFERENCES trace_areas(id),
    CHECK ((input_lot_id IS NULL) <> (area_id IS NULL))
);
CREATE INDEX trace_lot_inputs_lot ON trace_lot_inputs(lot_id);

-- Stamps assigned to a lot, as ranges of positions in a stamp batch (a
-- list of serials is stored as the runs it forms). Ranges never overlap
-- (checked by the service in the assigning transaction).
CREATE TABLE trace_lot_stamps (
    batch_id INTEGER NOT NULL REFERENCES stamp_batches(id),
    seq_from INTEGER NOT NULL,
    seq_to   INTEGER NOT NULL CHECK (seq_to >= seq_from),
    lot_id   INTEGER NOT NULL REFERENCES trace_lots(id),
    PRIMARY KEY (batch_id, seq_from)
);
CREATE INDEX trace_lot_stamps_lot ON trace_lot_stamps(lot_id);

-- A trace event shaped on EPCIS 2.0. hash is the canonical event hash
-- (duplicates are stored once); document is the event as JSON-LD.
-- location_name is the human name of bizLocation (a sale point until the
-- market module's sale_points can be referenced).
CREATE TABLE trace_events (
    id            INTEGER PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    producer_id   INTEGER NOT NULL REFERENCES producers(id),
    commune_code  TEXT NOT NULL,
    lot_id        INTEGER NOT NULL REFERENCES trace_lots(id),
    event_type    TEXT NOT NULL,
    action        TEXT NOT NULL,
    event_time    DATETIME NOT NULL,
    tz_offset     TEXT NOT NULL,
    record_time   DATETIME NOT NULL,
    biz_step      TEXT NOT NULL,
    disposition   TEXT NOT NULL,
    read_point    TEXT NOT NULL,
    biz_location  TEXT NOT NULL,
    location_name TEXT NOT NULL,
    document      TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id)
);
CREATE INDEX trace_events_lot ON trace_events(lot_id, event_time);
CREATE INDEX trace_events_producer ON trace_events(producer_id, event_time);
CREATE INDEX trace_events_time ON trace_events(event_time);

-- Every lot an event names (object, input, output, parent or child), so
-- that a query by lot finds transformations that consumed it.
CREATE TABLE trace_event_lots (
    event_id INTEGER NOT NULL REFERENCES trace_events(id) ON DELETE CASCADE,
    lot_id   INTEGER NOT NULL REFERENCES trace_lots(id),
    role     TEXT NOT NULL,
    PRIMARY KEY (event_id, lot_id, role)
);
CREATE INDEX trace_event_lots_lot ON trace_event_lots(lot_id);
