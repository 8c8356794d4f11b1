-- Each prior-attainment group's expected outcome and spread for one outcome (as value_added_estimates
-- chooses them). Parameters: year, key stage, outcome column.
SELECT prior_group AS "group", estimate, sd, n, source
FROM value_added_estimates
WHERE year = $1 AND key_stage = $2 AND outcome = $3
ORDER BY prior_group;
