-- How many files have been stored, and when the last was.
SELECT count(*) AS stored, max(imported_at) AS last FROM import_log;
