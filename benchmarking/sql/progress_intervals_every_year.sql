-- Every year's published intervals of the measures in $1 (the progress measures): each state-funded mainstream
-- school's 95% CI and pupil count, from which the national pupil-level SD behind them is recovered. An average of
-- the same pupils takes that SD in a year its progress measure was not published (Attainment 8 in 2025).
SELECT r.year, r.measure, r.ci_low, r.ci_high, r.n
FROM results r
JOIN state_funded_mainstream f ON f.urn = r.urn
WHERE r.measure IN (SELECT unnest($1)) AND r.ci_low IS NOT NULL AND r.ci_high IS NOT NULL AND r.n > 0;
