-- Every school's name and LA name, for labelling reports, and whether floor standards apply to it
-- (state-funded mainstream schools only).
SELECT urn, name, la_name, state_funded_mainstream AS floor_applies FROM school_labels;
