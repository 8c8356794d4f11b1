-- The years a school has key stage results (published or suppressed). Parameter: URN.
SELECT DISTINCT year FROM key_stage_results WHERE urn = $1 ORDER BY year;
