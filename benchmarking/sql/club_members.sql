-- One club's members, past and present, with their name, LA and the years they joined and left (NULL: still a member).
SELECT l.urn, l.name, l.la_code, l.la_name, m.joined, m.left_in
FROM club_members m JOIN school_labels l USING (urn)
WHERE m.club_id = $1 ORDER BY m.left_in NULLS FIRST, l.name;
