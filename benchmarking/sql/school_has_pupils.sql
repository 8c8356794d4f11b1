-- Whether the store holds a school's pupils of a key stage in a year. Parameters: URN, year, key stage.
SELECT count(*) > 0 AS found FROM pupils WHERE urn = $1 AND year = $2 AND key_stage = $3;
