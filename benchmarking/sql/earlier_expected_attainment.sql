-- Each school's most recent earlier KS4 cohort's expected Attainment 8 (Attainment 8 - 10 x Progress 8 before
-- capping, where published): what stands in for the prior attainment of a cohort that sat no KS2 tests when
-- no file gives an earlier cohort's KS2 average either. Parameter: year.
SELECT a.urn, arg_max(a.value - 10 * coalesce(o.value, p.value), a.year) AS earlier_prior,
       max(a.year) AS earlier_prior_year
FROM results a
JOIN results p ON p.urn = a.urn AND p.year = a.year AND p.measure = 'ks4_p8' AND p.value IS NOT NULL
LEFT JOIN results o ON o.urn = a.urn AND o.year = a.year AND o.measure = 'ks4_p8_uncapped'
WHERE a.measure = 'ks4_att8' AND a.value IS NOT NULL AND a.year < $1
GROUP BY a.urn;
