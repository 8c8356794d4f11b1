-- Which of a list of LA codes are LAs this tool knows.
SELECT la_code FROM local_authorities WHERE la_code IN (SELECT unnest($1));
