-- The measures catalogue, into the store (every write refreshes it from benchmarking/measures.py).
INSERT OR REPLACE INTO measures VALUES ($1, $2, $3, $4, $5, $6);
