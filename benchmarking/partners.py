"""School-to-school support: among a school's similar schools, those whose value added is significantly higher."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .similarity import SimilarGroup
from .store import Store
from .errors import BenchmarkingError
from .phases import phase
from .value_added import SUBJECTS, Z95, standard_error



def significantly_higher(school: pd.Series, others: pd.DataFrame, z: float = Z95) -> pd.DataFrame:
    """Schools whose value added beats `school`'s by more than chance: the difference over its standard
    error sqrt(se1² + se2²) exceeds z. Standard errors come from each 95% CI; rows without one are dropped."""
    own_se = standard_error(school["ci_low"], school["ci_high"])
    frame = others.dropna(subset=["value", "ci_low", "ci_high"]).copy()
    frame["difference"] = frame["value"] - school["value"]
    frame["z"] = frame["difference"] / np.sqrt(standard_error(frame["ci_low"], frame["ci_high"]) ** 2 + own_se ** 2)
    return frame[frame["z"] > z].sort_values(["difference", "urn"], ascending=[False, True]).reset_index(drop=True)


def partner_candidates(store: Store, group: SimilarGroup, measure: str | None = None) -> pd.DataFrame:
    """The group's schools with significantly higher value added than the group's school, best first,
    with their distance. Empty when the school's own value added is missing or suppressed."""
    measure = measure or phase(group.phase).main_value_added
    if measure not in SUBJECTS:
        raise BenchmarkingError(f"Partners are found on value added: the measure must be one of "
                                f"{', '.join(SUBJECTS)}, not {measure!r}.")
    urns = [group.urn] + group.neighbours["urn"].astype(int).tolist()
    results = store.query_file("results_for_schools", [group.year, measure, urns]).set_index("urn")
    if group.urn not in results.index or pd.isna(results.loc[group.urn, "value"]):
        return pd.DataFrame(columns=["urn", "name", "la_name", "distance", "value", "ci_low", "ci_high", "n",
                                     "difference", "z"])
    others = group.neighbours[["urn", "name", "la_name", "distance"]].merge(
        results.drop(index=group.urn), left_on="urn", right_index=True)
    better = significantly_higher(results.loc[group.urn], others)
    return better[["urn", "name", "la_name", "distance", "value", "ci_low", "ci_high", "n", "difference", "z"]]
