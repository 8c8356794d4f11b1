-- Clubs formed before for a phase and year (after their members: delete_formed_club_members).
DELETE FROM clubs WHERE method = 'formed' AND phase = $1 AND year = $2;
