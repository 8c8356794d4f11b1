-- The latest year a school has key stage results. Parameter: URN.
SELECT max(r.year) AS year FROM results r JOIN measures m USING (measure)
WHERE r.urn = $1 AND m.key_stage IN ('KS2', 'KS4');
