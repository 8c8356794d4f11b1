-- The national mean and SD of each outcome in each prior-attainment group, for every year and key stage,
-- from the pupils now in the store (value_added.national_estimates is the reference; a test compares).
DELETE FROM pupil_estimates;
INSERT INTO pupil_estimates
SELECT year, key_stage, outcome, prior_group,
       avg(value) AS estimate, coalesce(stddev_samp(value), 0) AS sd, count(*) AS n
FROM (
    UNPIVOT (SELECT year, key_stage, prior_group, attainment8, ks2_read, ks2_writ, ks2_mat
             FROM pupils WHERE prior_group IS NOT NULL)
    ON attainment8, ks2_read, ks2_writ, ks2_mat INTO NAME outcome VALUE value
)
GROUP BY year, key_stage, outcome, prior_group;
