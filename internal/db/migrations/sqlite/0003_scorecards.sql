-- Evaluation: the official scorecards (Decision 26/2026/QĐ-TTg, Phụ lục II)
-- as versioned, validated, correctable data. A version that was used for
-- scoring is never edited in place: a correction goes to a new version.
-- Keep in step with ../postgres/0003_scorecards.sql (same tables, same columns).

-- One version of one scorecard ("bộ sản phẩm" 1–26). content_hash
-- identifies what the version says now; origin_hash what it said when it
-- was loaded or imported (kept by corrections and copies), so that loading
-- the same embedded copy again is recognised even after corrections.
CREATE TABLE criteria_sets (
    id               INTEGER PRIMARY KEY,
    decision         TEXT NOT NULL,
    set_no           INTEGER NOT NULL CHECK (set_no BETWEEN 1 AND 99),
    version          INTEGER NOT NULL CHECK (version >= 1),
    label            TEXT NOT NULL,
    name             TEXT NOT NULL,
    classification   TEXT NOT NULL,
    category_version TEXT NOT NULL,
    category_code    TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    source           TEXT NOT NULL CHECK (source IN ('embedded', 'imported', 'corrected')),
    based_on         INTEGER REFERENCES criteria_sets(id),
    content_hash     TEXT NOT NULL,
    origin_hash      TEXT NOT NULL,
    rejection        TEXT NOT NULL,
    star_footnote    BOOLEAN NOT NULL,
    notes            TEXT NOT NULL,
    created_at       DATETIME NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_by_name  TEXT NOT NULL,
    activated_at     DATETIME,
    activated_by     INTEGER REFERENCES users(id),
    UNIQUE (decision, set_no, version),
    FOREIGN KEY (category_version, category_code) REFERENCES categories(version, code)
);
-- At most one version of a scorecard is in force.
CREATE UNIQUE INDEX criteria_sets_active ON criteria_sets(decision, set_no) WHERE status = 'active';
CREATE INDEX criteria_sets_category ON criteria_sets(category_version, category_code);

-- Part A (40), B (25), C (35) with the heading as printed.
CREATE TABLE criteria_parts (
    id          INTEGER PRIMARY KEY,
    set_id      INTEGER NOT NULL REFERENCES criteria_sets(id) ON DELETE CASCADE,
    code        TEXT NOT NULL CHECK (code IN ('A', 'B', 'C')),
    title       TEXT NOT NULL,
    printed_max TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (set_id, code)
);

-- Level-1 headings ("1. TỔ CHỨC SẢN XUẤT") with the maximum as printed
-- (max_printed keeps the cell's text, e.g. set 23's "4 1"; max_points is
-- NULL when the text is not one number or the source gives none).
CREATE TABLE criteria_sections (
    id          INTEGER PRIMARY KEY,
    set_id      INTEGER NOT NULL REFERENCES criteria_sets(id) ON DELETE CASCADE,
    part_id     INTEGER NOT NULL REFERENCES criteria_parts(id) ON DELETE CASCADE,
    no          INTEGER NOT NULL,
    title       TEXT NOT NULL,
    max_printed TEXT NOT NULL,
    max_points  INTEGER,
    position    INTEGER NOT NULL,
    UNIQUE (set_id, no)
);
CREATE INDEX criteria_sections_part ON criteria_sections(part_id);

-- The headings that own answer options: "1.5", "7", "6.1.1".
CREATE TABLE criteria (
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES criteria_sets(id) ON DELETE CASCADE,
    section_id   INTEGER NOT NULL REFERENCES criteria_sections(id) ON DELETE CASCADE,
    no           TEXT NOT NULL,
    title        TEXT NOT NULL,
    parent_no    TEXT NOT NULL,
    parent_title TEXT NOT NULL,
    max_printed  TEXT NOT NULL,
    max_points   INTEGER,
    notes        TEXT NOT NULL,
    gate         TEXT NOT NULL CHECK (gate IN ('', 'reject', 'stop')),
    yes_no       BOOLEAN NOT NULL,
    position     INTEGER NOT NULL,
    UNIQUE (set_id, no)
);
CREATE INDEX criteria_section ON criteria(section_id);

-- Answer options: points (NULL for an empty cell), star mark (3/4/5: the
-- minimum for that star), and the alternative case of set 26 (0 for none).
CREATE TABLE criteria_options (
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES criteria_sets(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES criteria(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    points       INTEGER CHECK (points BETWEEN 0 AND 100),
    star         INTEGER NOT NULL CHECK (star IN (0, 3, 4, 5)),
    case_group   INTEGER NOT NULL,
    source_row   INTEGER NOT NULL,
    UNIQUE (criterion_id, position)
);
CREATE INDEX criteria_options_set ON criteria_options(set_id);

-- Every correction the programme office makes, with its reason: what
-- changed, from what, to what, by whom and when.
CREATE TABLE criteria_corrections (
    id              INTEGER PRIMARY KEY,
    set_id          INTEGER NOT NULL REFERENCES criteria_sets(id),
    target          TEXT NOT NULL CHECK (target IN ('set', 'section', 'criterion', 'option')),
    target_id       INTEGER NOT NULL,
    place           TEXT NOT NULL,
    field           TEXT NOT NULL,
    old_value       TEXT NOT NULL,
    new_value       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      DATETIME NOT NULL
);
CREATE INDEX criteria_corrections_set ON criteria_corrections(set_id);
