-- A school's phase and whether it is mainstream (a special school is not), if it is in the store. Parameter: URN.
SELECT phase, coalesce(mainstream, true) AS mainstream FROM schools WHERE urn = $1;
