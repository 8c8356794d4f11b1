-- Each target a school recorded beside the value added it achieved that year, and the gap. Parameter: URN.
SELECT t.year, t.measure, t.level, t.target, r.value AS achieved, r.ci_low, r.ci_high, r.n,
       r.value - t.target AS gap, t.note, t.set_at
FROM targets t
LEFT JOIN results r ON r.urn = t.urn AND r.year = t.year AND r.measure = t.measure
WHERE t.urn = $1
ORDER BY t.year, t.measure, t.target;
