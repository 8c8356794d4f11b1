-- England's published figure for every pupil group in a year (DfE's national rows).
SELECT measure, grouping, grp, value
FROM national_figures
WHERE year = $1 AND statistic = 'average' AND grouping <> 'all';
