-- Every year with results or context.
SELECT DISTINCT year FROM results UNION SELECT DISTINCT year FROM context ORDER BY year;
