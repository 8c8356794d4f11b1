-- Official value added for every school in a year, in one pass over the pupils: the fast path of
-- value_added.py's formulas, which are the reference (tests check that both agree). Each pupil's
-- prior-attainment group and each group's estimate were stored when the pupils were written.
-- {outcome} is the pupils column of the measure, from va_report.SUBJECTS (never user input).
-- Parameters: year, key stage, measure, scale (pupil score = (actual - expected) / scale), capped.
WITH estimates AS (
    -- Progress 8 scores far below the group's mean are capped at -2.89 group SDs, as DfE has done since 2018.
    SELECT prior_group::TINYINT AS prior_group, estimate, source,
           CASE WHEN $5 THEN -2.8948556948 * sd / $4 ELSE '-inf'::DOUBLE END AS lowest_score
    FROM value_added_estimates
    WHERE year = $1 AND key_stage = $2 AND outcome = '{outcome}'
),
scored AS (
    SELECT p.urn, e.estimate AS expected, p.{outcome} AS actual,
           greatest((p.{outcome} - e.estimate) / $4, e.lowest_score) AS score
    FROM pupils p JOIN estimates e USING (prior_group)
    WHERE p.year = $1 AND p.key_stage = $2 AND p.{outcome} IS NOT NULL
),
school AS (
    SELECT urn, count(*) AS n, avg(expected) AS expected, avg(actual) AS actual,
           sum(score) AS total, sum(score * score) AS squares
    FROM scored GROUP BY urn
),
national AS (
    -- DfE's published SD of pupil scores where imported, else the store's own, from the schools' sums
    -- (no second pass over the pupils).
    SELECT coalesce((SELECT sd FROM national_sd WHERE year = $1 AND measure = $3),
                    sqrt((sum(squares) - sum(total) ^ 2 / sum(n)) / (sum(n) - 1))) AS sd
    FROM school
)
SELECT urn, $1 AS year, n, expected, actual, total / n AS va,
       total / n - 1.959963984540054 * national.sd / sqrt(n) AS ci_low,
       total / n + 1.959963984540054 * national.sd / sqrt(n) AS ci_high,
       (SELECT any_value(source) FROM estimates) AS source
FROM school, national
ORDER BY urn;
