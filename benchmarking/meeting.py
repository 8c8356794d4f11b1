"""A club meeting's deck: which slides a club has something to show on, in order."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .measures import MEASURES_BY_CODE
from .phases import phase as phase_named


@dataclass(frozen=True)
class Slide:
    kind: str  # glance, ranked, value_added, funnel, trends
    title: str
    measure: str | None = None


def meeting_slides(phase: str, members: list[int], year_results: pd.DataFrame, va: pd.DataFrame) -> list[Slide]:
    """The deck for a club: the club at a glance, each headline measure that some member has, ranked, value
    added with CIs and the funnel plot where members have a score, and trends. Slides with nothing to show
    are left out."""
    p = phase_named(phase)
    mine = year_results[year_results["urn"].isin(members) & year_results["value"].notna()]
    slides = [Slide("glance", "The club at a glance")]
    slides += [Slide("ranked", f"Ranked: {MEASURES_BY_CODE[code].label}", code)
               for code in p.headline if (mine["measure"] == code).any()]
    scored = va[va["urn"].isin(members) & (va["measure"] == p.main_value_added) & va["va"].notna()]
    if len(scored):
        label = MEASURES_BY_CODE[p.main_value_added].label
        slides += [Slide("value_added", f"{label} with confidence intervals", p.main_value_added),
                   Slide("funnel", f"{label}: the club against cohort size", p.main_value_added)]
    slides.append(Slide("trends", f"Trends: {MEASURES_BY_CODE[p.main_value_added].label}", p.main_value_added))
    return slides
