-- Before the national estimates are worked out again: drop those of the years in the list $1 at key stage $2.
DELETE FROM pupil_estimates WHERE list_contains($1, year) AND key_stage = $2;
