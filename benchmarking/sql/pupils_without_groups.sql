-- Every pupil's row, key stage and prior attainment: to set the prior-attainment groups of pupils stored
-- before the store kept them (migration 5).
SELECT rowid AS row, key_stage, prior_attainment FROM pupils;
