-- Every school with key stage results (published or suppressed), or one school ($1, a URN; NULL for all), for
-- finding one by name, URN or LA (absence alone does not list a school). This is the one place a school's phase
-- is decided, year by year: the key stage of its results that year (KS4 results make it a secondary, else KS2
-- results a primary), whatever GIAS calls it. An all-through school is a secondary in the years it has KS4
-- results and a primary in those it has KS2 results only; a special school with KS4 results is a secondary,
-- compared among special schools. `phase` is its latest year's; `phases` gives each of `years`'.
-- $2: the value-added measures, to say whether a school has any.
WITH yearly AS (
    SELECT urn, year, CASE WHEN bool_or(key_stage = 'KS4') THEN 'secondary' ELSE 'primary' END AS phase,
           bool_or(list_contains($2::VARCHAR[], measure) AND value IS NOT NULL) AS has_value_added
    FROM key_stage_results
    WHERE $1::INTEGER IS NULL OR urn = $1::INTEGER
    GROUP BY urn, year
)
SELECT l.urn, l.name, l.la_code, l.la_name, arg_max(y.phase, y.year) AS phase,
       l.mainstream, coalesce(s.is_open, true) AS is_open,
       list(y.year ORDER BY y.year) AS years, list(y.phase ORDER BY y.year) AS phases,
       bool_or(y.has_value_added) AS has_value_added
FROM school_labels l
JOIN schools s ON s.urn = l.urn
JOIN yearly y ON y.urn = l.urn
GROUP BY l.urn, l.name, l.la_code, l.la_name, l.mainstream, s.is_open
ORDER BY l.name;
