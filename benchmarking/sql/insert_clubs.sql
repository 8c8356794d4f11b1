-- New clubs from the registered frame new_clubs (name, phase, year, method, settings); returns each id and name.
INSERT INTO clubs (name, phase, year, method, settings)
SELECT name, phase, year, method, settings FROM new_clubs
RETURNING club_id, name;
