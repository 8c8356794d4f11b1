-- One school's published figures for a pupil group and the pupils it is set against, every year held.
-- Parameters: urn, measure, the group, the other pupils' group.
SELECT year, grp, value
FROM group_results
WHERE urn = $1 AND measure = $2 AND grp IN ($3, $4)
ORDER BY year;
