-- Every year with results.
SELECT DISTINCT year FROM results ORDER BY year;
