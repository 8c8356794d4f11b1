-- Published pupil-group figures for a year, for the schools in the list $2.
SELECT urn, measure, grouping, grp, value, ci_low, ci_high, n
FROM group_results
WHERE year = $1 AND urn IN (SELECT unnest($2));
