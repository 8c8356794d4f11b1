-- The national median of each measure per year, over state-funded mainstream schools.
SELECT r.year, r.measure, median(r.value) AS median
FROM results r JOIN state_funded_mainstream m ON m.urn = r.urn
WHERE r.measure IN (SELECT unnest(?)) AND r.value IS NOT NULL
GROUP BY r.year, r.measure;
