-- Whether the store has its schema_version table (a file made by this tool does).
SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'schema_version' AND database_name = current_database();
