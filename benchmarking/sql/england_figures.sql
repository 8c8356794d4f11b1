-- England's figure for each year and measure in the list $1: the median school where a file covering all of
-- England gave it, else the national row's pupil average.
SELECT year, measure,
       arg_min(value, CASE statistic WHEN 'median' THEN 0 ELSE 1 END)     AS value,
       arg_min(statistic, CASE statistic WHEN 'median' THEN 0 ELSE 1 END) AS statistic
FROM national_figures
WHERE grouping = 'all' AND measure IN (SELECT unnest($1))
GROUP BY year, measure
ORDER BY year, measure;
