-- A write changed these parts: give each a new revision token.
INSERT OR REPLACE INTO revisions SELECT unnest($1) AS part, gen_random_uuid()::VARCHAR AS token;
