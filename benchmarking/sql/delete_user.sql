-- Remove a user. Parameter: email.
DELETE FROM users WHERE email = $1 RETURNING email;
