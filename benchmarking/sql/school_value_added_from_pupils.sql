-- Official value added of every school, for each year in the list $1, in one pass over the pupils: the
-- fast path of value_added.py's formulas, which are the reference (tests check that both agree). Each
-- pupil's prior-attainment group and each group's estimate were stored when the pupils were written.
-- {outcome} is the pupils column of the measure, from value_added.SUBJECTS (never user input).
-- Parameters: years, key stage, measure, scale (pupil score = (actual - expected) / scale), capped, z (95%),
-- the cap in group SDs (value_added.CAP_Z), the pupils a group needs to be capped from its own spread
-- (value_added.MIN_CAP_PUPILS) and DfE's number of prior-attainment groups (its estimates are used where all
-- of them were imported).
WITH estimates AS (
    -- Scores far below the group's mean are capped, as DfE has done since 2018: at DfE's own lowest score
    -- where imported, else at -2.89 group SDs where the group is big enough for its spread to mean something.
    SELECT e.year, e.prior_group::TINYINT AS prior_group,
           CASE WHEN e.published_groups = $9 THEN e.published_estimate ELSE e.own_estimate END AS estimate,
           CASE WHEN e.published_groups = $9 THEN 'DfE published estimates'
                ELSE 'estimates from the store''s own pupils' END AS source,
           CASE WHEN NOT $5 THEN '-inf'::DOUBLE
                ELSE coalesce(c.lowest_score, CASE WHEN e.n >= $8 THEN $7 * e.sd / $4 END, '-inf'::DOUBLE)
           END AS lowest_score
    FROM value_added_estimates e
    LEFT JOIN score_caps c ON c.year = e.year AND c.measure = $3 AND c.prior_group = e.prior_group
    WHERE list_contains($1, e.year) AND e.key_stage = $2 AND e.outcome = '{outcome}'
),
scored AS (
    SELECT p.year, p.urn, e.estimate AS expected, p.{outcome} AS actual,
           greatest((p.{outcome} - e.estimate) / $4, e.lowest_score) AS score
    FROM pupils p JOIN estimates e USING (year, prior_group)
    WHERE list_contains($1, p.year) AND p.key_stage = $2 AND p.{outcome} IS NOT NULL
),
school AS (
    SELECT year, urn, count(*) AS n, avg(expected) AS expected, avg(actual) AS actual,
           sum(score) AS total, sum(score * score) AS squares
    FROM scored GROUP BY year, urn
),
national AS (
    -- DfE's published SD of pupil scores where imported, else the store's own, from the schools' sums
    -- (no second pass over the pupils).
    SELECT s.year, coalesce(any_value(d.sd), sqrt((sum(s.squares) - sum(s.total) ^ 2 / sum(s.n)) / (sum(s.n) - 1))) AS sd
    FROM school s LEFT JOIN national_sd d ON d.year = s.year AND d.measure = $3
    GROUP BY s.year
),
sources AS (
    SELECT year, any_value(source) AS source FROM estimates GROUP BY year
)
SELECT urn, year, $3 AS measure, n, expected, actual, total / n AS va,
       total / n - $6 * national.sd / sqrt(n) AS ci_low,
       total / n + $6 * national.sd / sqrt(n) AS ci_high,
       source
FROM school JOIN national USING (year) JOIN sources USING (year);
