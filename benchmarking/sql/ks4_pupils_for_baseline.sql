-- A year's KS4 pupils' prior attainment and Attainment 8 (the bench's plain-pandas baseline). Parameter: year.
SELECT urn, prior_attainment, attainment8 FROM pupils WHERE year = $1 AND key_stage = 'KS4';
