-- Every stored club with its number of members.
SELECT c.name, c.phase, c.year, c.method, count(m.urn) AS members, c.created_at
FROM clubs c LEFT JOIN club_members m USING (club_id)
GROUP BY ALL ORDER BY c.phase, c.year, c.name;
