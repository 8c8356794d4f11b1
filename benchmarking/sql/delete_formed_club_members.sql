-- The members of clubs formed before for a phase and year: forming again replaces those clubs (clubs made
-- by hand stay). Parameters: phase, year.
DELETE FROM club_members WHERE club_id IN (SELECT club_id FROM clubs WHERE method = 'formed' AND phase = $1 AND year = $2);
