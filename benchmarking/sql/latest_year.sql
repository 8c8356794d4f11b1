-- The latest year with results: the default year of every command and page.
SELECT max(year) AS year FROM results;
