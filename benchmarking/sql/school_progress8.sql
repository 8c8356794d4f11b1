-- Progress 8 for every school in a year, in one pass over the pupils (the fast path of
-- value_added.py's formulas, which are the reference; tests check that both agree).
-- A pupil's KS2 group: 59-82, 82.5-86, 86.5-87.5, 88-89, 89.5-90.5, 91-92, then one point wide to 120.
-- Parameters: year, whether to use DfE's published estimates (they must be in p8_estimates), national SD
-- (NULL: the SD of the store's own pupil scores).
WITH pupil AS (
    SELECT urn, attainment8 AS actual,
           CASE WHEN prior_attainment <= 82 THEN 1
                WHEN prior_attainment <= 86 THEN 2
                WHEN prior_attainment <= 87.5 THEN 3
                WHEN prior_attainment <= 89 THEN 4
                WHEN prior_attainment <= 90.5 THEN 5
                WHEN prior_attainment <= 92 THEN 6
                ELSE least(ceil(prior_attainment)::INTEGER - 86, 34) END AS prior_group
    FROM pupils
    WHERE year = $1 AND key_stage = 'KS4' AND attainment8 IS NOT NULL AND prior_attainment IS NOT NULL
),
store_estimates AS (
    SELECT prior_group, avg(actual) AS estimate, coalesce(stddev_samp(actual), 0) AS sd
    FROM pupil GROUP BY prior_group
),
estimates AS (
    SELECT s.prior_group, CASE WHEN $2 THEN d.estimate ELSE s.estimate END AS estimate, s.sd
    FROM store_estimates s
    LEFT JOIN p8_estimates d ON d.year = $1 AND d.prior_group = s.prior_group
),
scored AS (
    -- Scores far below the group's mean are capped at -2.89 group SDs, as DfE has done since 2018.
    SELECT p.urn, e.estimate AS expected, p.actual,
           greatest((p.actual - e.estimate) / 10, -2.8948556948 * e.sd / 10) AS score
    FROM pupil p JOIN estimates e USING (prior_group)
),
national AS (
    SELECT coalesce($3, stddev_samp(score)) AS sd FROM scored
)
SELECT urn, $1 AS year, count(*) AS n, avg(expected) AS expected, avg(actual) AS actual, avg(score) AS va,
       avg(score) - 1.959963984540054 * any_value(national.sd) / sqrt(count(*)) AS ci_low,
       avg(score) + 1.959963984540054 * any_value(national.sd) / sqrt(count(*)) AS ci_high
FROM scored, national
GROUP BY urn
ORDER BY urn;
