"""Every school's scores of a year: value added (official or contextual), attainment in context, the funnel,
pooled years, floor standards and schools of concern."""
from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarking import chart_dicts, charts
from benchmarking.attainment_context import LENS as ATTAINMENT_LENS
from benchmarking.attainment_context import MEASURES as IN_CONTEXT
from benchmarking.floor import PRESETS, floor_report, schools_of_concern
from benchmarking.phases import phase as phase_named
from benchmarking.progress_gaps import progress_years
from benchmarking.by_urn import RowsByUrn
from benchmarking.school_view import rank_in_club
from benchmarking.value_added import relative_to_group
from benchmarking.va_report import NoProgressMeasure, pool_rows, school_value_added_table

from ..format import plain
from .cache import SCHOOLS, YEARS, data_key, shared, store, urns_key
from .schools import names_by_urn, school_names, school_year_results

VA_COLUMNS = ["urn", "year", "measure", "expected", "actual", "va", "ci_low", "ci_high", "n", "band", "lens", "source"]


@shared(show_spinner="Working out value added...", max_entries=YEARS)
def _va_table(key: str, year: int, phase: str, lens: str) -> pd.DataFrame:
    try:
        return school_value_added_table(store(), year, phase, lens=lens)
    except NoProgressMeasure as exc:  # a year DfE published no progress measure for: an empty table that says why
        empty = pd.DataFrame(columns=VA_COLUMNS)
        empty.attrs["no_progress"] = str(exc)
        return empty


def va_table(year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    """Every school's value added for a year and phase; empty, with attrs["no_progress"] saying why, in a year
    DfE published no progress measure."""
    return _va_table(data_key(), year, phase, lens)


@shared(max_entries=YEARS)
def _va_rows(key: str, year: int, phase: str, lens: str) -> RowsByUrn:
    return RowsByUrn.of(va_table(year, phase, lens))


def school_va(urn: int, year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    """One school's rows of va_table: a slice, not a scan of every school's."""
    return _va_rows(data_key(), year, phase, lens).rows(urn)


@shared(max_entries=SCHOOLS)
def _school_value_added(key: str, urn: int, year: int, phase: str) -> pd.DataFrame:
    measures = phase_named(phase).value_added
    scored = {row["measure"]: row for row in _va_rows(key, year, phase, "official").records(urn)}
    if all(m in scored for m in measures):  # as for most schools: their scores, made from the records
        return pd.DataFrame([{c: v for c, v in scored[m].items() if c != "measure"} for m in measures], index=measures)
    scored = school_va(urn, year, phase).set_index("measure")
    published = school_year_results(urn, year).set_index("measure")
    return pd.DataFrame([scored.loc[m] if m in scored.index else published.loc[m].reindex(["n", "reason"]).rename(m)
                         for m in measures if m in scored.index or m in published.index])


def school_value_added(urn: int, year: int, phase: str) -> pd.DataFrame:
    """Every value-added measure of the phase the school has a row for, by measure: its score (school_va), or
    where it has none, the pupils and DfE's reason from its published results. Once per school, not on every view
    of My school. Shared: read it, never change it."""
    return _school_value_added(data_key(), urn, year, phase)


@shared(max_entries=SCHOOLS)
def _value_added_cards(key: str, urn: int, year: int, phase: str) -> list:
    from benchmarking.school_view import value_added_cards
    from benchmarking.steadier import steadier_sentence

    return value_added_cards(_school_value_added(key, urn, year, phase), lambda measure, digits: steadier_sentence(
        digits, *steadier_rows(urn, year, phase, measure)))


def value_added_cards(urn: int, year: int, phase: str) -> list:
    """My school's card for each value-added measure of school_value_added (school_view.value_added_cards), with
    its steadier estimates: worked out once per school, not on every view."""
    return _value_added_cards(data_key(), urn, year, phase)


def schools_va(urns, year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    """va_table's rows of the schools in `urns` (a club's members): slices, not a scan of every school's."""
    return _va_rows(data_key(), year, phase, lens).many(urns)


@shared(show_spinner="Working out steadier scores...", max_entries=YEARS)
def _steadier(key: str, year: int, phase: str, lens: str) -> RowsByUrn | None:
    from benchmarking.errors import BenchmarkingError
    from benchmarking.steadier import steadier_table

    try:
        return RowsByUrn.of(steadier_table(store(), year, phase, None, lens))
    except BenchmarkingError:  # a year without a progress measure
        return None


def steadier_rows(urn: int, year: int, phase: str, measure: str) -> tuple[dict | None, dict | None]:
    """The school's three-year and shrunken value added on one measure (None where there is none)."""
    from benchmarking.steadier import SHRUNKEN, THREE_YEAR

    found = []
    for lens in (THREE_YEAR, SHRUNKEN):
        rows = _steadier(data_key(), year, phase, lens)
        records = rows.records(urn) if rows is not None else []
        found.append(next((r for r in records if r["measure"] == measure), None))
    return found[0], found[1]


def in_context(year: int, phase: str) -> pd.DataFrame:
    """Every school's attainment in context (not a progress measure) for a year and phase."""
    return va_table(year, phase, ATTAINMENT_LENS)


@shared(max_entries=SCHOOLS)
def _in_context_cards(key: str, urn: int, year: int, phase: str) -> list:
    from benchmarking.school_view import in_context_cards

    return in_context_cards(_va_rows(key, year, phase, ATTAINMENT_LENS).records(urn), plain)


def in_context_cards(urn: int, year: int, phase: str) -> list:
    """My school's card for each of the school's measures in context (school_view.in_context_cards), in a year
    without a progress measure: worked out once per school, not on every view. Shared: read it, never change it."""
    return _in_context_cards(data_key(), urn, year, phase)


def measures_for(year: int, phase: str) -> tuple[tuple[str, ...], str | None]:
    """The measures that say how a school did this year: the phase's value-added measures, or in a year DfE
    published no progress measure its attainment measures in context; and why there is no progress measure."""
    gap = va_table(year, phase).attrs.get("no_progress")
    return (IN_CONTEXT[phase] if gap else phase_named(phase).value_added), gap


@shared(max_entries=YEARS)
def _scores_table(key: str, year: int, phase: str, measure: str, lens: str) -> pd.DataFrame:
    table = in_context(year, phase) if measure in IN_CONTEXT[phase] else va_table(year, phase, lens)
    return table[table["measure"] == measure]


def scores_table(year: int, phase: str, measure: str, lens: str = "official") -> pd.DataFrame:
    """Every school's score on `measure` this year: value added (official or contextual lens), or attainment in
    context for an attainment measure (same columns)."""
    return _scores_table(data_key(), year, phase, measure, lens)


@shared(max_entries=YEARS)
def _scores_rows(key: str, year: int, phase: str, measure: str, lens: str) -> RowsByUrn:
    return RowsByUrn.of(scores_table(year, phase, measure, lens))


@shared(max_entries=4 * SCHOOLS)
def _scores_of(key: str, year: int, phase: str, measure: str, urns: tuple[int, ...], lens: str) -> pd.DataFrame:
    return _scores_rows(key, year, phase, measure, lens).many(urns)


def scores_of(year: int, phase: str, measure: str, urns, lens: str = "official") -> pd.DataFrame:
    """scores_table's rows of the schools in `urns` (a school and its club), in URN order: slices, not a scan of
    every school's, taken once per set of schools (Value added takes four on every view). Shared: read it, never
    change it."""
    return _scores_of(data_key(), year, phase, measure, tuple(sorted({int(u) for u in urns})), lens)


def school_score(year: int, phase: str, measure: str, urn: int, lens: str = "official") -> dict | None:
    """The school's row of scores_table as a dict (None without one): a page reads a figure or two from it, which
    a row of a frame cost a tenth of a millisecond to make. Shared: read it, never change it."""
    records = _scores_rows(data_key(), year, phase, measure, lens).records(urn)
    return records[0] if records else None


@shared(max_entries=SCHOOLS)
def _club_standing(key: str, year: int, phase: str, measure: str, urn: int, club: tuple[int, ...]) -> tuple:
    scores = _scores_rows(key, year, phase, measure, "official").columns_of([urn, *club])  # arrays: no frame
    own = np.flatnonzero(scores["urn"] == urn)
    relative = None
    if club and len(own):
        in_club = np.isin(scores["urn"], np.asarray(club, dtype=scores["urn"].dtype))
        relative = relative_to_group(scores["va"][own[0]], scores["ci_low"][own[0]], scores["ci_high"][own[0]],
                                     {column: values[in_club] for column, values in scores.items()})
    return rank_in_club(urn, scores, list(club)), relative


def club_standing(year: int, phase: str, measure: str, urn: int, club: list[int]) -> tuple[tuple, dict | None]:
    """The school's rank on `measure` among itself and its club with the rank's 95% interval
    (school_view.rank_in_club), and its score against the club's mean (value_added.relative_to_group; None without
    a club or a score row): worked out once per school, not on every view. Shared: read it, never change it."""
    return _club_standing(data_key(), year, phase, measure, urn, urns_key(club))


@shared(max_entries=SCHOOLS)
def _club_dots(key: str, year: int, phase: str, measure: str, urn: int, club: tuple[int, ...]) -> pd.DataFrame:
    names = names_by_urn()["name"]
    dots = pd.concat([scores_of(year, phase, measure, [urn]), scores_of(year, phase, measure, club)])
    at = names.index.get_indexer(dots["urn"])  # as an inner join with the names, by look-up: rows keep their order
    dots = dots[at >= 0].reset_index(drop=True)
    dots["name"] = names.array.take(at[at >= 0])
    dots["is_host"] = dots["urn"] == urn
    return dots


def club_dots(year: int, phase: str, measure: str, urn: int, club: list[int]) -> pd.DataFrame:
    """The school's and its club's scores on `measure` with their names, the school marked (is_host): what the
    club's chart draws, joined once per school. Shared: read it, never change it."""
    return _club_dots(data_key(), year, phase, measure, urn, urns_key(club))


@shared(max_entries=YEARS)
def _kind_scores(key: str, year: int, phase: str, measure: str, mainstream: bool) -> pd.DataFrame:
    names = school_names()
    return scores_table(year, phase, measure).merge(
        names.loc[names["mainstream"] == mainstream, ["urn", "name", "la_code"]], on="urn")


def kind_scores(year: int, phase: str, measure: str, mainstream: bool) -> pd.DataFrame:
    """scores_table for mainstream schools only, or special schools only, with each school's name and LA:
    the schools a school is plotted among (selected once a year, not on every page view)."""
    return _kind_scores(data_key(), year, phase, measure, mainstream)


@shared(max_entries=YEARS)
def _kind_rows(key: str, year: int, phase: str, measure: str, mainstream: bool) -> RowsByUrn:
    return RowsByUrn.of(kind_scores(year, phase, measure, mainstream))


def kind_scores_of(year: int, phase: str, measure: str, mainstream: bool, urns) -> pd.DataFrame:
    """kind_scores' rows of the schools in `urns` (a school and its club): slices, not a scan of every school's."""
    return _kind_rows(data_key(), year, phase, measure, mainstream).many(urns)


def _marked_for_plotting(frame: pd.DataFrame, urn: int) -> tuple[pd.DataFrame, bool]:
    """Schools as expected against actual plots them (the school marked is_host, rows numbered from 0), and
    whether any has both an expected and an actual result to plot."""
    frame = frame.assign(is_host=frame["urn"] == urn).reset_index(drop=True)
    return frame, bool((frame["expected"].notna() & frame["actual"].notna()).any())


@shared(max_entries=SCHOOLS)
def _club_expected_actual(key: str, year: int, phase: str, measure: str, mainstream: bool, urn: int,
                          club: tuple[int, ...]) -> tuple[pd.DataFrame, bool]:
    return _marked_for_plotting(kind_scores_of(year, phase, measure, mainstream, [*club, urn]), urn)


def expected_actual(year: int, phase: str, measure: str, mainstream: bool, urn: int, club: list[int],
                    scope: str) -> tuple[pd.DataFrame, bool]:
    """The schools the expected-against-actual chart plots for `scope` ("club": the school and its club; "la": its
    LA's schools of its kind; "all": every school of its kind), the school marked is_host, and whether any has
    both an expected and an actual result. The club, the chart's default, once per school; shared: read it, never
    change it."""
    if scope == "club":
        return _club_expected_actual(data_key(), year, phase, measure, bool(mainstream), urn, urns_key(club))
    if scope not in ("la", "all"):
        raise ValueError(f"scope must be club, la or all, not {scope!r}")
    frame = kind_scores(year, phase, measure, mainstream)
    if scope == "la":
        own_la = kind_scores_of(year, phase, measure, mainstream, [urn])["la_code"]
        if len(own_la):
            frame = frame[frame["la_code"] == own_la.iloc[0]]
    return _marked_for_plotting(frame, urn)


@shared(max_entries=YEARS)
def _funnel(key: str, year: int, phase: str, measure: str, mainstream: bool):
    from benchmarking.va_report import funnel_points

    table, names = va_table(year, phase), school_names()
    same_kind = names.loc[names["mainstream"] == mainstream, "urn"]
    return funnel_points(table[table["urn"].isin(same_kind)], names, measure, host=None, centre_on_schools=not mainstream)


def funnel(urn: int, year: int, phase: str, measure: str, mainstream: bool,
           host_only: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The funnel plot of every school of the kind (mainstream or special) and its limits, with `urn` as
    the host: the points and limits are worked out once a year, the host marked per view. host_only: the host's
    point alone (where funnel_backdrop draws every school), not a copy of every school's marked."""
    points, limits = _funnel(data_key(), year, phase, measure, mainstream)
    if host_only:
        points = points[points["urn"].to_numpy() == urn]
    return points.assign(is_host=(points["urn"] == urn).to_numpy()), limits


@shared(max_entries=YEARS)
def _funnel_backdrop(key: str, year: int, phase: str, measure: str, mainstream: bool, colour: str) -> dict | None:
    points, _ = _funnel(key, year, phase, measure, mainstream)
    points = points.dropna(subset=["va", "n"])
    if len(points) <= charts.DENSITY_ABOVE:
        return None
    return chart_dicts.trace_as_sent(charts.schools_density(points["n"], points["va"], colour))


def funnel_backdrop(year: int, phase: str, measure: str, mainstream: bool, colour: str) -> dict | None:
    """The funnel's thousands of schools as one shaded trace, made once a year for every host (None for a pool
    small enough to draw school by school)."""
    return _funnel_backdrop(data_key(), year, phase, measure, mainstream, colour)


@shared(max_entries=YEARS)
def _pooled(key: str, phase: str, years: tuple[int, ...]) -> RowsByUrn:
    return RowsByUrn.of(pool_rows(pd.concat([va_table(y, phase) for y in years], ignore_index=True)))


_NOTHING_POOLED = pd.DataFrame()  # one empty frame, so that a table built from it is built once


@shared(max_entries=SCHOOLS)
def _school_pooled(key: str, urn: int, phase: str, years: tuple[int, ...]) -> pd.DataFrame:
    return _pooled(key, phase, years).rows(urn)


def pooled(urn: int, phase: str, years: list[int]) -> pd.DataFrame:
    """The school's value added pooled over `years`, skipping years without a progress measure: a slice of
    every school's, pooled once, sliced once per school. Shared: read it, never change it."""
    years = tuple(progress_years(phase_named(phase).key_stage, years))
    return _school_pooled(data_key(), urn, phase, years) if years else _NOTHING_POOLED


@shared(max_entries=YEARS)
def _floor(key: str, rule_name: str, year: int) -> pd.DataFrame:
    return floor_report(store(), PRESETS[rule_name], year)


def floor(rule_name: str, year: int) -> pd.DataFrame:
    return _floor(data_key(), rule_name, year)


@shared(max_entries=YEARS)
def _concern(key: str, year: int) -> pd.DataFrame:
    return schools_of_concern(store(), year)


def concern(year: int) -> pd.DataFrame:
    return _concern(data_key(), year)
