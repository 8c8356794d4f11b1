"""An adviser's view of an LA: every school against its own club, pairings, and the most similar LAs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .partners import significantly_higher
from .similarity import DEFAULT_K, FEATURES, SimilarityIndex
from .value_added import relative_to_group


def schools_against_clubs(index: SimilarityIndex, va: pd.DataFrame, la_code: int, k: int = DEFAULT_K) -> pd.DataFrame:
    """Each school of the LA (in the index's pool) that has a club: its score, its club's mean, the difference
    with a CI, and its best partner (the similar school with the most significantly higher score), if any.

    va: urn, va, ci_low, ci_high, n, band (one measure and year).
    """
    scores = va.set_index("urn")
    rows = []
    for urn in index.frame.loc[index.frame["la_code"] == la_code, "urn"].astype(int):
        if urn in index.excluded or urn not in scores.index:
            continue
        try:
            group = index.neighbours(urn, k)
        except BenchmarkingError:  # a girls' or selective school with none of its kind in the pool: no club
            continue
        members = scores.reindex(group.neighbours["urn"]).reset_index()
        own = scores.loc[urn]
        relative = relative_to_group(own["va"], own["ci_low"], own["ci_high"], members)
        candidates = group.neighbours[["urn", "name", "la_name"]].merge(
            members.rename(columns={"va": "value"}), on="urn")
        better = significantly_higher(own.rename({"va": "value"}), candidates)
        best = better.iloc[0] if len(better) else None
        rows.append({"urn": urn, "va": own["va"], "ci_low": own["ci_low"], "ci_high": own["ci_high"], "n": own["n"],
                     "band": own.get("band"), "club_mean": relative["group_mean"],
                     "difference": relative["difference"], "difference_ci_low": relative["ci_low"],
                     "difference_ci_high": relative["ci_high"],
                     "partner_urn": None if best is None else int(best["urn"]),
                     "partner_name": None if best is None else best["name"],
                     "partner_la": None if best is None else best["la_name"],
                     "partner_va": np.nan if best is None else best["value"]})
    return pd.DataFrame(rows).sort_values("difference").reset_index(drop=True) if rows else pd.DataFrame()


ABOVE, BELOW, SAME, NO_SCORE = ("significantly above", "significantly below", "not significantly different",
                                 "no score")
# The LA overview's choices of which schools to show, and what each shows.
AGAINST_CLUB_FILTERS = {"All": (ABOVE, BELOW, SAME, NO_SCORE), "Significantly different": (ABOVE, BELOW),
                        "Significantly below": (BELOW,), "Significantly above": (ABOVE,)}
MANY_SCHOOLS = 60  # more than this in an LA, and the overview opens on those that differ from their club


def against_club(ci_low: pd.Series, ci_high: pd.Series) -> pd.Series:
    """Each school against its club, from the 95% CI on the difference: above when the whole interval is above 0,
    below when it is all below, else not significantly different (no score without an interval)."""
    return pd.Series(np.select([ci_low > 0, ci_high < 0, ci_low.notna() & ci_high.notna()], [ABOVE, BELOW, SAME],
                               NO_SCORE), index=ci_low.index)


def pairings(rows: pd.DataFrame) -> pd.DataFrame:
    """Suggested school-to-school pairings: the schools of `schools_against_clubs` whose score is
    significantly below their club's (the whole CI on the difference below 0) and that have a partner."""
    if rows.empty:
        return rows
    return rows[(rows["difference_ci_high"] < 0) & rows["partner_urn"].notna()].reset_index(drop=True)


def similar_las(features: pd.DataFrame, va: pd.DataFrame, la_code: int, k: int = 5) -> pd.DataFrame:
    """The LA beside the k LAs whose schools' average context is most like its own (standardised
    Euclidean distance over LA means), each with its pupil-weighted mean score."""
    frame = features.merge(va[["urn", "va", "n"]], on="urn", how="left")
    frame["weighted"] = frame["va"] * frame["n"]
    means = frame.groupby(["la_code", "la_name"]).agg(
        schools=("urn", "size"), **{f: (f, "mean") for f in FEATURES},
        weighted=("weighted", "sum"), pupils=("n", "sum")).reset_index()
    means["mean_va"] = means["weighted"] / means["pupils"].replace(0, np.nan)
    z = (means[list(FEATURES)] - means[list(FEATURES)].mean()) / means[list(FEATURES)].std().replace(0, 1)
    own = z[means["la_code"] == la_code]
    if own.empty:
        return pd.DataFrame()
    means["distance"] = np.sqrt(((z - own.iloc[0]) ** 2).sum(axis=1))
    chosen = means.sort_values(["distance", "la_code"]).head(k + 1)
    return chosen.drop(columns=["weighted"]).reset_index(drop=True)
