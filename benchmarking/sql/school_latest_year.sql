-- The latest year a school has results. Parameter: URN.
SELECT max(year) AS year FROM results WHERE urn = $1;
