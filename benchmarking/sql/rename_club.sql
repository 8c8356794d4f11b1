-- Rename a club. Parameters: new name, club id.
UPDATE clubs SET name = $1 WHERE club_id = $2;
