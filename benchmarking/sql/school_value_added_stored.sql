-- Every school's official value added in one measure and year, as worked out when its pupils (or DfE's
-- published estimates or SD) were last written. Parameters: year, measure.
SELECT urn, year, measure, n, expected, actual, va, ci_low, ci_high, source
FROM school_value_added
WHERE year = $1 AND measure = $2
ORDER BY urn;
