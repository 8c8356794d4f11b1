-- Whether another club already has a name, whatever its case. Parameters: name, the club's own id.
SELECT count(*) > 0 AS taken FROM clubs WHERE lower(name) = lower($1) AND club_id <> $2;
