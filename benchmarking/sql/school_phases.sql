-- Every school in the store and its phase: what a pupil file is checked against.
SELECT urn, phase FROM schools;
