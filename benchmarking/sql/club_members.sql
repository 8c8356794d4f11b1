-- One club's members with their name and LA.
SELECT l.urn, l.name, l.la_code, l.la_name
FROM club_members m JOIN school_labels l USING (urn)
WHERE m.club_id = $1 ORDER BY l.name;
