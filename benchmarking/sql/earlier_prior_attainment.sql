-- Each school's most recent earlier cohort's prior attainment: the cohort before the year $1 nearest to it
-- with the measure $2 (a KS2 average for KS4 cohorts, a KS1 average for KS2 cohorts), and that cohort's year.
SELECT urn, arg_max(value, year) AS earlier_prior, max(year) AS earlier_prior_year
FROM context
WHERE measure = $2 AND year < $1 AND value IS NOT NULL
GROUP BY urn;
