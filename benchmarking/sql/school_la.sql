-- A school's LA code, if it is in the store. Parameter: URN.
SELECT la_code FROM schools WHERE urn = $1;
