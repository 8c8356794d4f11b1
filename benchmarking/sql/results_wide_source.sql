-- Values and confidence limits of the given measures for every school and year.
SELECT urn, year, measure, value, ci_low, ci_high
FROM results
WHERE measure IN (SELECT unnest(?));
