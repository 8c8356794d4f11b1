-- Published value added for every school with it in a year, with Attainment 8 and context (for the
-- school-level contextual regression), and Progress 8 before capping where published (the cohort's expected
-- Attainment 8 is Attainment 8 - 10 x the uncapped score). Context is the census's where the store has it,
-- else the key stage cohort's (as similar schools take it); disadvantage falls back to free school meals now.
-- Parameters: year, measure.
WITH cohort AS (
    SELECT c.urn,
           max(c.value) FILTER (WHERE c.measure = lower(m.key_stage) || '_cohort_pct_disadvantaged') AS pct_disadvantaged,
           max(c.value) FILTER (WHERE c.measure = lower(m.key_stage) || '_cohort_pct_eal')           AS pct_eal,
           max(c.value) FILTER (WHERE c.measure = lower(m.key_stage) || '_cohort_pct_sen_support')   AS pct_sen_support,
           max(c.value) FILTER (WHERE c.measure = lower(m.key_stage) || '_cohort_pct_ehcp')          AS pct_ehcp
    FROM context c, measures m
    WHERE c.year = $1 AND m.measure = $2
    GROUP BY c.urn
)
SELECT r.urn, r.year, r.measure, r.value AS va, r.ci_low, r.ci_high, r.n,
       a8.value AS att8, coalesce(orig.value, r.value) AS uncapped,
       coalesce(sc.pct_disadvantaged, cohort.pct_disadvantaged, sc.pct_fsm) AS pct_disadvantaged,
       coalesce(sc.pct_eal, cohort.pct_eal)                                 AS pct_eal,
       coalesce(sc.pct_sen_support, cohort.pct_sen_support)                 AS pct_sen_support,
       coalesce(sc.pct_ehcp, cohort.pct_ehcp)                               AS pct_ehcp
FROM results r
LEFT JOIN results a8 ON a8.urn = r.urn AND a8.year = r.year AND a8.measure = 'ks4_att8'
LEFT JOIN results orig ON orig.urn = r.urn AND orig.year = r.year AND orig.measure = 'ks4_p8_uncapped'
LEFT JOIN school_context sc ON sc.urn = r.urn AND sc.year = r.year
LEFT JOIN cohort ON cohort.urn = r.urn
WHERE r.year = $1 AND r.measure = $2 AND r.value IS NOT NULL AND r.ci_low IS NOT NULL;
