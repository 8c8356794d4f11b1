-- How many pupil files have been imported (as opposed to the demo's synthetic pupils).
SELECT count(*) AS files FROM import_log WHERE kind = 'pupils';
