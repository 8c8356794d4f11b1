-- A school joins a club in a year (again, if it had left). Parameters: club id, URN, year joined.
INSERT INTO club_members (club_id, urn, joined, left_in) VALUES ($1, $2, $3, NULL)
ON CONFLICT (club_id, urn) DO UPDATE SET joined = excluded.joined, left_in = NULL;
