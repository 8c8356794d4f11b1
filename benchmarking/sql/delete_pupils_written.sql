-- Before a write of pupils: remove the pupils of each school, year and key stage being written (a school's
-- file replaces its pupils for that year and key stage, never adds to them).
DELETE FROM pupils
WHERE (urn, year, key_stage) IN (SELECT DISTINCT urn, year, key_stage FROM incoming_pupils);
