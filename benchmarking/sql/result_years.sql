-- Every year with key stage results (a year of absence figures alone is not a year of results).
SELECT DISTINCT r.year FROM results r JOIN measures m USING (measure)
WHERE m.key_stage IN ('KS2', 'KS4') ORDER BY r.year;
