"""Similar schools: the pool of a year and phase, each school's club, partners, an LA against clubs and
similar LAs, and the stored clubs with their impact."""
from __future__ import annotations

import pandas as pd

from benchmarking import chart_dicts, charts
from benchmarking.la_view import schools_against_clubs
from benchmarking.la_view import similar_las as _las_like
from benchmarking.partners import partners_this_year
from benchmarking.phases import phase as phase_named
from benchmarking.similarity import FEATURES, SimilarGroup, SimilarityIndex, check_weights, load_features

from .cache import SCHOOLS, YEARS, data_key, revision, shared, store
from .schools import club_results, every_school_values
from .scores import measures_for, scores_of, scores_table

@shared(show_spinner="Loading the pool of schools...", max_entries=16)
def _index(key: str, year: int, phase: str, weights: tuple, mainstream: bool) -> SimilarityIndex:
    index = SimilarityIndex(load_features(store(), year, phase, mainstream), dict(weights))
    if weights == weights_key(None):  # the pool every school's club comes from: its short lists found at once
        index.shortlist_groups(phase_named(phase).default_k)
    return index


def weights_key(weights: dict | None) -> tuple:
    """Weights as a cache key: every feature, in order (the defaults where none are given)."""
    weights = check_weights(weights or {})
    return tuple((f, float(weights[f])) for f in FEATURES)


def similarity_index(year: int, phase: str, weights: dict | None = None, mainstream: bool = True) -> SimilarityIndex:
    """The pool of schools of a phase and year (mainstream, or special schools), ready for similar schools."""
    return _index(data_key(), year, phase, weights_key(weights), mainstream)


@shared(max_entries=SCHOOLS)
def _club_group(key: str, year: int, phase: str, urn: int, mainstream: bool) -> SimilarGroup:
    return similarity_index(year, phase, mainstream=mainstream).neighbours(urn, phase_named(phase).default_k)


def club_group(year: int, phase: str, urn: int, mainstream: bool = True, k: int | None = None) -> SimilarGroup:
    """The school's similar schools with every setting at its default (its club on My school, Value added and
    at a club meeting, where the first k are taken), found once per school and year, not once per page.
    BenchmarkingError for a school that cannot be matched."""
    group = _club_group(data_key(), year, phase, urn, mainstream)
    return group if k is None else group.nearest(k)


@shared(max_entries=SCHOOLS)
def _club_with_results(key: str, year: int, phase: str, urn: int, mainstream: bool, measure: str,
                       attainment: str | None) -> pd.DataFrame:
    from benchmarking.school_view import neighbours_with_results

    group = club_group(year, phase, urn, mainstream)
    members = scores_of(year, phase, measure, group.neighbours["urn"].astype(int))  # the club's rows, not the year's
    return neighbours_with_results(group, members, every_school_values(year).get(attainment) if attainment else None)


def club_with_results(year: int, phase: str, urn: int, mainstream: bool, measure: str,
                      attainment: str | None) -> pd.DataFrame:
    """The school's club (club_group) with each member's distance, what it is made of, its score on `measure` and
    its `attainment` (school_view.neighbours_with_results): worked out once per school. Shared: read it, never
    change it."""
    return _club_with_results(data_key(), year, phase, urn, bool(mainstream), measure, attainment)


@shared(max_entries=SCHOOLS)
def _partners(key: str, urn: int, year: int, phase: str, k: int, mainstream: bool) -> pd.DataFrame:
    group = club_group(year, phase, urn, mainstream, k)
    members = [group.urn, *group.neighbours["urn"].astype(int)]
    if measures_for(year, phase)[1]:  # a year without progress: the phase's stand-in in context
        return partners_this_year(store(), group, scores_of(year, phase, phase_named(phase).stand_in, members))
    return partners_this_year(store(), group, results=club_results(year, phase_named(phase).main_value_added, members))


def partners(urn: int, year: int, phase: str, k: int, mainstream: bool = True) -> pd.DataFrame:
    return _partners(data_key(), urn, year, phase, k, mainstream)


@shared(show_spinner="Comparing every school with its club...", max_entries=YEARS)
def _against_clubs(key: str, year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    return schools_against_clubs(similarity_index(year, phase), scores_table(year, phase, measure), la_code)


def against_clubs(year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    """Every school of an LA against its own club, with its best partner."""
    return _against_clubs(data_key(), year, phase, measure, la_code)


@shared(max_entries=YEARS)
def _similar_las(key: str, year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    return _las_like(similarity_index(year, phase).frame, scores_table(year, phase, measure), la_code)


def similar_las(year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    """The LA beside the LAs most like it."""
    return _similar_las(data_key(), year, phase, measure, la_code)


@shared(max_entries=YEARS)
def _context_backdrop(key: str, year: int, phase: str, mainstream: bool, feature: str, measure: str,
                      colour: str) -> dict | None:
    pool = similarity_index(year, phase, mainstream=mainstream).frame[["urn", feature]]
    points = pool.merge(scores_table(year, phase, measure)[["urn", "va"]], on="urn").dropna()
    if len(points) <= charts.DENSITY_ABOVE:
        return None
    return chart_dicts.trace_as_sent(charts.schools_density(points[feature], points["va"], colour, "Schools of the pool"))


def context_backdrop(year: int, phase: str, mainstream: bool, feature: str, measure: str, colour: str) -> dict | None:
    """Every school of a pool on a context feature against its score, as one shaded trace, made once a year for
    every school (None for a pool small enough to draw school by school)."""
    return _context_backdrop(data_key(), year, phase, mainstream, feature, measure, colour)




@shared(max_entries=8)
def _clubs(key: str) -> pd.DataFrame:
    from benchmarking.club_store import list_clubs

    return list_clubs(store())


def clubs() -> pd.DataFrame:
    return _clubs(revision("clubs"))


@shared(max_entries=8)
def _clubs_of_phase(key: str, phase: str) -> pd.DataFrame:
    every = _clubs(key)
    return every[every["phase"] == phase]


def clubs_of_phase(phase: str) -> pd.DataFrame:
    """The saved clubs of one phase (the club meeting's choices), selected once per change to the clubs. Shared:
    read it, never change it."""
    return _clubs_of_phase(revision("clubs"), phase)


@shared(show_spinner="Measuring the club's impact against matched schools...", max_entries=16)
def _club_impact(key: str, club: str):
    from benchmarking.impact import club_impact as impact

    return impact(store(), club)


def club_impact(club: str):
    """A stored club's measured impact (benchmarking.impact.Impact), worked out once per store revision."""
    return _club_impact(revision("data", "clubs"), club)
