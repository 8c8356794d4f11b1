-- One measure's value, CI, pupils and reason for every school that has a row for it in a year.
-- Parameters: year, measure.
SELECT urn, value, ci_low, ci_high, n, reason FROM results WHERE year = $1 AND measure = $2 ORDER BY urn;
