-- One row per state-funded mainstream secondary with Progress 8 in a year: its results and census context.
SELECT r.urn,
       a.value AS att8,
       r.value AS p8,
       sc.pct_disadvantaged, sc.pct_eal, sc.pct_sen_support, sc.pct_ehcp, sc.pupils_on_roll
FROM results r
JOIN results a ON a.urn = r.urn AND a.year = r.year AND a.measure = 'ks4_att8'
JOIN state_funded_mainstream m ON m.urn = r.urn
JOIN school_context sc ON sc.urn = r.urn AND sc.year = r.year
WHERE r.measure = 'ks4_p8' AND r.year = ? AND r.value IS NOT NULL AND a.value IS NOT NULL;
