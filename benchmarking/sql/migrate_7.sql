-- Schema version 7: a revision token per part of the store, replaced by every write that changes the part,
-- so that readers (the dashboard's caches) know what a write changed. Parts: data (schools, results, context,
-- pupils and everything worked out from them), clubs, targets.
CREATE TABLE revisions (
    part  VARCHAR PRIMARY KEY,
    token VARCHAR NOT NULL
);
INSERT INTO revisions SELECT part, gen_random_uuid()::VARCHAR FROM (VALUES ('data'), ('clubs'), ('targets')) AS p(part);
