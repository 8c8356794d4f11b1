-- Every school's name, LA code and LA name, for labelling charts and tables, and whether floor standards
-- apply to it (state-funded mainstream schools only).
SELECT urn, name, la_name, state_funded_mainstream AS floor_applies, la_code, mainstream FROM school_labels;
