"""A club meeting's deck: its members' results, pupil groups and scores, and its slides, gathered once per club and
year for every session that opens it (a meeting's heads open the same deck, and every slide change reruns it)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .cache import SCHOOLS, data_key, shared, urns_key
from .pupils import members_groups
from .schools import schools_year_results
from .scores import schools_va, scores_of


@dataclass(frozen=True)
class Deck:
    results: pd.DataFrame  # every member's results that year (special schools' too)
    groups: pd.DataFrame  # their published pupil groups
    scores: pd.DataFrame  # their value added, or the stand-in in context in a year without progress
    slides: list


@shared(max_entries=SCHOOLS)
def _deck(key: str, year: int, phase: str, members: tuple[int, ...], stand_in: str | None) -> Deck:
    from benchmarking.meeting import meeting_slides

    results, groups = schools_year_results(list(members), year), members_groups(list(members), year)
    scores = scores_of(year, phase, stand_in, members) if stand_in else schools_va(members, year, phase)
    return Deck(results, groups, scores, meeting_slides(phase, list(members), results, scores, stand_in, groups))


def deck(year: int, phase: str, members: list[int], stand_in: str | None) -> Deck:
    """The club's deck (benchmarking.meeting.meeting_slides) and what its slides are drawn from, in the members'
    order. Shared: read it, never change it."""
    return _deck(data_key(), year, phase, urns_key(members), stand_in)
