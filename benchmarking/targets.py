"""Targets with a range of challenge: the outcomes a school would need to match its similar schools'
median, upper-quartile and top-10% value added (like FFT's 50/20/5 estimates), and targets it records."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import pupil_views
from .access import ADMIN, NotAllowed, Viewer
from .errors import BenchmarkingError
from .phases import phase
from .similarity import DEFAULT_K, similar_schools
from .store import Store
from .progress_gaps import no_progress_reason, no_result_reason
from .va_report import SUBJECTS, NoProgressMeasure, pupil_value_added

LEVELS = {"median": 0.5, "upper quartile": 0.75, "top 10%": 0.9}


def challenge_levels(group_values, higher_is_better: bool = True) -> dict[str, float]:
    """The group's median, upper quartile and top 10% (the 90th percentile, or the 10th where lower is better)."""
    values = np.asarray(group_values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        raise BenchmarkingError("None of the similar schools has a result to set targets from.")
    found = np.quantile(values, [q if higher_is_better else 1 - q for q in LEVELS.values()])  # linear, as pandas
    return {level: float(v) for level, v in zip(LEVELS, found)}


def headline_target_levels(values: dict[str, pd.Series], club: list[int], measures) -> pd.DataFrame:
    """For each headline measure the club has results on, the levels a head can pick as a target: the club's
    median, upper quartile and top 10%. values: each measure's results by URN (school_view.values_by_measure)."""
    from .measures import MEASURES_BY_CODE
    from .by_urn import at_urns

    rows = []
    for measure in measures:
        if measure not in values:
            continue
        found = at_urns(values[measure], club)
        found = found[~np.isnan(found)]
        if not len(found):
            continue
        levels = challenge_levels(found, bool(MEASURES_BY_CODE[measure].higher_is_better))
        rows += [{"measure": measure, "level": level, "target": value, "schools": len(found)}
                 for level, value in levels.items()]
    return pd.DataFrame(rows, columns=["measure", "level", "target", "schools"])


def settable(levels: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    """The target levels that can be recorded for `year` (headline_target_levels' rows), and why the others
    cannot: a measure DfE publishes no result for that year (Progress 8 in 2025, anything in 2020)."""
    reasons = {measure: no_result_reason(measure, year) for measure in levels["measure"].unique()}
    if not any(reasons.values()):  # as in most years: every level can be recorded
        return levels, []
    return levels[levels["measure"].map(reasons).isna()], list(dict.fromkeys(r for r in reasons.values() if r))


def pupil_targets(expected, levels: dict[str, float], scale: float) -> pd.DataFrame:
    """Each pupil's target outcome at each level: expected + scale × the level's value added."""
    expected = np.asarray(expected, dtype=float)
    return pd.DataFrame({level: expected + scale * va for level, va in levels.items()})


def targets_for(store: Store, urn: int, year: int | None = None, k: int = DEFAULT_K, measure: str | None = None,
                viewer: Viewer = ADMIN) -> dict:
    """A school's targets: the levels of challenge from its similar schools and, where the store has the
    school's pupils and the viewer may see them (more than 5), the cohort-average outcome each needs and
    each pupil's target; otherwise `pupils_note` says why there are none."""
    group = similar_schools(store, urn, year, k=k)
    measure = measure or phase(group.phase).main_value_added
    subject = SUBJECTS[measure]
    gap = no_progress_reason(subject.key_stage, group.year)
    if gap:
        raise NoProgressMeasure(gap)
    urns = group.neighbours["urn"].astype(int).tolist() + [urn]
    results = store.query_file("results_for_schools", [group.year, measure, urns]).set_index("urn")
    levels = challenge_levels(results.reindex(group.neighbours["urn"])["value"])
    current = results["value"].get(urn, np.nan)
    out = {"urn": urn, "year": group.year, "measure": measure, "current_va": None if pd.isna(current) else float(current),
           "levels": levels, "pupils": None, "cohort": None, "pupils_note": "The store has no pupils of this school."}
    has_pupils = bool(store.query_file("school_has_pupils", [urn, group.year, subject.key_stage])["found"][0])
    if has_pupils:
        scores = pupil_value_added(store, group.year, measure).for_school(urn)
        scores = scores[scores["expected"].notna()]
        per_pupil = pupil_targets(scores["expected"], levels, subject.scale)
        try:
            out["pupils"] = pupil_views.pupil_targets(viewer, pupil_views.school(store, urn), scores, per_pupil)
        except (NotAllowed, pupil_views.Suppressed) as exc:
            out["pupils_note"] = str(exc)
            return out
        out["pupils_note"] = None
        out["cohort"] = {"expected": float(scores["expected"].mean()), "actual": float(scores["actual"].mean()),
                         **{level: float(per_pupil[level].mean()) for level in levels}}
    return out


def record_target(store: Store, urn: int, year: int, measure: str, level: str, target: float, note: str = "",
                  viewer: Viewer = ADMIN) -> None:
    """Record a target a school has set itself (replacing one at the same level), in a store being written.
    Only a viewer who may act for the school may record it (NotAllowed otherwise)."""
    found = store.query_file("school_label", [urn])
    if found.empty:
        raise BenchmarkingError(f"URN {urn} is not in the store.")
    la_code = found["la_code"][0]
    if not viewer.may_act_for(urn, None if pd.isna(la_code) else int(la_code)):
        raise NotAllowed(f"Only the school's own users, its LA's advisers and admins can record targets for {found['name'][0]}.")
    if not found["is_open"][0]:
        raise BenchmarkingError(f"{found['name'][0]} has closed: it cannot be given targets.")
    if reason := no_result_reason(measure, year):
        raise BenchmarkingError(f"{reason} No target can be recorded for it.")
    store.upsert("targets", pd.DataFrame({"urn": [urn], "year": [year], "measure": [measure], "level": [level],
                                          "target": [float(target)], "note": [note]}))


TARGET_COLUMNS = ["year", "measure", "level", "target", "achieved", "ci_low", "ci_high", "n", "gap", "note", "set_at"]


def progress_against_targets(store: Store, urn: int) -> pd.DataFrame:
    """Each recorded target beside the value added achieved that year, and the gap (achieved − target):
    TARGET_COLUMNS."""
    return store.query_file("targets_against_results", [urn])


def headline_targets(store: Store, urn: int, year: int | None = None, k: int = DEFAULT_K) -> pd.DataFrame:
    """The levels My school offers as targets on each headline measure (from the school's similar schools that
    year), for years without a progress measure: measure, level, target, schools."""
    from .school_view import year_values

    group = similar_schools(store, urn, year, k=k)
    values = year_values(store, group.year, every_school=True)  # the club's: special schools' too
    table = headline_target_levels(values, group.neighbours["urn"].astype(int).tolist(), phase(group.phase).headline)
    table.attrs["year"] = group.year
    return table
