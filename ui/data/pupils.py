"""Pupils, for a viewer who may see them, and pupil groups as DfE published them."""
from __future__ import annotations

import pandas as pd

from benchmarking import pupil_views
from benchmarking.access import Viewer
from benchmarking.school_view import RowsByUrn
from benchmarking.va_report import SUBJECTS, national_groups, pupil_value_added, pupils_exist

from .cache import YEARS, data_key, shared, store
from .schools import school_ref

@shared(show_spinner="Working out pupils' value added...", max_entries=8)
def _pupil_va(key: str, year: int, measure: str, lens: str):
    return pupil_value_added(store(), year, measure, lens)


@shared(max_entries=YEARS)
def _has_pupils(key: str, year: int, measure: str) -> bool:
    return pupils_exist(store(), year, SUBJECTS[measure].key_stage)


def school_pupils(viewer: Viewer, year: int, measure: str, urn: int) -> pd.DataFrame:
    """One school's pupils with their scores, for a viewer who may see them (empty when the store has none).
    NotAllowed outside the viewer's scope; Suppressed for 5 or fewer pupils."""
    key = data_key()
    if not _has_pupils(key, year, measure):
        return pd.DataFrame()
    return pupil_views.pupils_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"))


@shared(max_entries=YEARS)
def _national_groups(key: str, year: int, measure: str) -> pd.DataFrame:
    return national_groups(_pupil_va(key, year, measure, "official"))


@shared(max_entries=YEARS)
def _group_sums(key: str, year: int, measure: str) -> pd.DataFrame:
    from benchmarking.va_report import school_group_sums

    return school_group_sums(_pupil_va(key, year, measure, "official"))


def pupil_groups(viewer: Viewer, urn: int, year: int, measure: str, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups against the same groups nationally and in its club (both from figures
    worked out once a year), for a viewer who may see them."""
    key = data_key()
    return pupil_views.pupil_groups_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"),
                                              club, _national_groups(key, year, measure), _group_sums(key, year, measure))


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


def published_groups(urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups as DfE published them, beside its club's median school (public data): slices
    of every school's, read once a year."""
    from benchmarking.group_report import groups_beside_club

    rows, national = _published_group_rows(data_key(), year)
    return groups_beside_club(pd.concat([rows.rows(u) for u in [urn, *club]], ignore_index=True), urn, club, national)


def members_groups(members: list[int], year: int) -> pd.DataFrame:
    """The published pupil-group figures of a club's members (urn, measure, grouping, grp, value, ci_low,
    ci_high, n): slices of every school's, read once a year."""
    rows, _ = _published_group_rows(data_key(), year)
    return pd.concat([rows.rows(u) for u in members], ignore_index=True)


def _visible_pupils(viewer: Viewer, urn: int, year: int, measure: str) -> bool:
    """Whether the store has the year's pupils with a score on the measure and the viewer may see the school's."""
    from benchmarking.errors import BenchmarkingError
    from benchmarking.inclusion import may_see_pupils
    from benchmarking.progress_gaps import no_progress_reason

    key, subject = data_key(), SUBJECTS.get(measure)
    if subject is None or not _has_pupils(key, year, measure) or no_progress_reason(subject.key_stage, year):
        return False
    try:
        return may_see_pupils(store(), viewer, urn, _pupil_va(key, year, measure, "official"))
    except BenchmarkingError:  # pupils without prior attainment
        return False


def inclusion(viewer: Viewer, urn: int, year: int, phase: str, club: list[int]) -> pd.DataFrame:
    """The school's inclusion rows (benchmarking.inclusion): published group figures, read once a year, then
    from its pupils where the viewer may see them, from the year's cached pupil scores and group sums."""
    from benchmarking.inclusion import measures_of, published_part, pupil_part, school_inclusion

    key = data_key()
    rows, national = _published_group_rows(key, year)
    measures = measures_of(phase)
    published = published_part(pd.concat([rows.rows(u) for u in [urn, *club]], ignore_index=True), national, measures)
    parts = [pupil_part(_pupil_va(key, year, m, "official"), urn, club, _group_sums(key, year, m),
                        _national_groups(key, year, m)) for m in measures if _visible_pupils(viewer, urn, year, m)]
    return school_inclusion(published, urn, club, parts)


def inclusion_trend(viewer: Viewer, urn: int, measure: str, years: list[int]) -> pd.DataFrame:
    """The school's disadvantaged pupils' figure and gap in every year held (inclusion.group_trend): as DfE
    published them, or where DfE published none, from the school's pupils for a viewer who may see them."""
    from benchmarking.inclusion import group_trend, pupil_group_trend

    published = group_trend(store(), urn, measure)
    if len(published) > 1:
        return published
    key = data_key()
    sums = [(y, _group_sums(key, y, measure)) for y in years if _visible_pupils(viewer, urn, y, measure)]
    return pupil_group_trend(sums, urn, measure) if sums else published
