"""Everything worked out from one school's pupils, for one viewer: the pupils themselves (charts and
tables), the school's pupil groups and each pupil's targets. Each function takes the viewer and gives
nothing outside the viewer's scope (`access.Viewer`), and nothing for 5 or fewer pupils.

The national figures every school is set against (estimates, national groups) come from all pupils; they
never leave this module as pupil rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from .access import NotAllowed, Viewer
from .errors import BenchmarkingError
from .store import Store
from .va_report import PupilValueAdded, group_comparison
from .value_added import MIN_PUPILS, GroupSums


class Suppressed(BenchmarkingError):
    """Too few pupils to show anything pupil by pupil."""


@dataclass(frozen=True)
class School:
    urn: int
    name: str
    la_code: int | None


def school(store: Store, urn: int) -> School:
    found = store.query_file("school_label", [urn])
    if found.empty:
        raise BenchmarkingError(f"URN {urn} is not in the store.")
    row = found.iloc[0]
    return School(int(urn), row["name"], None if pd.isna(row["la_code"]) else int(row["la_code"]))


def too_few_to_show(pupils: int) -> bool:
    """Whether a school's pupils are too few to be shown one by one or in groups of their own: 1 to 5 of them
    (none is not too few: there is nothing to show)."""
    return 0 < pupils < MIN_PUPILS


def _allowed_pupils(viewer: Viewer, place: School, va: PupilValueAdded) -> int:
    """How many pupils the school has in the measure, for a viewer who may see them: NotAllowed outside the
    viewer's scope, Suppressed for 1 to 5 pupils."""
    viewer.require_pupils(place.urn, place.la_code, place.name)
    pupils = va.pupils_of(place.urn)
    if too_few_to_show(pupils):
        raise Suppressed(f"{place.name} has {pupils} pupils in this measure: pupil-level figures for 5 or fewer "
                         "pupils are not shown.")
    return pupils


def pupils_of_school(viewer: Viewer, place: School, va: PupilValueAdded,
                     held: Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """The school's pupils with their expected and actual results and scores (empty when the store has
    none). NotAllowed outside the viewer's scope; Suppressed for 5 or fewer pupils. `held()`: the same rows from
    a cache (the dashboard's, sliced once per school), asked only once the viewer is allowed."""
    _allowed_pupils(viewer, place, va)
    return held() if held is not None else va.for_school(place.urn)


def pupil_labels_of_school(viewer: Viewer, place: School, va: PupilValueAdded,
                           held: Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Which like-for-like groups each of the school's pupils is in, row for row with pupils_of_school: the same
    checks (NotAllowed outside the viewer's scope, Suppressed for 5 or fewer pupils); `held()` as there."""
    _allowed_pupils(viewer, place, va)
    return held() if held is not None else va.labels_for_school(place.urn)


def pupil_groups_of_school(viewer: Viewer, place: School, va: PupilValueAdded, club: list[int],
                           national: pd.DataFrame | None = None, sums: GroupSums | None = None,
                           compare: Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """The school's pupil groups beside the same groups nationally and in its club (groups under 6 pupils
    suppressed). The club's figures are group averages over many schools, never a member's pupils. `compare()`:
    the same comparison from a cache (the dashboard's, worked out once per school), asked only once the viewer
    is allowed."""
    if not _allowed_pupils(viewer, place, va):
        return pd.DataFrame()
    return compare() if compare is not None else group_comparison(va, place.urn, club, national, sums)


def pupil_targets(viewer: Viewer, place: School, scores: pd.DataFrame, per_pupil: pd.DataFrame) -> pd.DataFrame:
    """Each pupil's targets, for a viewer who may see them: nothing for 5 or fewer pupils."""
    if not viewer.may_see_pupils(place.urn, place.la_code):
        raise NotAllowed(viewer.why_not_pupils(place.name))
    if len(scores) < MIN_PUPILS:
        raise Suppressed(f"{place.name} has {len(scores)} pupils in this measure: pupil-level targets for 5 or fewer "
                         "pupils are not shown.")
    return pd.concat([scores[["pupil_id", "expected", "actual"]].reset_index(drop=True), per_pupil], axis=1)
