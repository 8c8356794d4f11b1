-- The reference list of LAs, into a new store. Parameters per row: code, name, region.
INSERT INTO local_authorities VALUES ($1, $2, $3);
