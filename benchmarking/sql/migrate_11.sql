-- Schema version 11: area deprivation from either index, the Indices of Deprivation 2019 (on the 2011 LSOAs)
-- or 2025 (on the 2021 LSOAs), both held at once; each school takes the newest index its LSOA code is in
-- (the view school_area).
CREATE TABLE area_deprivation_by_index (
    index_name       VARCHAR NOT NULL,   -- IoD2019 or IoD2025
    lsoa             VARCHAR NOT NULL,
    idaci_rank       INTEGER NOT NULL,   -- 1 is the most deprived LSOA in England
    idaci_decile     INTEGER NOT NULL,   -- 1 is the most deprived 10%
    area_deprivation DOUBLE NOT NULL,    -- IDACI percentile among all of England's LSOAs: 100 most deprived, 0 least
    PRIMARY KEY (index_name, lsoa)
);
INSERT INTO area_deprivation_by_index
SELECT 'IoD2019', lsoa, idaci_rank, idaci_decile, area_deprivation FROM area_deprivation;
DROP TABLE area_deprivation;
ALTER TABLE area_deprivation_by_index RENAME TO area_deprivation;
