-- One school's results of one year, with each measure's label and direction. Parameters: URN, year.
SELECT r.urn, r.measure, m.label, m.unit, m.higher_is_better, r.value, r.ci_low, r.ci_high, r.n, r.reason
FROM results r JOIN measures m USING (measure)
WHERE r.urn = $1 AND r.year = $2 AND m.kind = 'result';
