"""Whether similar-school groups are tighter than the schools' own LAs: the check behind the methodology's
claim that a club compares a school with schools more like it than its neighbours down the road."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .similarity import SimilarityIndex


def group_tightness(index: SimilarityIndex, groups: pd.DataFrame) -> pd.DataFrame:
    """For each school, whether its group is tighter than its own LA on each feature, and the share of
    its neighbours from other LAs.

    Spread is the mean absolute difference from the school's own value, over the group's members or
    over the other schools of its LA in the same pool. A school with fewer than 2 other schools in its
    LA cannot be compared (comparable is False).
    """
    frame = index.frame.set_index("urn")
    values = frame[index.used]
    complete = values.notna().all(axis=1)
    groups = groups[groups["urn"].isin(values.index)]
    own = values.loc[groups["urn"]].to_numpy()
    member = values.loc[groups["neighbour"]].to_numpy()
    group_spread = pd.DataFrame(np.abs(member - own), columns=index.used).groupby(groups["urn"].to_numpy()).mean()
    # Spread within each LA: mean absolute difference to the LA's other complete schools.
    la_rows = []
    for _, members in frame[complete].groupby("la_code"):
        block = members[index.used].to_numpy()
        diffs = np.abs(block[:, None, :] - block[None, :, :]).sum(axis=1)
        others = len(block) - 1
        la_rows.append(pd.DataFrame(diffs / max(others, 1), index=members.index, columns=index.used).assign(_others=others))
    la_spread = pd.concat(la_rows).reindex(group_spread.index)
    comparable = la_spread["_others"].fillna(0) >= 2
    tighter = group_spread < la_spread[index.used]
    la_of = frame["la_code"]
    other_la = (la_of.loc[groups["neighbour"]].to_numpy() != la_of.loc[groups["urn"]].to_numpy())
    out = pd.DataFrame({"urn": group_spread.index, "comparable": comparable.to_numpy(),
                        "tighter_on_every_feature": tighter.all(axis=1).to_numpy()})
    for f in index.used:
        out[f"tighter_{f}"] = tighter[f].to_numpy()
    out["other_la_share"] = pd.Series(other_la).groupby(groups["urn"].to_numpy()).mean().reindex(group_spread.index).to_numpy()
    return out
