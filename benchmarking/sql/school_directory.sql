-- Every school with results, for finding one by name, URN or LA. Its phase for comparisons is its key
-- stage's (a special school with KS4 results is compared as a secondary, with other special schools).
SELECT l.urn, l.name, l.la_code, l.la_name,
       CASE WHEN bool_or(m.key_stage = 'KS4') THEN 'secondary'
            WHEN bool_or(m.key_stage = 'KS2') THEN 'primary'
            ELSE l.phase END AS phase,
       l.mainstream,
       list(DISTINCT r.year ORDER BY r.year) AS years,
       bool_or(r.measure IN ('ks4_p8', 'ks2_read_progress', 'ks2_writ_progress', 'ks2_mat_progress')) AS has_value_added
FROM school_labels l
JOIN results r ON r.urn = l.urn AND r.value IS NOT NULL
JOIN measures m ON m.measure = r.measure
GROUP BY l.urn, l.name, l.la_code, l.la_name, l.phase, l.mainstream
ORDER BY l.name;
