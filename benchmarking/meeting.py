"""A club meeting's deck: which slides a club has something to show on, in order."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .measures import MEASURES_BY_CODE
from .phases import phase as phase_named
from .rank_interval import rank_intervals


@dataclass(frozen=True)
class Slide:
    kind: str  # glance, ranked, value_added, funnel, trends
    title: str
    measure: str | None = None


def meeting_slides(phase: str, members: list[int], year_results: pd.DataFrame, va: pd.DataFrame,
                   in_context: str | None = None, group_rows: pd.DataFrame | None = None) -> list[Slide]:
    """The deck for a club: the club at a glance, each headline measure that some member has, ranked, value
    added with CIs and the funnel plot where members have a score, and trends. Slides with nothing to show
    are left out. In a year without a progress measure, `va` holds attainment in context for the measure
    `in_context`, shown with its CIs (and no funnel: it is not a progress measure)."""
    p = phase_named(phase)
    mine = year_results[year_results["urn"].isin(members) & year_results["value"].notna()]
    slides = [Slide("glance", "The club at a glance")]
    slides += [Slide("ranked", f"Ranked: {MEASURES_BY_CODE[code].label}"
                               + ("" if MEASURES_BY_CODE[code].higher_is_better else " (lower is better)"), code)
               for code in p.headline if (mine["measure"] == code).any()]
    main = in_context or p.main_value_added
    scored = va[va["urn"].isin(members) & (va["measure"] == main) & va["va"].notna()]
    if len(scored) and in_context:
        slides.append(Slide("value_added", f"{MEASURES_BY_CODE[main].label} in context, with confidence intervals "
                                           "(not a progress measure)", main))
    elif len(scored):
        label = MEASURES_BY_CODE[main].label
        slides += [Slide("value_added", f"{label} with confidence intervals", main),
                   Slide("funnel", f"{label}: the club against cohort size", main)]
    if group_rows is not None:  # inclusion: the members' disadvantaged pupils, as DfE published them
        measure = inclusion_measure(phase, group_rows, members)
        if measure:
            slides.append(Slide("inclusion", f"Inclusion: disadvantaged pupils' {MEASURES_BY_CODE[measure].label}",
                                measure))
    slides.append(Slide("trends", f"Trends: {MEASURES_BY_CODE[p.main_value_added].label}", p.main_value_added))
    return slides


# -- what each slide shows (the Club meeting page and the meeting pack draw the same rows) ---------------

def ranked_values(year_results: pd.DataFrame, members: list[int], measure: str,
                  errors: pd.Series | None = None) -> pd.DataFrame:
    """A ranked slide's rows: each member's value on the measure (blank where it has none), urn and value, and
    with `errors` (each school's standard error, by URN) its rank among the members with its 95% interval
    (rank, rank_low, rank_high; 0 without a value)."""
    rows = pd.DataFrame({"urn": members}).merge(
        year_results.loc[year_results["measure"] == measure, ["urn", "value"]], on="urn", how="left")
    if errors is not None:
        ranked = rank_intervals(rows["value"], errors.reindex(rows["urn"]).to_numpy(dtype=float),
                                bool(MEASURES_BY_CODE[measure].higher_is_better))
        rows["rank"], rows["rank_low"], rows["rank_high"] = ranked
    return rows


INCLUSION_GROUP = "disadvantaged"
INCLUSION_NOTE = ("Each school's disadvantaged pupils, as DfE published them, with their 95% intervals where DfE gives "
                  "them; a school with none published is left out.")


def inclusion_measure(phase: str, group_rows: pd.DataFrame, members: list[int]) -> str | None:
    """The measure an inclusion slide shows: the phase's main value added, else its first headline measure,
    whichever some member has a published figure for disadvantaged pupils on; None if neither."""
    p = phase_named(phase)
    published = set(group_rows.loc[(group_rows["grp"] == INCLUSION_GROUP) & group_rows["urn"].isin(members)
                                   & group_rows["value"].notna(), "measure"])
    return next((m for m in (p.main_value_added, p.headline[0]) if m in published), None)


def disadvantaged_values(group_rows: pd.DataFrame, members: list[int], measure: str) -> pd.DataFrame:
    """An inclusion slide's rows: each member's published figure for its disadvantaged pupils on the measure
    (urn, va, ci_low, ci_high, n; blank where it has none), from group rows (urn, measure, grp, value, ...)."""
    mine = group_rows[(group_rows["measure"] == measure) & (group_rows["grp"] == INCLUSION_GROUP)]
    return pd.DataFrame({"urn": members}).merge(
        mine[["urn", "value", "ci_low", "ci_high", "n"]].rename(columns={"value": "va"}), on="urn", how="left")


def scores_with_intervals(va: pd.DataFrame, members: list[int], measure: str) -> pd.DataFrame:
    """A value-added slide's rows: each member's score on the measure with its CI and pupils (urn, va,
    ci_low, ci_high, n); one row a member, whatever other measures `va` holds."""
    return va.loc[(va["measure"] == measure) & va["urn"].isin(members), ["urn", "va", "ci_low", "ci_high", "n"]]


def club_funnel(va: pd.DataFrame, members: list[int], host: int, measure: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A funnel slide's points (urn, n, va: the members only) and limits (from every school's national SD)."""
    from .va_report import funnel_points

    points, limits = funnel_points(va, pd.DataFrame({"urn": members, "name": ""}), measure, host, members)
    return points.drop(columns=["name", "is_host"]), limits
