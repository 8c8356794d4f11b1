-- One measure's value, CI and pupil count for a list of schools in a year.
SELECT urn, value, ci_low, ci_high, n, reason
FROM results
WHERE year = ? AND measure = ? AND urn IN (SELECT unnest(?));
