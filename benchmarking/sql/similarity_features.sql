-- Every school with results at a key stage in a year, with the context features similar-schools
-- grouping uses. Census context follows URN changes (school_context). Prior attainment is the
-- published cohort figure (KS2APS or KS1 average) where the store has it; for KS4 the cohort's mean
-- expected Attainment 8 (Attainment 8 - 10 x Progress 8 before capping, P8MEA_ORIG, where published)
-- stands in where only headline files exist.
-- Parameters: year, key stage ('KS4' or 'KS2'), prior-attainment measure, cohort measure.
WITH pool AS (
    SELECT DISTINCT r.urn
    FROM results r
    JOIN measures m USING (measure)
    WHERE r.year = $1 AND m.key_stage = $2 AND m.kind = 'result' AND r.value IS NOT NULL
)
SELECT s.urn,
       l.name,
       s.la_code,
       l.la_name,
       s.phase,
       coalesce(s.mainstream, true) AS mainstream,
       coalesce(s.is_open, true)     AS is_open,
       -- Sex of entry as a file says it, else from the census's share of girls (a boys' school with a mixed
       -- sixth form still has under 15% girls on roll).
       coalesce(s.sex_of_entry, CASE WHEN girls.pct_girls >= 85 THEN 'girls' WHEN girls.pct_girls <= 15 THEN 'boys'
                                     WHEN girls.pct_girls IS NOT NULL THEN 'mixed' END) AS sex_of_entry,
       s.admissions,
       -- Disadvantage (FSM in the last 6 years) of the school, else of the cohort, else free school meals now.
       coalesce(sc.pct_disadvantaged, cohort.pct_disadvantaged, sc.pct_fsm) AS pct_disadvantaged,
       coalesce(sc.pct_eal, cohort.pct_eal)                     AS pct_eal,
       coalesce(sc.pct_sen_support, cohort.pct_sen_support)     AS pct_sen_support,
       coalesce(sc.pct_ehcp, cohort.pct_ehcp)                   AS pct_ehcp,
       coalesce(sc.pupils_on_roll, cohort.pupils_on_roll)       AS pupils_on_roll,
       CASE WHEN sc.pct_disadvantaged IS NOT NULL THEN 'census'
            WHEN cohort.pct_disadvantaged IS NOT NULL THEN 'cohort'
            WHEN sc.pct_fsm IS NOT NULL THEN 'free school meals now' END AS context_source,
       area.area_deprivation,
       prior.value                  AS prior_published,
       att8.value - 10 * coalesce(p8orig.value, p8.value) AS prior_standin
FROM pool
JOIN schools s USING (urn)
JOIN school_labels l USING (urn)
LEFT JOIN school_context sc ON sc.urn = s.urn AND sc.year = $1
-- Without a census for the year, the key stage file's own cohort figures stand in (context_source says which).
LEFT JOIN (
    SELECT urn,
           max(value) FILTER (WHERE measure = lower($2) || '_cohort_pct_disadvantaged') AS pct_disadvantaged,
           max(value) FILTER (WHERE measure = lower($2) || '_cohort_pct_eal')           AS pct_eal,
           max(value) FILTER (WHERE measure = lower($2) || '_cohort_pct_sen_support')   AS pct_sen_support,
           max(value) FILTER (WHERE measure = lower($2) || '_cohort_pct_ehcp')          AS pct_ehcp,
           max(value) FILTER (WHERE measure = 'pupils_on_roll')                         AS pupils_on_roll
    FROM context WHERE year = $1 GROUP BY urn
) cohort ON cohort.urn = s.urn
LEFT JOIN school_area area ON area.urn = s.urn
LEFT JOIN (SELECT urn, arg_max(value, year) AS pct_girls FROM context WHERE measure = 'pct_girls' GROUP BY urn) girls
       ON girls.urn = s.urn
LEFT JOIN context prior ON prior.urn = s.urn AND prior.year = $1 AND prior.measure = $3
LEFT JOIN results att8 ON att8.urn = s.urn AND att8.year = $1 AND att8.measure = 'ks4_att8'
LEFT JOIN results p8 ON p8.urn = s.urn AND p8.year = $1 AND p8.measure = 'ks4_p8'
LEFT JOIN results p8orig ON p8orig.urn = s.urn AND p8orig.year = $1 AND p8orig.measure = 'ks4_p8_uncapped'
ORDER BY s.urn;
