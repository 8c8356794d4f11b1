-- Schema version 3: DfE's published Progress 8 estimates, national pupil SDs, and targets schools set.
CREATE TABLE p8_estimates (
    year        INTEGER NOT NULL,
    prior_group INTEGER NOT NULL,       -- DfE's KS2 prior-attainment group, 1-34
    estimate    DOUBLE NOT NULL,        -- national mean Attainment 8 of the group
    PRIMARY KEY (year, prior_group)
);

CREATE TABLE national_sd (
    year    INTEGER NOT NULL,
    measure VARCHAR NOT NULL,           -- ks4_p8 ...
    sd      DOUBLE NOT NULL,            -- national pupil-level SD of scores, as published
    PRIMARY KEY (year, measure)
);

CREATE TABLE targets (
    urn     INTEGER NOT NULL,
    year    INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    level   VARCHAR NOT NULL,           -- median, upper quartile, top 10%, or the school's own
    target  DOUBLE NOT NULL,            -- the value-added score aimed at
    note    VARCHAR,
    set_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (urn, year, measure, level)
);
