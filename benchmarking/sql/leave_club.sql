-- A school leaves a club in a year, keeping its history. Parameters: club id, URN, year left.
UPDATE club_members SET left_in = $3 WHERE club_id = $1 AND urn = $2;
