-- One user's role and scope. Parameter: email (lower case).
SELECT email, role, urns, la_codes, club FROM users WHERE email = $1;
