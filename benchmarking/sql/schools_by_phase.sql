-- How many schools of each phase.
SELECT coalesce(phase, 'unknown') AS phase, count(*) AS n FROM schools GROUP BY ALL ORDER BY n DESC, phase;
