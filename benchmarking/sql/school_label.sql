-- One school's name, LA and phase. Parameter: URN.
SELECT urn, name, la_code, la_name, phase FROM school_labels WHERE urn = $1;
