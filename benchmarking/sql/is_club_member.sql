-- Whether a school is a member of a club. Parameters: club id, URN.
SELECT count(*) > 0 AS found FROM club_members WHERE club_id = $1 AND urn = $2;
