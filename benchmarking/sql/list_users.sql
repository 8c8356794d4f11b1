-- Every user, with what their role covers.
SELECT email, role, urns, la_codes, club, added_at FROM users ORDER BY role, email;
