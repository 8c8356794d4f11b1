-- The national mean and SD of each outcome in each prior-attainment group, for the years in the list $1
-- at key stage $2, from the pupils now in the store (value_added.national_estimates is the reference; a
-- test compares). derived.refresh_value_added first deletes the rows it replaces.
INSERT INTO pupil_estimates
SELECT year, key_stage, outcome, prior_group,
       avg(value) AS estimate, coalesce(stddev_samp(value), 0) AS sd, count(*) AS n
FROM (
    UNPIVOT (SELECT year, key_stage, prior_group, attainment8, ks2_read, ks2_writ, ks2_mat
             FROM pupils
             WHERE prior_group IS NOT NULL AND list_contains($1, year) AND key_stage = $2)
    ON attainment8, ks2_read, ks2_writ, ks2_mat INTO NAME outcome VALUE value
)
GROUP BY year, key_stage, outcome, prior_group;
