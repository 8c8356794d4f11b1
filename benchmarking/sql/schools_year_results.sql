-- Some schools' results of one year (a club's members, whatever kind of school each is), with each measure's
-- label and direction, as year_results_every_school gives them. Parameters: year, URNs.
SELECT r.urn, r.measure, m.label, m.unit, m.higher_is_better, r.value, r.ci_low, r.ci_high, r.n, r.reason
FROM results r JOIN measures m USING (measure)
WHERE r.year = $1 AND m.kind = 'result' AND r.urn IN (SELECT unnest($2))
ORDER BY r.urn, r.measure;
