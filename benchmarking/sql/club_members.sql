-- One club's members with their name and LA.
SELECT s.urn, coalesce(s.name, 'School ' || s.urn) AS name, s.la_code,
       coalesce(la.la_name, 'LA ' || s.la_code) AS la_name
FROM club_members m JOIN schools s USING (urn)
LEFT JOIN local_authorities la ON la.la_code = s.la_code
WHERE m.club_id = $1 ORDER BY name;
