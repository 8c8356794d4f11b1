-- Pupil counts DfE does not publish beside a school's figure (the KS2 school file of 2023 onwards has none):
-- the key stage's cohort that year (its eligible pupils, from the school information file, or its pupils at
-- the end of KS4) stands in, so that every figure has a cohort size. Published counts are never replaced.
-- Parameter: the years written.
UPDATE results AS r
SET n = round(c.value)::INTEGER
FROM measures m, context c
WHERE m.measure = r.measure AND m.key_stage IN ('KS2', 'KS4')
  AND c.urn = r.urn AND c.year = r.year AND c.measure = lower(m.key_stage) || '_cohort' AND c.value IS NOT NULL
  AND r.n IS NULL AND r.value IS NOT NULL AND list_contains($1, r.year);
