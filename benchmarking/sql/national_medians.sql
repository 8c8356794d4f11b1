-- The national median of each measure per year, over state-funded mainstream schools.
SELECT r.year, r.measure, median(r.value) AS median
FROM results r JOIN schools s USING (urn)
WHERE r.measure IN (SELECT unnest(?)) AND r.value IS NOT NULL AND s.state_funded AND s.mainstream
GROUP BY r.year, r.measure;
