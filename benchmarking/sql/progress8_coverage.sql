-- State-funded mainstream secondary schools with both Attainment 8 and Progress 8 in each year,
-- how many LAs they are in, and how many are joined to census context (directly or through a URN change).
SELECT r.year,
       count(*)                                  AS schools,
       count(DISTINCT s.la_code)                 AS las,
       count(sc.urn)                             AS with_context,
       count(sc.urn) FILTER (WHERE sc.via_link)  AS context_via_urn_change
FROM results r
JOIN results a ON a.urn = r.urn AND a.year = r.year AND a.measure = 'ks4_att8' AND a.value IS NOT NULL
JOIN state_funded_mainstream m ON m.urn = r.urn
JOIN schools s ON s.urn = r.urn
LEFT JOIN school_context sc ON sc.urn = r.urn AND sc.year = r.year
WHERE r.measure = 'ks4_p8' AND r.value IS NOT NULL
GROUP BY r.year
ORDER BY r.year;
