-- One school's membership of one club: the years it joined and left (no row: never a member). Parameters: club id, URN.
SELECT joined, left_in FROM club_members WHERE club_id = $1 AND urn = $2;
