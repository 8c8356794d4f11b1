-- One school's results for one measure in every year, missing years and reasons included.
SELECT year, value AS va, ci_low, ci_high, n, reason
FROM results
WHERE urn = ? AND measure = ?
ORDER BY year;
