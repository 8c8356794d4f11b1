-- Schema version 4: area deprivation. A school's LSOA (from GIAS) joins it to the English Indices of
-- Deprivation's IDACI for that small area (the school's own area, not its pupils' home areas).
ALTER TABLE schools ADD COLUMN lsoa VARCHAR;

CREATE TABLE area_deprivation (
    lsoa             VARCHAR PRIMARY KEY,
    idaci_rank       INTEGER NOT NULL,   -- 1 is the most deprived LSOA in England
    idaci_decile     INTEGER NOT NULL,   -- 1 is the most deprived 10%
    area_deprivation DOUBLE NOT NULL     -- IDACI percentile: 100 most deprived, 0 least
);
