"""Summaries of schools' context and results, to compare the synthetic store with the real DfE files."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .store import Store

PROFILE_COLUMNS = ("pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp", "pupils_on_roll", "att8", "p8")


def secondary_profile(store: Store, year: int) -> pd.DataFrame:
    """State-funded mainstream secondaries with Progress 8 in `year`, with their census context."""
    return store.query_file("secondary_profile", [year])


def profile_statistics(profile: pd.DataFrame) -> dict[str, float]:
    """Means, spreads, medians and the correlations that matter for benchmarking, over complete rows."""
    frame = profile[list(PROFILE_COLUMNS)].dropna().astype(float)
    frame["log_roll"] = np.log(frame["pupils_on_roll"])
    stats: dict[str, float] = {"schools": float(len(frame))}
    for column in PROFILE_COLUMNS:
        stats[f"{column}_mean"] = frame[column].mean()
        stats[f"{column}_sd"] = frame[column].std()
        stats[f"{column}_median"] = frame[column].median()
    for a, b in (("pct_disadvantaged", "att8"), ("pct_disadvantaged", "p8"), ("pct_eal", "p8"),
                 ("pct_sen_support", "att8"), ("pct_disadvantaged", "pct_eal"), ("pct_disadvantaged", "pct_sen_support"),
                 ("log_roll", "att8"), ("att8", "p8")):
        stats[f"corr_{a}_{b}"] = frame[a].corr(frame[b])
    return stats
