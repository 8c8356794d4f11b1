-- Every school with results, for finding one by name, URN or LA.
SELECT s.urn, coalesce(s.name, 'School ' || s.urn) AS name, s.la_code,
       coalesce(la.la_name, 'LA ' || s.la_code) AS la_name, s.phase,
       list(DISTINCT r.year ORDER BY r.year) AS years,
       bool_or(r.measure IN ('ks4_p8', 'ks2_read_progress', 'ks2_writ_progress', 'ks2_mat_progress')) AS has_value_added
FROM schools s
JOIN results r ON r.urn = s.urn AND r.value IS NOT NULL
LEFT JOIN local_authorities la ON la.la_code = s.la_code
GROUP BY ALL
ORDER BY name;
