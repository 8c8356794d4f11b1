"""The dashboard's reads of the store, cached: pages call `data.<name>`. One module per thing served:
cache (the store and cache keys), schools (directory and results), scores (value added and attainment in
context), similar (pools, clubs, LAs) and pupils."""
# ruff: noqa: F401  (every name here is re-exported for the pages)
from .cache import data_key, file_version, revision, shared_values, store, store_exists
from .schools import (directory, directory_record, headline, imported_pupils_present, names_by_urn, measure_results, phase_directory, phase_urns,
                      recorded_targets, school_labels, school_name, school_names, school_ref, school_trend, school_year_results,
                      schools_year_results, summary, synthetic, target_levels, viewer_for_email, year_results, year_values,
                      every_school_values, every_school_errors, measure_reach)
from .scores import (club_dots, club_standing, concern, floor, funnel, funnel_backdrop, in_context, expected_actual, kind_scores, kind_scores_of, school_value_added, in_context_cards, schools_va, measures_for, pooled,
                     school_va, school_score, scores_of, scores_table, steadier_rows, va_table, value_added_cards)
from .similar import (against_clubs, club_group, club_with_results, club_impact, clubs, clubs_of_phase, context_backdrop, partners, similar_las,
                      similarity_index, weights_key)
from .pupils import capping_note, inclusion, inclusion_of_measure, inclusion_trend, inclusion_trend_words, members_groups, published_groups, published_groups_of_stage, pupil_groups, school_pupil_labels, school_pupils
from .meeting import deck
