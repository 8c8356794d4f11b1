-- Results of a year for the measures in the list $2, with the pupils each covers.
SELECT urn, measure, value, n FROM results WHERE year = $1 AND measure IN (SELECT unnest($2));
