-- Each result measure in the store, with how many values are present and how many missing.
SELECT m.measure, m.label, count(r.value) AS values_present, count(r.reason) AS values_missing
FROM measures m JOIN results r USING (measure)
GROUP BY ALL ORDER BY m.measure;
