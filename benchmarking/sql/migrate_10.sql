-- Schema version 10: clubs keep their history. A member carries the year it joined and, once it has left,
-- the year it left (NULL while it is still a member); existing members joined in their club's year. A club of
-- two made from the partner finder, or by hand, is a school-to-school pairing (method 'pairing').
ALTER TABLE club_members ADD COLUMN joined INTEGER;
ALTER TABLE club_members ADD COLUMN left_in INTEGER;
UPDATE club_members SET joined = (SELECT year FROM clubs c WHERE c.club_id = club_members.club_id);

-- The synthetic generator's truth about clubs: the effect planted in each demo club's members, in a measure's
-- own units, from a year on (the demo checks the impact estimate against it).
CREATE TABLE synthetic_club_truth (
    club      VARCHAR NOT NULL,
    measure   VARCHAR NOT NULL,
    effect    DOUBLE NOT NULL,
    from_year INTEGER NOT NULL,
    PRIMARY KEY (club, measure)
);
