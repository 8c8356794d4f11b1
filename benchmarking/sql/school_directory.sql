-- Every school with results, for finding one by name, URN or LA.
SELECT l.urn, l.name, l.la_code, l.la_name, l.phase,
       list(DISTINCT r.year ORDER BY r.year) AS years,
       bool_or(r.measure IN ('ks4_p8', 'ks2_read_progress', 'ks2_writ_progress', 'ks2_mat_progress')) AS has_value_added
FROM school_labels l
JOIN results r ON r.urn = l.urn AND r.value IS NOT NULL
GROUP BY ALL
ORDER BY l.name;
