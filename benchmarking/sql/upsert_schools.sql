-- Add or update schools from the registered frame incoming_schools.
-- Names, LA and type fill in from any source; the phase follows the most authoritative one
-- (phase_rank: GIAS 3, census or spine 2, results files 1). A KS2 file and a KS4 file for the same
-- school (equal rank, primary beside secondary) make it all-through.
INSERT INTO schools
SELECT urn::INTEGER, name::VARCHAR, la_code::INTEGER, phase::VARCHAR, phase_rank::INTEGER, nftype::VARCHAR,
       school_type::VARCHAR, state_funded::BOOLEAN, mainstream::BOOLEAN, is_open::BOOLEAN, lsoa::VARCHAR,
       sex_of_entry::VARCHAR, admissions::VARCHAR
FROM incoming_schools
ON CONFLICT (urn) DO UPDATE SET
    name         = coalesce(excluded.name, schools.name),
    la_code      = coalesce(excluded.la_code, schools.la_code),
    nftype       = coalesce(excluded.nftype, schools.nftype),
    school_type  = coalesce(excluded.school_type, schools.school_type),
    state_funded = coalesce(excluded.state_funded, schools.state_funded),
    mainstream   = coalesce(excluded.mainstream, schools.mainstream),
    is_open      = coalesce(excluded.is_open, schools.is_open),
    lsoa         = coalesce(excluded.lsoa, schools.lsoa),
    sex_of_entry = coalesce(excluded.sex_of_entry, schools.sex_of_entry),
    admissions   = coalesce(excluded.admissions, schools.admissions),
    phase = CASE
        WHEN excluded.phase IS NULL THEN schools.phase
        WHEN schools.phase IS NULL OR excluded.phase_rank > schools.phase_rank THEN excluded.phase
        WHEN excluded.phase_rank = schools.phase_rank
             AND excluded.phase IN ('primary', 'secondary')
             AND schools.phase IN ('primary', 'secondary', 'all-through')
             AND excluded.phase <> schools.phase THEN 'all-through'
        WHEN excluded.phase_rank = schools.phase_rank THEN excluded.phase
        ELSE schools.phase
    END,
    phase_rank = CASE WHEN excluded.phase IS NULL THEN schools.phase_rank
                      ELSE greatest(excluded.phase_rank, schools.phase_rank) END;
