-- The pooled within-school variance of a pupil outcome in a year and key stage: how much pupils of one school
-- differ from each other, the sampling part of a school mean's uncertainty. {outcome} is a pupils column
-- from the code (never user input). Parameters: year, key stage.
SELECT sum(squares) / nullif(sum(n) - count(*), 0) AS variance
FROM (
    SELECT urn, count(*) AS n, sum((value - mean) ^ 2) AS squares
    FROM (SELECT urn, {outcome} AS value, avg({outcome}) OVER (PARTITION BY urn) AS mean
          FROM pupils WHERE year = $1 AND key_stage = $2 AND {outcome} IS NOT NULL)
    GROUP BY urn
);
