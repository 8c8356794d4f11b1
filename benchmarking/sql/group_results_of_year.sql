-- Every school's published pupil-group figures for a year. Parameter: year.
SELECT urn, measure, grouping, grp, value, ci_low, ci_high, n
FROM group_results
WHERE year = $1;
