-- A school's phase, if it is in the store. Parameter: URN.
SELECT phase FROM schools WHERE urn = $1;
