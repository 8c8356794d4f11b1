-- Views over the base tables, recreated whenever the store is opened for writing.

-- Whole-school census context, one row per school and year: disadvantage (FSM in the last 6 years, the
-- performance tables' census) or free school meals now (the census's school-level data on Explore
-- Education Statistics), EAL, SEN support and EHC plans (the SEN release), and the roll.
CREATE OR REPLACE VIEW context_wide AS
SELECT
    urn,
    year,
    max(value) FILTER (WHERE measure = 'pupils_on_roll')    AS pupils_on_roll,
    max(value) FILTER (WHERE measure = 'pct_disadvantaged') AS pct_disadvantaged,
    max(value) FILTER (WHERE measure = 'pct_fsm')           AS pct_fsm,
    max(value) FILTER (WHERE measure = 'pct_eal')           AS pct_eal,
    max(value) FILTER (WHERE measure = 'pct_sen_support')   AS pct_sen_support,
    max(value) FILTER (WHERE measure = 'pct_ehcp')          AS pct_ehcp
FROM context
WHERE measure IN ('pupils_on_roll', 'pct_disadvantaged', 'pct_fsm', 'pct_eal', 'pct_sen_support', 'pct_ehcp')
GROUP BY urn, year;

-- The URN whose census context stands for each school with results in a year: its own where the
-- census has it, else its GIAS successor's (a URN change such as an academy conversion), else its
-- predecessor's.
CREATE OR REPLACE VIEW context_urn AS
WITH census_years AS (
    SELECT DISTINCT urn, year FROM context WHERE measure IN ('pct_disadvantaged', 'pct_fsm')
),
school_years AS (
    SELECT DISTINCT urn, year FROM results
),
candidates AS (
    SELECT sy.urn, sy.year, sy.urn AS context_urn, 0 AS preference
    FROM school_years sy
    JOIN census_years c USING (urn, year)
    UNION ALL
    SELECT sy.urn, sy.year, l.link_urn AS context_urn,
           CASE WHEN l.link_type ILIKE 'successor%' THEN 1 ELSE 2 END AS preference
    FROM school_years sy
    JOIN school_links l ON l.urn = sy.urn
    JOIN census_years c ON c.urn = l.link_urn AND c.year = sy.year
)
SELECT urn, year,
       arg_min(context_urn, preference) AS context_urn,
       min(preference) > 0             AS via_link
FROM candidates
GROUP BY urn, year;

-- Each school and year with its census context, following URN changes.
CREATE OR REPLACE VIEW school_context AS
SELECT cu.urn, cu.year, cu.context_urn, cu.via_link,
       cw.pupils_on_roll, cw.pct_disadvantaged, cw.pct_fsm, cw.pct_eal, cw.pct_sen_support, cw.pct_ehcp
FROM context_urn cu
JOIN context_wide cw ON cw.urn = cu.context_urn AND cw.year = cu.year;

-- Every pupil's expected outcome, by year, key stage, outcome and prior-attainment group: the mean of the
-- store's own pupils (own_estimate), and DfE's published Progress 8 estimate with how many of the year's groups
-- were imported (published_groups). The queries that read it take DfE's where every group is imported (they
-- are given the number of groups). The spread (sd, for the cap) is always the store's own: DfE does not publish it.
CREATE OR REPLACE VIEW value_added_estimates AS
WITH published AS (
    SELECT year, prior_group, estimate, count(*) OVER (PARTITION BY year) AS groups
    FROM p8_estimates
)
SELECT s.year, s.key_stage, s.outcome, s.prior_group, s.estimate AS own_estimate, d.estimate AS published_estimate,
       coalesce(d.groups, 0) AS published_groups, s.sd, s.n
FROM pupil_estimates s
LEFT JOIN published d ON s.key_stage = 'KS4' AND s.outcome = 'attainment8' AND d.year = s.year
                      AND d.prior_group = s.prior_group;

-- The population DfE's national figures are about: state-funded mainstream schools. A school whose type
-- no file has given is not counted in it. Every national figure (percentiles, medians, coverage) uses this.
CREATE OR REPLACE VIEW state_funded_mainstream AS
SELECT urn FROM schools WHERE state_funded AND mainstream;

-- How a school is labelled everywhere: its name (or "School URN" until a file names it), LA and phase.
CREATE OR REPLACE VIEW school_labels AS
SELECT s.urn, coalesce(s.name, 'School ' || s.urn) AS name, s.la_code,
       coalesce(la.la_name, 'LA ' || s.la_code) AS la_name, s.phase,
       s.urn IN (SELECT urn FROM state_funded_mainstream) AS state_funded_mainstream,
       coalesce(s.mainstream, true) AS mainstream
FROM schools s LEFT JOIN local_authorities la ON la.la_code = s.la_code;

-- Each school's area deprivation: the IDACI percentile of its own small area (LSOA, from GIAS) in the newest
-- index its code belongs to (IoD2025 ranks the 2021 LSOAs, IoD2019 the 2011 ones; most codes are in both).
CREATE OR REPLACE VIEW school_area AS
SELECT s.urn, arg_max(a.area_deprivation, a.index_name) AS area_deprivation, max(a.index_name) AS area_index
FROM schools s JOIN area_deprivation a ON a.lsoa = s.lsoa
GROUP BY s.urn;

-- The key stage results a school has: those published, and those withheld because the cohort was small (a
-- school whose every figure is suppressed still has results, and its page says why each is missing). Figures
-- not applicable (z), not available (x) or blank are not results.
CREATE OR REPLACE VIEW key_stage_results AS
SELECT r.*, m.key_stage
FROM results r JOIN measures m USING (measure)
WHERE m.key_stage IN ('KS2', 'KS4') AND (r.value IS NOT NULL OR r.reason IN ('SUPP', 'C', 'LOWCOV', 'LOW'));
