-- Every school's published figures for a pupil group and the pupils it is set against, every year held.
-- Parameters: measure, the group, the other pupils' group.
SELECT urn, year, grp, value
FROM group_results
WHERE measure = $1 AND grp IN ($2, $3)
ORDER BY urn, year;
