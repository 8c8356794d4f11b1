-- Schema version 2: benchmarking clubs.
CREATE SEQUENCE club_id_seq START 1;

CREATE TABLE clubs (
    club_id    INTEGER PRIMARY KEY DEFAULT nextval('club_id_seq'),
    name       VARCHAR NOT NULL UNIQUE,
    phase      VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    method     VARCHAR NOT NULL,   -- formed (clustering), neighbours (one school's group) or manual
    settings   VARCHAR NOT NULL,   -- JSON: size, k, weights, host school ... as the club was made
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE club_members (
    club_id INTEGER NOT NULL,
    urn     INTEGER NOT NULL,
    PRIMARY KEY (club_id, urn)
);
