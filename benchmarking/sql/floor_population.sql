-- Every school and why DfE would not judge it against a floor standard in a year (excluded is NULL for a
-- school it judges): not state-funded mainstream, closed, a 14-19 school (UTC or studio school, at KS4), or
-- fewer pupils at the end of the key stage than DfE judges (floor.MIN_COHORT).
-- Parameters: year, key stage ('KS4' or 'KS2'), the smallest cohort judged.
SELECT l.urn,
       CASE WHEN NOT l.state_funded_mainstream THEN 'not a state-funded mainstream school'
            WHEN s.is_open = false THEN 'closed'
            WHEN $2 = 'KS4' AND s.nftype IN ('UTC', 'SS', 'FUTC', 'FSS') THEN 'a 14-19 school (UTC or studio school)'
            WHEN cohort.value < $3 THEN 'fewer than ' || $3 || ' pupils at the end of the key stage'
       END AS excluded
FROM school_labels l
JOIN schools s USING (urn)
LEFT JOIN context cohort ON cohort.urn = l.urn AND cohort.year = $1 AND cohort.measure = lower($2) || '_cohort';
