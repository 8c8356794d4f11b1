-- Schema version 5: what every value-added page needs, worked out once when pupils are written.
-- A pupil's prior-attainment group (KS2 groups for KS4 pupils, KS1 groups for KS2 pupils; NULL without
-- prior attainment), set by Store.replace_pupils.
ALTER TABLE pupils ADD COLUMN prior_group TINYINT;

-- The national mean and SD of each outcome in each prior-attainment group, from the store's own pupils:
-- the expected outcome of every pupil. Refreshed in the same transaction as every write of pupils.
CREATE TABLE pupil_estimates (
    year        INTEGER NOT NULL,
    key_stage   VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,   -- the pupils column: attainment8, ks2_read, ks2_writ or ks2_mat
    prior_group INTEGER NOT NULL,
    estimate    DOUBLE NOT NULL,    -- mean outcome of the group's pupils
    sd          DOUBLE NOT NULL,    -- its sample standard deviation (0 for a group of one)
    n           INTEGER NOT NULL,
    PRIMARY KEY (year, key_stage, outcome, prior_group)
);
