-- One file stored by an import. A rejected file changes nothing in the store, so it is never logged here.
INSERT INTO import_log (file, kind, year, checksum, rows_read, rows_stored, rows_skipped, rows_rejected, status, message)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'stored', $8);
