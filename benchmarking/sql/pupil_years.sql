-- Every year that has pupils.
SELECT DISTINCT year FROM pupils ORDER BY year;
