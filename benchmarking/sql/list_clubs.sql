-- Every stored club with its number of members now and of schools that have left it.
SELECT c.name, c.phase, c.year, c.method,
       count(m.urn) FILTER (WHERE m.left_in IS NULL) AS members,
       count(m.urn) FILTER (WHERE m.left_in IS NOT NULL) AS former_members,
       c.created_at
FROM clubs c LEFT JOIN club_members m USING (club_id)
GROUP BY ALL ORDER BY c.phase, c.year, c.name;
