-- The latest year with key stage results: the default year of every command and page.
SELECT max(r.year) AS year FROM results r JOIN measures m USING (measure) WHERE m.key_stage IN ('KS2', 'KS4');
