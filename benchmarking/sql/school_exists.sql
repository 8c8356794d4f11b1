-- Whether a URN is a school in the store.
SELECT count(*) > 0 AS found FROM schools WHERE urn = $1;
