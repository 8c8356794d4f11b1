-- How many LAs the store's schools are in.
SELECT count(DISTINCT la_code) AS n FROM schools WHERE la_code IS NOT NULL;
