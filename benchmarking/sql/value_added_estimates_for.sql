-- Each prior-attainment group's expected outcome and spread for one outcome (as value_added_estimates
-- chooses them), with DfE's lowest score for the group where imported.
-- Parameters: year, key stage, outcome column, measure.
SELECT e.prior_group AS "group", e.estimate, e.sd, e.n, e.source, c.lowest_score
FROM value_added_estimates e
LEFT JOIN score_caps c ON c.year = e.year AND c.measure = $4 AND c.prior_group = e.prior_group
WHERE e.year = $1 AND e.key_stage = $2 AND e.outcome = $3
ORDER BY e.prior_group;
