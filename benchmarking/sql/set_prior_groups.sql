-- Set each pupil's prior-attainment group from the registered frame pupil_groups (row, prior_group).
UPDATE pupils SET prior_group = g.prior_group FROM pupil_groups g WHERE pupils.rowid = g.row;
