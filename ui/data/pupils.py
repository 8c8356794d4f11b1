"""Pupils, for a viewer who may see them, and pupil groups as DfE published them."""
from __future__ import annotations

import pandas as pd

from benchmarking import pupil_views
from benchmarking.access import Viewer
from benchmarking.errors import BenchmarkingError
from benchmarking.by_urn import RowsByUrn
from benchmarking.va_report import SUBJECTS, national_groups, pupil_value_added, pupils_exist

from .cache import SCHOOLS, YEARS, data_key, shared, store, urns_key
from .schools import school_ref

@shared(show_spinner="Working out pupils' value added...", max_entries=8)
def _pupil_va(key: str, year: int, measure: str, lens: str):
    return pupil_value_added(store(), year, measure, lens)


@shared(max_entries=YEARS)
def _has_pupils(key: str, year: int, measure: str) -> bool:
    return pupils_exist(store(), year, SUBJECTS[measure].key_stage)


@shared(max_entries=SCHOOLS)
def _school_pupil_rows(key: str, year: int, measure: str, urn: int) -> pd.DataFrame:
    return _pupil_va(key, year, measure, "official").for_school(urn)


@shared(max_entries=SCHOOLS)
def _school_pupil_label_rows(key: str, year: int, measure: str, urn: int) -> pd.DataFrame:
    return _pupil_va(key, year, measure, "official").labels_for_school(urn)


def school_pupils(viewer: Viewer, year: int, measure: str, urn: int) -> pd.DataFrame:
    """One school's pupils with their scores, for a viewer who may see them (empty when the store has none).
    NotAllowed outside the viewer's scope; Suppressed for 5 or fewer pupils. The rows are sliced once per
    school and handed only to viewers allowed them. Shared: read them, never change them."""
    key = data_key()
    if not _has_pupils(key, year, measure):
        return pd.DataFrame()
    return pupil_views.pupils_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"),
                                        held=lambda: _school_pupil_rows(key, year, measure, urn))


def school_pupil_labels(viewer: Viewer, year: int, measure: str, urn: int) -> pd.DataFrame:
    """Which like-for-like groups each of school_pupils' rows is in (the year's labels, sliced once per school),
    for a viewer who may see them. Shared: read them, never change them."""
    key = data_key()
    return pupil_views.pupil_labels_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"),
                                              held=lambda: _school_pupil_label_rows(key, year, measure, urn))


@shared(max_entries=YEARS)
def _national_groups(key: str, year: int, measure: str) -> pd.DataFrame:
    return national_groups(_pupil_va(key, year, measure, "official"))


@shared(max_entries=YEARS)
def _group_sums(key: str, year: int, measure: str) -> pd.DataFrame:
    from benchmarking.va_report import school_group_sums

    return school_group_sums(_pupil_va(key, year, measure, "official"))


@shared(max_entries=SCHOOLS)
def _pupil_groups(key: str, urn: int, year: int, measure: str, club: tuple[int, ...]) -> pd.DataFrame:
    from benchmarking.va_report import group_comparison

    return group_comparison(_pupil_va(key, year, measure, "official"), urn, list(club),
                            _national_groups(key, year, measure), _group_sums(key, year, measure))


def pupil_groups(viewer: Viewer, urn: int, year: int, measure: str, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups against the same groups nationally and in its club (both from figures
    worked out once a year), for a viewer who may see them: worked out once per school and club, and handed
    only to viewers allowed them. Shared: read it, never change it."""
    key = data_key()
    return pupil_views.pupil_groups_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"),
                                              club, compare=lambda: _pupil_groups(key, urn, year, measure, urns_key(club)))


@shared(max_entries=YEARS)
def _capping_note(key: str, year: int, measure: str) -> str | None:
    from benchmarking.va_report import capping_note as note

    return note(store(), year, measure)


def capping_note(year: int, measure: str) -> str | None:
    """Which prior-attainment groups' extreme scores were not capped this year, or None."""
    return _capping_note(data_key(), year, measure)


@shared(max_entries=YEARS)
def _published_group_rows(key: str, year: int) -> tuple[RowsByUrn, pd.DataFrame]:
    return (RowsByUrn.of(store().query_file("group_results_of_year", [year])),
            store().query_file("national_groups", [year]))


@shared(max_entries=SCHOOLS)
def _published_groups(key: str, urn: int, year: int, club: tuple[int, ...]) -> pd.DataFrame:
    from benchmarking.group_report import groups_beside_club

    rows, national = _published_group_rows(key, year)
    return groups_beside_club(rows.many([urn, *club]), urn, list(club), national)


def published_groups(urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups as DfE published them, beside its club's median school (public data): slices
    of every school's, read once a year, worked out once per school and club. Shared: read it, never change it."""
    return _published_groups(data_key(), urn, year, urns_key(club))


@shared(max_entries=SCHOOLS)
def _published_groups_of_stage(key: str, urn: int, year: int, club: tuple[int, ...], key_stage: int) -> pd.DataFrame:
    from benchmarking.measures import MEASURES_BY_CODE

    every = _published_groups(key, urn, year, club)
    return every[every["measure"].map(lambda m: MEASURES_BY_CODE[m].key_stage) == key_stage]


def published_groups_of_stage(urn: int, year: int, club: list[int], key_stage: int) -> pd.DataFrame:
    """published_groups' rows of one key stage's measures (Value added shows the chosen measure's stage), selected
    once per school and stage. Shared: read it, never change it."""
    return _published_groups_of_stage(data_key(), urn, year, urns_key(club), key_stage)


def members_groups(members: list[int], year: int) -> pd.DataFrame:
    """The published pupil-group figures of a club's members (urn, measure, grouping, grp, value, ci_low,
    ci_high, n): slices of every school's, read once a year."""
    rows, _ = _published_group_rows(data_key(), year)
    return pd.concat([rows.rows(u) for u in members], ignore_index=True)


def _visible_pupils(viewer: Viewer, urn: int, year: int, measure: str) -> bool:
    """Whether the store has the year's pupils with a score on the measure, the viewer may see the school's, and
    it has more than a handful: from the year's group sums, not a pass over the nation's pupils."""
    from benchmarking.progress_gaps import no_progress_reason

    key, subject = data_key(), SUBJECTS.get(measure)
    if subject is None or not _has_pupils(key, year, measure) or no_progress_reason(subject.key_stage, year):
        return False
    place = school_ref(urn)
    if not viewer.may_see_pupils(place.urn, place.la_code):
        return False
    try:
        pupils = _scored_pupils(key, year, measure, int(urn))
    except BenchmarkingError:  # pupils without prior attainment
        return False
    return pupils > 0 and not pupil_views.too_few_to_show(pupils)


@shared(max_entries=SCHOOLS)
def _scored_pupils(key: str, year: int, measure: str, urn: int) -> int:
    """How many of the school's pupils have a score on the measure, from the year's group sums: worked out once
    per school (whether a viewer may see them is asked on every view)."""
    sums = _group_sums(key, year, measure)
    n, _ = sums.totals([urn])
    first = (sums.groups["grouping"] == sums.groups["grouping"].iloc[0]).to_numpy() if len(sums.groups) else []
    return int(n[first].sum()) if len(first) else 0  # every pupil is in one group of each grouping


@shared(max_entries=YEARS)
def _inclusion_figures(key: str, year: int, phase: str, with_pupils: bool) -> list:
    """Every school's inclusion figures for the year (published, then from pupils in the phase's main value
    added): arrays that each school's view slices."""
    from benchmarking.inclusion import GroupFigures, measures_of, published_part
    from benchmarking.phases import phase as phase_named

    rows, national = _published_group_rows(key, year)
    figures = published_part(rows.frame, national, measures_of(phase))
    if with_pupils:
        main = phase_named(phase).main_value_added
        figures.append(GroupFigures.of_sums(main, _group_sums(key, year, main), _pupil_va(key, year, main, "official").national_sd,
                                            _national_groups(key, year, main)))
    return figures


@shared(max_entries=SCHOOLS)
def _inclusion(key: str, urn: int, year: int, phase: str, club: tuple[int, ...], with_pupils: bool) -> pd.DataFrame:
    from benchmarking.inclusion import school_inclusion

    return school_inclusion(_inclusion_figures(key, year, phase, with_pupils), urn, list(club))


def inclusion(viewer: Viewer, urn: int, year: int, phase: str, club: list[int]) -> pd.DataFrame:
    """The school's inclusion rows (benchmarking.inclusion): published group figures, read once a year, then
    from its pupils where the viewer may see them (the phase's main value added), from the year's cached pupil
    scores and group sums; worked out once per school and year for everyone who may see the same."""
    return _inclusion(data_key(), urn, year, phase, urns_key(club), _with_pupils(viewer, urn, year, phase))


def _with_pupils(viewer: Viewer, urn: int, year: int, phase: str) -> bool:
    """Whether the school's inclusion rows include those from its pupils, for this viewer (_visible_pupils in the
    phase's main value added)."""
    from benchmarking.phases import phase as phase_named

    return _visible_pupils(viewer, urn, year, phase_named(phase).main_value_added)


@shared(max_entries=SCHOOLS)
def _inclusion_of_measure(key: str, urn: int, year: int, phase: str, club: tuple[int, ...], with_pupils: bool,
                          measure: str) -> pd.DataFrame:
    every = _inclusion(key, urn, year, phase, club, with_pupils)
    return every[every["measure"] == measure]


def inclusion_of_measure(viewer: Viewer, urn: int, year: int, phase: str, club: list[int], measure: str) -> pd.DataFrame:
    """inclusion's rows of one measure (Value added shows the chosen measure's), selected once per school and
    measure for everyone who may see the same. Shared: read it, never change it."""
    return _inclusion_of_measure(data_key(), urn, year, phase, urns_key(club), _with_pupils(viewer, urn, year, phase),
                                 measure)


@shared(max_entries=YEARS)
def _group_trend_rows(key: str, measure: str, group: str, others: str) -> RowsByUrn:
    return RowsByUrn.of(store().query_file("group_trend_every_school", [measure, group, others]))


@shared(max_entries=SCHOOLS)
def _inclusion_trend_words(key: str, urn: int, measure: str) -> str | None:
    from benchmarking.inclusion import trend_sentence

    return trend_sentence(inclusion_trend(urn, measure), measure)


def inclusion_trend_words(urn: int, measure: str) -> str | None:
    """The disadvantaged pupils' trend in words (inclusion.trend_sentence of inclusion_trend), worked out once per
    school and measure: My school says it on every view."""
    return _inclusion_trend_words(data_key(), urn, measure)


def inclusion_trend(urn: int, measure: str, group: str = "disadvantaged") -> pd.DataFrame:
    """The school's disadvantaged pupils' published figure and gap in every year held (inclusion.group_trend),
    from every school's read once. (From pupils, inclusion.pupil_group_trend, it would hold every year's pupils
    in memory: not on a page.)"""
    from benchmarking.inclusion import others_of, trend_of_figures

    records = _group_trend_rows(data_key(), measure, group, others_of(group)).records(urn)
    return trend_of_figures(((r["year"], r["grp"], r["value"]) for r in records), group)
