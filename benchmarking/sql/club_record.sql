-- One club's record.
SELECT * FROM clubs WHERE club_id = $1;
