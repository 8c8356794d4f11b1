-- One measure's values for a group of schools in every year. Parameters: measure, URNs.
SELECT year, value FROM results WHERE measure = $1 AND urn IN (SELECT unnest($2)) AND value IS NOT NULL;
