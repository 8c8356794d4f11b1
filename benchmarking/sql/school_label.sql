-- One school's name, LA, phase and whether it is open (GIAS; a school GIAS has not named is taken as open).
-- Parameter: URN.
SELECT l.urn, l.name, l.la_code, l.la_name, l.phase, coalesce(s.is_open, true) AS is_open
FROM school_labels l JOIN schools s USING (urn)
WHERE l.urn = $1;
