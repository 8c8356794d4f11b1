-- Every pupil of a key stage in a year with what value added needs. Codes come as ENUMs (categoricals):
-- strings for half a million pupils are slow to fetch and group. {outcome} is the measure's pupils column
-- and {pupil_id} either "pupil_id, " or nothing (both from the code, never user input).
-- Parameters: year, key stage.
SELECT {pupil_id}urn, year, key_stage::ENUM('KS2', 'KS4') AS key_stage, prior_attainment,
       {outcome} AS outcome, disadvantaged, sen::ENUM('N', 'K', 'E') AS sen, eal,
       sex::ENUM('F', 'M') AS sex, coalesce(prior_group, 0) AS prior_group
FROM pupils
WHERE year = $1 AND key_stage = $2;
