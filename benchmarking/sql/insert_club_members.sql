-- A club's members from the registered frame new_members (club_id, urn, joined): the year each joined.
INSERT OR IGNORE INTO club_members (club_id, urn, joined) SELECT club_id, urn, joined FROM new_members;
