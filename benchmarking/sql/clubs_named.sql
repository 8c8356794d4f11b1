-- Clubs whose names are among a list, whatever their case.
SELECT name FROM clubs WHERE lower(name) IN (SELECT lower(unnest($1)));
