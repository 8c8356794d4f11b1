-- Schema version 9: everything DfE's full-width files publish beyond the headline figures, and the
-- national figures DfE's rules are measured against.

-- Pupil-group figures as published (disadvantaged and other pupils, prior-attainment bands, EAL, girls and
-- boys), one row per school, year, measure and group; the CI and count only where DfE publishes them.
CREATE TABLE group_results (
    urn      INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    measure  VARCHAR NOT NULL,   -- the whole-cohort measure the group figure is of (ks4_p8, ks2_read_progress ...)
    grouping VARCHAR NOT NULL,   -- disadvantaged, prior_attainment, eal, sex
    grp      VARCHAR NOT NULL,   -- disadvantaged, not disadvantaged, low, middle, high, EAL, girls, boys
    value    DOUBLE,
    ci_low   DOUBLE,
    ci_high  DOUBLE,
    n        INTEGER,
    reason   VARCHAR,            -- why value is missing (SUPP, NE ...); NULL when present
    PRIMARY KEY (urn, year, measure, grouping, grp)
);

-- England's figures: the national rows of DfE's files (statistic 'average', a pupil average), and the median
-- of England's state-funded mainstream schools where a file covering all of England was imported
-- (statistic 'median'). Whole-cohort figures have grouping and grp 'all'.
CREATE TABLE national_figures (
    year      INTEGER NOT NULL,
    measure   VARCHAR NOT NULL,
    grouping  VARCHAR NOT NULL,
    grp       VARCHAR NOT NULL,
    statistic VARCHAR NOT NULL,  -- average (a national row) or median (over all of England's schools)
    value     DOUBLE,
    ci_low    DOUBLE,
    ci_high   DOUBLE,
    n         INTEGER,
    source    VARCHAR NOT NULL,  -- the file it came from
    PRIMARY KEY (year, measure, grouping, grp, statistic)
);

-- DfE's lowest pupil score in each prior-attainment group (pupil scores below it are raised to it), where
-- imported; without them a group is capped from its own spread only when it holds enough pupils.
CREATE TABLE score_caps (
    year         INTEGER NOT NULL,
    measure      VARCHAR NOT NULL,   -- ks4_p8, ks2_read_progress, ks2_writ_progress or ks2_mat_progress
    prior_group  INTEGER NOT NULL,
    lowest_score DOUBLE NOT NULL,    -- on the measure's own scale (Progress 8 points, KS2 scaled-score points)
    PRIMARY KEY (year, measure, prior_group)
);

-- Who a school admits: its sex of entry (boys, girls, mixed) and admissions (selective, non-selective),
-- where a file says; similar schools can be matched on both.
ALTER TABLE schools ADD COLUMN sex_of_entry VARCHAR;
ALTER TABLE schools ADD COLUMN admissions VARCHAR;
