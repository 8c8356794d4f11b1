"""DfE's five bands of a progress score (well above .. well below average) and where "well" begins: a score's
band needs its whole 95% interval on one side of 0, and for "well" also a score beyond the year's cut-off."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BAND_LABELS = {1: "well above average", 2: "above average", 3: "average", 4: "below average", 5: "well below average"}


@dataclass(frozen=True)
class Cutoffs:
    """Where DfE's "well above" and "well below" bands begin, on scores as published (rounded to `digits`):
    well above is a score of `above` or more, well below a score of `below` or less, each with its whole
    95% CI on that side of 0."""
    above: float
    below: float
    digits: int
    source: str


# Progress 8: well above is +0.5 or more; well below is strictly below -0.5, that is -0.51 or less at 2 dp.
P8_CUTOFFS = Cutoffs(0.5, -0.51, 2, "DfE's Progress 8 bands: +0.5 or more, below -0.5")


def bands(va, ci_low, ci_high, cutoffs: Cutoffs | None = P8_CUTOFFS) -> pd.Series:
    """DfE's five bands (1 well above .. 5 well below), <NA> where there is no score.

    Above: the whole 95% CI is above 0; well above: also a score at or beyond `cutoffs.above`. Below and
    well below mirror them. Without cut-offs (a year DfE's are not known for) no school is "well" anything:
    bands 1 and 5 become 2 and 4.
    """
    va, low, high = (pd.Series(np.asarray(x, dtype=float)) for x in (va, ci_low, ci_high))
    score = va.round(cutoffs.digits) if cutoffs else va
    well_above = score >= cutoffs.above if cutoffs else pd.Series(False, index=va.index)
    well_below = score <= cutoffs.below if cutoffs else pd.Series(False, index=va.index)
    codes = np.select([(low > 0) & well_above, low > 0, (high < 0) & well_below, high < 0], [1, 2, 5, 4], 3)
    return pd.Series(codes, dtype="Int64").where(va.notna() & low.notna() & high.notna())


def decile_cutoffs(va, digits: int, source: str) -> Cutoffs:
    """The scores of the top and bottom 10% of schools, as DfE sets its KS2 cut-offs: only ever from a
    whole country's schools (a synthetic England's, here), never from whatever subset a store holds."""
    values = pd.Series(np.asarray(va, dtype=float)).dropna()
    return Cutoffs(round(float(values.quantile(0.9)), digits), round(float(values.quantile(0.1)), digits), digits, source)
