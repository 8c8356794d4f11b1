-- How many results are missing, by the reason DfE gives.
SELECT reason, count(*) AS n FROM results WHERE reason IS NOT NULL GROUP BY ALL ORDER BY n DESC, reason;
