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
