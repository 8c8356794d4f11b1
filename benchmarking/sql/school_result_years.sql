-- The years a school has any result. Parameter: URN.
SELECT DISTINCT year FROM results WHERE urn = $1 AND value IS NOT NULL ORDER BY year;
