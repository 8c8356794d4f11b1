-- Every school's name, LA code and LA name, for labelling charts and tables, and whether floor standards
-- apply to it (state-funded mainstream schools only).
SELECT s.urn, coalesce(s.name, 'School ' || s.urn) AS name, coalesce(la.la_name, 'LA ' || s.la_code) AS la_name,
       coalesce(s.state_funded AND s.mainstream, false) AS floor_applies, s.la_code
FROM schools s LEFT JOIN local_authorities la ON la.la_code = s.la_code;
