-- Schema version 8: who may see what. Users are identified by the email their identity provider gives;
-- a role and what it covers: school (URNs), adviser (LA codes), chair (a club) or admin (everything).
CREATE TABLE users (
    email    VARCHAR PRIMARY KEY,          -- lower case
    role     VARCHAR NOT NULL,             -- school, adviser, chair or admin
    urns     INTEGER[] NOT NULL DEFAULT [],
    la_codes INTEGER[] NOT NULL DEFAULT [],
    club     VARCHAR,
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO revisions VALUES ('access', gen_random_uuid()::VARCHAR);
