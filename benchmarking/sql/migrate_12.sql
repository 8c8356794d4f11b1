-- Schema version 12: the view value_added_estimates gives the store's own estimate and DfE's published one side
-- by side, with how many of the year's groups DfE's covers; the queries that read it choose, given DfE's number
-- of groups (value_added.KS4_GROUPS) rather than a number written into the view. No table changes: the views
-- are made again after every migration.
SELECT 1;
