"""What a school's pages show, as tables: its headline results ranked in its club and nationally, its
trend, and the directory to find it. Pure functions over the store's tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .phases import phase as phase_named
from .store import Store



def school_directory(store: Store) -> pd.DataFrame:
    """urn, name, la_code, la_name, phase, years, and a label to search by: "Name (URN, LA)"."""
    frame = store.query_file("school_directory")
    frame["label"] = frame["name"] + " (" + frame["urn"].astype(str) + ", " + frame["la_name"] + ")"
    return frame


def default_school(directory: pd.DataFrame) -> int:
    """The school to open with: the first secondary with value added, else any school with it, else any."""
    for candidates in (directory[(directory["phase"] == "secondary") & directory["has_value_added"]],
                       directory[directory["has_value_added"]], directory):
        if len(candidates):
            return int(candidates["urn"].min())
    raise ValueError("the directory is empty")


def rank_in_group(values: pd.Series, urn: int, higher_is_better: bool) -> tuple[int | None, int]:
    """The school's rank among values (indexed by URN; 1 is best; ties share the better rank) and how many were ranked."""
    values = values.dropna()
    if urn not in values.index:
        return None, len(values)
    ranks = values.rank(ascending=not higher_is_better, method="min")
    return int(ranks[urn]), len(values)


def national_percentile(values: pd.Series, value: float, higher_is_better: bool) -> float | None:
    """The share of schools (0-100) the value does better than, or as well as."""
    values = values.dropna()
    if np.isnan(value) or values.empty:
        return None
    beaten = (values <= value) if higher_is_better else (values >= value)
    return float(100 * beaten.mean())


def headline_results(year_results: pd.DataFrame, urn: int, club: list[int], phase: str) -> pd.DataFrame:
    """The school's headline measures: value, CI and pupils where published, rank in its club (the school
    and its similar schools) and national percentile among schools with the measure."""
    rows = []
    for measure in phase_named(phase).headline:
        data = year_results[year_results["measure"] == measure].set_index("urn")
        if data.empty:
            continue
        better = bool(data["higher_is_better"].iloc[0])
        own = data.loc[urn] if urn in data.index else None
        value = float(own["value"]) if own is not None and pd.notna(own["value"]) else np.nan
        # Without a club there is nothing to rank against: no rank, rather than "1 of 1".
        rank, ranked = rank_in_group(data["value"].reindex([urn] + list(club)), urn, better) if club else (None, 0)
        rows.append({
            "measure": measure, "label": data["label"].iloc[0], "value": value,
            "ci_low": own["ci_low"] if own is not None else np.nan, "ci_high": own["ci_high"] if own is not None else np.nan,
            "n": own["n"] if own is not None else pd.NA, "reason": own["reason"] if own is not None else "not in the store",
            "club_rank": rank, "club_size": ranked,
            "club_median": float(data["value"].reindex(club).median()) if club else np.nan,
            "national_percentile": national_percentile(data["value"], value, better),
        })
    return pd.DataFrame(rows)


def school_trend(store: Store, urn: int, measure: str) -> pd.DataFrame:
    return store.query_file("school_trend", [urn, measure])


def group_trend(store: Store, urns: list[int], measure: str) -> pd.DataFrame:
    """A group's mean score per year (year, mean_va, schools), over the schools with a score that year."""
    frame = store.query_file("group_results_by_year", [measure, list(urns)])
    return (frame.groupby("year").agg(mean_va=("value", "mean"), schools=("value", "size")).reset_index()
            .sort_values("year").reset_index(drop=True))
