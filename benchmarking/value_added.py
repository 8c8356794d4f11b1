"""Value added at pupil and school level, the Progress 8 way: actual minus the national mean of
pupils with the same prior attainment, averaged over a school, with a 95% confidence interval.

Pure functions over arrays and DataFrames; nothing here reads the store.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Upper bounds of DfE's 34 KS2 prior-attainment groups (pupil's mean KS2 reading and maths scaled
# score): 59-82, 82.5-86, 86.5-87.5, 88-89, 89.5-90.5, 91-92, then one point wide from 92.5-93 up to 119.5-120.
KS4_PRIOR_GROUP_UPPER = np.array([82.0, 86.0, 87.5, 89.0, 90.5, 92.0] + [float(v) for v in range(93, 121)])

# DfE caps extreme negative pupil scores (since 2018) at this many standard deviations below their group's mean.
CAP_Z = -2.8948556948

Z95 = 1.959963984540054


def ks4_prior_group(ks2_scores) -> np.ndarray:
    """DfE's KS2 prior-attainment group (1-34) for each KS2 average scaled score; 0 where missing."""
    scores = np.asarray(ks2_scores, dtype=float)
    groups = np.searchsorted(KS4_PRIOR_GROUP_UPPER, scores, side="left") + 1
    return np.where(np.isnan(scores), 0, np.clip(groups, 1, len(KS4_PRIOR_GROUP_UPPER)))


def ks2_prior_group(ks1_aps) -> np.ndarray:
    """KS1 prior-attainment group for KS2 progress: one group per whole KS1 average point (3-21); 0 where missing."""
    aps = np.asarray(ks1_aps, dtype=float)
    groups = np.clip(np.floor(np.nan_to_num(aps, nan=0.0)), 3, 21).astype(int)
    return np.where(np.isnan(aps), 0, groups)


def national_estimates(groups, outcomes) -> pd.DataFrame:
    """Mean and standard deviation of the outcome in each prior-attainment group (group 0, no prior, left out)."""
    frame = pd.DataFrame({"group": np.asarray(groups), "outcome": np.asarray(outcomes, dtype=float)})
    frame = frame[(frame["group"] > 0) & frame["outcome"].notna()]
    table = frame.groupby("group")["outcome"].agg(estimate="mean", sd="std", n="count").reset_index()
    table["sd"] = table["sd"].fillna(0.0)
    return table


def pupil_scores(groups, outcomes, estimates: pd.DataFrame, scale: float = 1.0, cap: bool = False) -> pd.DataFrame:
    """Each pupil's expected outcome and value-added score = (actual - expected) / scale.

    With cap=True, a score more than 2.89 group standard deviations below its group's mean is raised
    to that point, as DfE has done for Progress 8 since 2018. Pupils without prior attainment or an
    outcome get no score (NaN) and count in no school's value added.
    """
    groups = np.asarray(groups)
    actual = np.asarray(outcomes, dtype=float)
    lookup = estimates.set_index("group")
    expected = lookup["estimate"].reindex(groups).to_numpy()
    score = (actual - expected) / scale
    if cap:
        group_sd = lookup["sd"].reindex(groups).to_numpy() / scale
        floor = CAP_Z * group_sd
        score = np.where(score < floor, floor, score)
    return pd.DataFrame({"expected": expected, "actual": actual, "score": score})


def school_value_added(keys: pd.DataFrame, scores: pd.DataFrame, national_sd: float,
                       z: float = Z95) -> pd.DataFrame:
    """Mean pupil score per school (or any grouping in `keys`), with CI = score ± z × national SD / √n."""
    frame = pd.concat([keys.reset_index(drop=True), scores.reset_index(drop=True)], axis=1)
    frame = frame[frame["score"].notna()]
    out = (frame.groupby(list(keys.columns))
           .agg(n=("score", "size"), expected=("expected", "mean"), actual=("actual", "mean"), va=("score", "mean"))
           .reset_index())
    half_width = z * national_sd / np.sqrt(out["n"])
    out["ci_low"] = out["va"] - half_width
    out["ci_high"] = out["va"] + half_width
    return out
