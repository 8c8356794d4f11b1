-- Which of a list of URNs are schools in the store.
SELECT urn FROM schools WHERE urn IN (SELECT unnest($1));
