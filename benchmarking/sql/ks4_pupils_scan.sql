-- A raw scan of a year's KS4 pupils (the bench's floor for any query over them). Parameter: year.
SELECT count(*) AS n, sum(prior_attainment) AS prior, sum(attainment8) AS att8
FROM pupils WHERE year = $1 AND key_stage = 'KS4';
