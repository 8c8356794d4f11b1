-- Every school with key stage results (published or suppressed), for finding one by name, URN or LA (absence
-- alone does not list a school). Its phase for comparisons is its key stage's (a special school with KS4 results is compared as a
-- secondary, with other special schools).
SELECT l.urn, l.name, l.la_code, l.la_name,
       CASE WHEN bool_or(m.key_stage = 'KS4') THEN 'secondary'
            WHEN bool_or(m.key_stage = 'KS2') THEN 'primary'
            ELSE l.phase END AS phase,
       l.mainstream,
       list(DISTINCT r.year ORDER BY r.year) AS years,
       bool_or(r.measure IN ('ks4_p8', 'ks2_read_progress', 'ks2_writ_progress', 'ks2_mat_progress')
               AND r.value IS NOT NULL) AS has_value_added
FROM school_labels l
JOIN key_stage_results r ON r.urn = l.urn
JOIN measures m ON m.measure = r.measure
GROUP BY l.urn, l.name, l.la_code, l.la_name, l.phase, l.mainstream
ORDER BY l.name;
