-- Add a user, or replace their role and scope. Parameters: email, role, URNs, LA codes, club.
INSERT OR REPLACE INTO users (email, role, urns, la_codes, club) VALUES ($1, $2, $3, $4, $5);
