-- Each prior-attainment group's expected outcome and spread for one outcome: DfE's published estimate where
-- every one of the year's groups was imported, else the store's own pupils' mean; with DfE's lowest score for
-- the group where imported. Parameters: year, key stage, outcome column, measure, DfE's number of groups.
SELECT e.prior_group AS "group",
       CASE WHEN e.published_groups = $5 THEN e.published_estimate ELSE e.own_estimate END AS estimate,
       e.sd, e.n,
       CASE WHEN e.published_groups = $5 THEN 'DfE published estimates'
            ELSE 'estimates from the store''s own pupils' END AS source,
       c.lowest_score
FROM value_added_estimates e
LEFT JOIN score_caps c ON c.year = e.year AND c.measure = $4 AND c.prior_group = e.prior_group
WHERE e.year = $1 AND e.key_stage = $2 AND e.outcome = $3
ORDER BY e.prior_group;
