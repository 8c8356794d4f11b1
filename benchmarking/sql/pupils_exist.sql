-- Whether the store holds pupils of a key stage in a year. Parameters: year, key stage.
SELECT count(*) > 0 AS found FROM pupils WHERE year = $1 AND key_stage = $2;
