-- The schools that have recorded at least one target.
SELECT DISTINCT urn FROM targets;
