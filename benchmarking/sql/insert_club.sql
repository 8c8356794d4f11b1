-- A new club; returns its id. Parameters: name, phase, year, method, settings (JSON).
INSERT INTO clubs (name, phase, year, method, settings) VALUES ($1, $2, $3, $4, $5) RETURNING club_id;
