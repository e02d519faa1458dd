-- 0015 trade promotion: events, supply–demand board, support programmes and training (issue 7).
-- Keep in step with the other engine's 0015_trade.sql (same tables and columns).

-- A buyer's demand (nhu cầu mua) on the supply–demand board.
CREATE TABLE trade_demands (
    id             INTEGER PRIMARY KEY,
    buyer_user_id  INTEGER NOT NULL REFERENCES users(id),
    title          TEXT NOT NULL,
    category_code  TEXT NOT NULL,
    keywords       TEXT NOT NULL,
    quantity       REAL NOT NULL CHECK (quantity > 0),
    unit           TEXT NOT NULL,
    frequency      TEXT NOT NULL,
    min_star       INTEGER NOT NULL CHECK (min_star BETWEEN 0 AND 5),
    certifications TEXT NOT NULL,
    target_market  TEXT NOT NULL,
    delivery_area  TEXT NOT NULL,
    delivery_lat   REAL,
    delivery_lon   REAL,
    note           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX trade_demands_buyer ON trade_demands(buyer_user_id);
CREATE INDEX trade_demands_status ON trade_demands(status, created_at);

-- A producer's offer (chào bán) with its capacity.
CREATE TABLE trade_offers (
    id             INTEGER PRIMARY KEY,
    producer_id    INTEGER NOT NULL REFERENCES producers(id),
    product_id     INTEGER REFERENCES products(id),
    category_code  TEXT NOT NULL,
    title          TEXT NOT NULL,
    capacity       REAL NOT NULL CHECK (capacity > 0),
    unit           TEXT NOT NULL,
    frequency      TEXT NOT NULL,
    certifications TEXT NOT NULL,
    markets        TEXT NOT NULL,
    note           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by     INTEGER REFERENCES users(id),
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX trade_offers_producer ON trade_offers(producer_id);
CREATE INDEX trade_offers_category ON trade_offers(category_code, status);

-- A lead: a buyer contacted a producer about a demand.
CREATE TABLE trade_leads (
    id             INTEGER PRIMARY KEY,
    demand_id      INTEGER NOT NULL REFERENCES trade_demands(id),
    producer_id    INTEGER NOT NULL REFERENCES producers(id),
    buyer_user_id  INTEGER NOT NULL REFERENCES users(id),
    state          TEXT NOT NULL CHECK (state IN ('contacted', 'sample_sent', 'negotiating', 'ordered', 'declined')),
    flags          TEXT NOT NULL,
    first_text     TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    version        INTEGER NOT NULL,
    UNIQUE (demand_id, producer_id)
);
CREATE INDEX trade_leads_producer ON trade_leads(producer_id, state);
CREATE INDEX trade_leads_buyer ON trade_leads(buyer_user_id, created_at);

-- Messages of a lead, from either side, and state changes.
CREATE TABLE trade_messages (
    id             INTEGER PRIMARY KEY,
    lead_id        INTEGER NOT NULL REFERENCES trade_leads(id),
    author_user_id INTEGER REFERENCES users(id),
    side           TEXT NOT NULL CHECK (side IN ('buyer', 'producer', 'office')),
    body           TEXT NOT NULL,
    state          TEXT NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX trade_messages_lead ON trade_messages(lead_id, id);

-- A producer's report of a buyer (suspected fake order, spam, abuse).
CREATE TABLE trade_buyer_reports (
    id             INTEGER PRIMARY KEY,
    buyer_user_id  INTEGER NOT NULL REFERENCES users(id),
    producer_id    INTEGER NOT NULL REFERENCES producers(id),
    lead_id        INTEGER REFERENCES trade_leads(id),
    reason         TEXT NOT NULL,
    note           TEXT NOT NULL,
    reported_by    INTEGER REFERENCES users(id),
    created_at     DATETIME NOT NULL
);
CREATE INDEX trade_buyer_reports_buyer ON trade_buyer_reports(buyer_user_id);

-- Trade-promotion events: fairs, festivals, product weeks, livestreams.
CREATE TABLE trade_events (
    id                    INTEGER PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('fair', 'festival', 'product_week', 'livestream')),
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    place                 TEXT NOT NULL,
    online_url            TEXT NOT NULL,
    starts_at             DATETIME NOT NULL,
    ends_at               DATETIME NOT NULL,
    registration_deadline DATETIME NOT NULL,
    booth_capacity        INTEGER NOT NULL CHECK (booth_capacity >= 0),
    status                TEXT NOT NULL CHECK (status IN ('published', 'cancelled')),
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    version               INTEGER NOT NULL
);
CREATE INDEX trade_events_starts ON trade_events(starts_at);

-- A producer's registration for an event, the booth assigned and the
-- outcome it reported afterwards.
CREATE TABLE trade_registrations (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES trade_events(id),
    producer_id   INTEGER NOT NULL REFERENCES producers(id),
    booths        INTEGER NOT NULL CHECK (booths >= 0),
    note          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    booth_label   TEXT NOT NULL,
    decided_by    INTEGER REFERENCES users(id),
    decided_at    DATETIME,
    sales_vnd     BIGINT NOT NULL,
    contacts      INTEGER NOT NULL,
    orders        INTEGER NOT NULL,
    outcome_at    DATETIME,
    created_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL,
    UNIQUE (event_id, producer_id)
);
CREATE INDEX trade_registrations_producer ON trade_registrations(producer_id);

-- Livestream slots: who presents which products, when, and where to watch.
CREATE TABLE trade_slots (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES trade_events(id),
    producer_id  INTEGER NOT NULL REFERENCES producers(id),
    starts_at    DATETIME NOT NULL,
    ends_at      DATETIME NOT NULL,
    link         TEXT NOT NULL,
    product_ids  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX trade_slots_event ON trade_slots(event_id, starts_at);

-- Support programmes (chương trình hỗ trợ) with a budget, and the support
-- given to producers against it.
CREATE TABLE trade_programmes (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('packaging_design', 'stamps', 'trademark', 'logistics_ecommerce', 'quality_testing')),
    name        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    budget_vnd  BIGINT NOT NULL CHECK (budget_vnd >= 0),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL
);
CREATE TABLE trade_support (
    id            INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES trade_programmes(id),
    producer_id   INTEGER NOT NULL REFERENCES producers(id),
    amount_vnd    BIGINT NOT NULL CHECK (amount_vnd > 0),
    note          TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL
);
CREATE INDEX trade_support_programme ON trade_support(programme_id);
CREATE INDEX trade_support_producer ON trade_support(producer_id);

-- Training courses (tập huấn) and their participants.
CREATE TABLE trade_courses (
    id          INTEGER PRIMARY KEY,
    topic       TEXT NOT NULL CHECK (topic IN ('sales', 'storefront', 'branding', 'livestream')),
    title       TEXT NOT NULL,
    place       TEXT NOT NULL,
    starts_at   DATETIME NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    created_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL
);
CREATE TABLE trade_participants (
    id             INTEGER PRIMARY KEY,
    course_id      INTEGER NOT NULL REFERENCES trade_courses(id),
    producer_id    INTEGER NOT NULL REFERENCES producers(id),
    attended       BOOLEAN NOT NULL,
    registered_at  DATETIME NOT NULL,
    UNIQUE (course_id, producer_id)
);
CREATE INDEX trade_participants_producer ON trade_participants(producer_id);
