-- Before school value added is worked out again: drop that of the years in the list $1 for measure $2.
DELETE FROM school_value_added WHERE list_contains($1, year) AND measure = $2;
