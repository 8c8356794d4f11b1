-- Published value added for every school with it in a year, with Attainment 8 and census context
-- (for the school-level contextual regression), and Progress 8 before capping where published (the cohort's
-- expected Attainment 8 is Attainment 8 - 10 x the uncapped score). Parameters: year, measure.
SELECT r.urn, r.year, r.measure, r.value AS va, r.ci_low, r.ci_high, r.n,
       a8.value AS att8, coalesce(orig.value, r.value) AS uncapped,
       sc.pct_disadvantaged, sc.pct_eal, sc.pct_sen_support, sc.pct_ehcp
FROM results r
LEFT JOIN results a8 ON a8.urn = r.urn AND a8.year = r.year AND a8.measure = 'ks4_att8'
LEFT JOIN results orig ON orig.urn = r.urn AND orig.year = r.year AND orig.measure = 'ks4_p8_uncapped'
LEFT JOIN school_context sc ON sc.urn = r.urn AND sc.year = r.year
WHERE r.year = ? AND r.measure = ? AND r.value IS NOT NULL AND r.ci_low IS NOT NULL;
