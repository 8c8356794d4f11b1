-- How many pupils of each year and key stage.
SELECT year, key_stage, count(*) AS n FROM pupils GROUP BY ALL ORDER BY year, key_stage;
