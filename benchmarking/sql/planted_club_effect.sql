-- The effect planted in a synthetic club (none for a real store). Parameter: club name.
SELECT effect, from_year, measure FROM synthetic_club_truth WHERE club = $1;
