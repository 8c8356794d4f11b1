-- Every result of one year for state-funded mainstream schools, with the measure's label and direction.
SELECT r.urn, r.measure, m.label, m.unit, m.higher_is_better, r.value, r.ci_low, r.ci_high, r.n, r.reason
FROM results r
JOIN measures m USING (measure)
JOIN state_funded_mainstream f ON f.urn = r.urn
WHERE r.year = ? AND m.kind = 'result' AND m.higher_is_better IS NOT NULL;
