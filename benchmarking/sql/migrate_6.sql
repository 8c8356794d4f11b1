-- Schema version 6: every school's official value added from its pupils, for each year and measure,
-- worked out when pupils (or DfE's published estimates or SD) are written, so that pages read it at once.
-- Store.refresh_value_added fills it from sql/school_value_added_from_pupils.sql; suppression of small
-- cohorts and bands are applied when it is read (va_report.school_value_added_table).
CREATE TABLE school_value_added (
    urn      INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    measure  VARCHAR NOT NULL,   -- one of value_added.SUBJECTS
    n        INTEGER NOT NULL,   -- pupils with a score
    expected DOUBLE,             -- mean expected outcome
    actual   DOUBLE,             -- mean actual outcome
    va       DOUBLE,             -- mean pupil score
    ci_low   DOUBLE,
    ci_high  DOUBLE,
    source   VARCHAR NOT NULL,   -- whose national estimates: DfE's published ones or the store's own
    PRIMARY KEY (year, measure, urn)
);
