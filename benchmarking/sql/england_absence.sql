-- England's overall and persistent absence of one year: the national row for all pupils, or where a file gives
-- England by phase only (the performance tables), the mean of its primary and secondary rows. Parameter: year.
SELECT measure, avg(value) AS value
FROM national_figures n
WHERE year = $1 AND measure IN ('absence_overall', 'absence_persistent') AND statistic = 'average'
  AND (grp = 'all' OR (grp IN ('primary', 'secondary') AND NOT EXISTS (
        SELECT 1 FROM national_figures a
        WHERE a.year = n.year AND a.measure = n.measure AND a.grp = 'all' AND a.statistic = 'average')))
GROUP BY measure;
