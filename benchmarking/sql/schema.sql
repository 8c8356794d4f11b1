-- School Benchmarking Club store, schema version 1.
-- A year is the calendar year of the summer tests and exams: 2018-19 is 2019.

CREATE TABLE schema_version (
    version    INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE local_authorities (
    la_code INTEGER PRIMARY KEY,
    la_name VARCHAR NOT NULL,
    region  VARCHAR NOT NULL
);

CREATE TABLE measures (
    measure          VARCHAR PRIMARY KEY,
    label            VARCHAR NOT NULL,
    key_stage        VARCHAR NOT NULL,   -- KS2, KS4 or school
    kind             VARCHAR NOT NULL,   -- result or context
    unit             VARCHAR NOT NULL,
    higher_is_better BOOLEAN             -- NULL for context, where neither way is better
);

-- One row per school ever seen. phase_rank says how authoritative the phase is (GIAS 3, census or
-- spine 2, a results file 1), so a later, weaker source never overwrites a stronger one.
CREATE TABLE schools (
    urn          INTEGER PRIMARY KEY,
    name         VARCHAR,               -- NULL where only the census has named the school so far
    la_code      INTEGER,
    phase        VARCHAR,               -- primary, secondary, all-through, special
    phase_rank   INTEGER NOT NULL DEFAULT 0,
    nftype       VARCHAR,
    school_type  VARCHAR,
    state_funded BOOLEAN,
    mainstream   BOOLEAN,
    is_open      BOOLEAN
);

-- GIAS links: urn was succeeded by / preceded by link_urn.
CREATE TABLE school_links (
    urn         INTEGER NOT NULL,
    link_urn    INTEGER NOT NULL,
    link_type   VARCHAR NOT NULL,
    established DATE,
    PRIMARY KEY (urn, link_urn, link_type)
);

-- Context per school, year and measure, in long form so every missing value keeps its reason.
CREATE TABLE context (
    urn     INTEGER NOT NULL,
    year    INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    value   DOUBLE,
    reason  VARCHAR,                    -- why value is missing (SUPP, NA, NEW, BLANK ...); NULL when present
    PRIMARY KEY (urn, year, measure)
);

-- Results per school, year and measure, with the published confidence interval and pupil count.
CREATE TABLE results (
    urn     INTEGER NOT NULL,
    year    INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    value   DOUBLE,
    ci_low  DOUBLE,
    ci_high DOUBLE,
    n       INTEGER,
    reason  VARCHAR,
    PRIMARY KEY (urn, year, measure)
);

-- Pupil-level rows: personal data. pupil_id is pseudonymous; no names are ever stored.
-- prior_attainment is the KS2 average scaled score (KS4 pupils) or the KS1 average point score (KS2 pupils).
CREATE TABLE pupils (
    pupil_id         VARCHAR NOT NULL,
    urn              INTEGER NOT NULL,
    year             INTEGER NOT NULL,
    key_stage        VARCHAR NOT NULL,  -- KS4 or KS2
    prior_attainment DOUBLE,
    attainment8      DOUBLE,
    english_grade    INTEGER,
    maths_grade      INTEGER,
    ks2_read         DOUBLE,
    ks2_writ         DOUBLE,
    ks2_mat          DOUBLE,
    disadvantaged    BOOLEAN NOT NULL,
    sen              VARCHAR NOT NULL,  -- N none, K SEN support, E EHC plan
    eal              BOOLEAN NOT NULL,
    sex              VARCHAR NOT NULL   -- F or M
);

-- The synthetic generator's truth, so the value-added engine can be tested against it.
-- true_va: the school's expected official value added (school effect plus its intake's pupil effects);
-- true_school_effect: the school's own effect alone, what a contextual measure estimates.
CREATE TABLE synthetic_truth (
    urn                INTEGER NOT NULL,
    year               INTEGER NOT NULL,
    measure            VARCHAR NOT NULL,
    true_va            DOUBLE NOT NULL,
    true_school_effect DOUBLE NOT NULL,
    PRIMARY KEY (urn, year, measure)
);

CREATE SEQUENCE import_id_seq START 1;

CREATE TABLE import_log (
    import_id     INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
    file          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    year          INTEGER,
    checksum      VARCHAR,
    rows_read     INTEGER NOT NULL,
    rows_stored   INTEGER NOT NULL,
    rows_skipped  INTEGER NOT NULL,     -- LA, national and other non-school rows
    rows_rejected INTEGER NOT NULL,     -- rows that failed validation (the import then stored nothing)
    status        VARCHAR NOT NULL,     -- stored or failed
    message       VARCHAR,
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
