-- Every file stored, newest first (a rejected file changes nothing, so is never here).
SELECT imported_at, file, kind, year, rows_read, rows_stored, rows_skipped, message
FROM import_log ORDER BY imported_at DESC, import_id DESC;
