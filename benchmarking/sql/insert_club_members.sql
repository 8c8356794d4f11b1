-- A club's members from the registered frame new_members (club_id, urn).
INSERT OR IGNORE INTO club_members (club_id, urn) SELECT club_id, urn FROM new_members;
