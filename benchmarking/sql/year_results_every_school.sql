-- Every result of one year for every school (whatever kind of school), with each measure's label and
-- direction, in URN order: a school's own year is then a slice of it. Parameter: year.
SELECT r.urn, r.measure, m.label, m.unit, m.higher_is_better, r.value, r.ci_low, r.ci_high, r.n, r.reason
FROM results r JOIN measures m USING (measure)
WHERE r.year = $1 AND m.kind = 'result'
ORDER BY r.urn, r.measure;
