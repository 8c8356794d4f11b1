-- How far each measure's results of one year reach: the state-funded mainstream schools with a value, and the
-- LAs they are in (a percentile among them is national only when they span all of England). Parameter: year.
SELECT r.measure, count(*) AS schools, count(DISTINCT s.la_code) AS las
FROM results r
JOIN state_funded_mainstream f ON f.urn = r.urn
JOIN schools s ON s.urn = r.urn
WHERE r.year = $1 AND r.value IS NOT NULL
GROUP BY r.measure;
