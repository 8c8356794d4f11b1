-- Whether the store is the synthetic demo (its schools and pupils are fictional).
SELECT count(*) > 0 AS synthetic FROM import_log WHERE kind = 'synthetic';
