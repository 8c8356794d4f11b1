-- The club with a name, whatever its case.
SELECT club_id, name FROM clubs WHERE lower(name) = lower(trim($1));
