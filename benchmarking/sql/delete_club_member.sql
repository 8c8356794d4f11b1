-- Remove a school from a club. Parameters: club id, URN.
DELETE FROM club_members WHERE club_id = $1 AND urn = $2;
