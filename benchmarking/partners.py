"""School-to-school support: among a school's similar schools, those whose value added is significantly higher."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from .similarity import SimilarGroup
from .store import Store
from .errors import BenchmarkingError
from .phases import phase
from .value_added import SUBJECTS, standard_error



ALPHA = 0.025  # one-sided: the chance of calling a school better when it is not, across the whole group


def holm(p_values, alpha: float = ALPHA) -> np.ndarray:
    """Holm's step-down test: which of m hypotheses to reject so that the chance of any false rejection stays
    under alpha. The k-th smallest p-value is compared with alpha / (m - k + 1), stopping at the first that
    fails. The same decisions as statsmodels' multipletests(method="holm") (tested), without its 40 ms a call:
    the LA overview runs it once for every school."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    passed = p[order] <= alpha / (len(p) - np.arange(len(p)))
    rejected = np.zeros(len(p), dtype=bool)
    rejected[order[:len(p) if passed.all() else int(np.argmin(passed))]] = True
    return rejected


def significantly_higher(school: pd.Series, others: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Schools whose value added beats `school`'s by more than chance. Each difference over its standard
    error √(se1² + se2²) gives a one-sided p-value; as the school is tested against every other school at
    once, Holm's correction keeps the chance of naming any partner that is not really better under `alpha`.
    Standard errors come from each 95% CI; rows without one are dropped."""
    own_se = standard_error(school["ci_low"], school["ci_high"])
    value, low, high = (pd.to_numeric(others[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                        for c in ("value", "ci_low", "ci_high"))
    scored = ~(np.isnan(value) | np.isnan(low) | np.isnan(high))
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = value - float(school["value"])
        z = difference / np.sqrt(standard_error(low, high) ** 2 + own_se ** 2)
    p_value = np.full(len(others), np.nan)
    p_value[scored] = norm.sf(z[scored])
    chosen = np.zeros(len(others), dtype=bool)
    chosen[np.flatnonzero(scored)[holm(p_value[scored], alpha)]] = True
    frame = others[chosen].assign(difference=difference[chosen], z=z[chosen], p_value=p_value[chosen])
    return frame.sort_values(["difference", "urn"], ascending=[False, True]).reset_index(drop=True)


PARTNER_COLUMNS = ["urn", "name", "la_name", "distance", "value", "ci_low", "ci_high", "n", "difference", "z", "p_value"]


def partners_among(group: SimilarGroup, scores: pd.DataFrame) -> pd.DataFrame:
    """The group's schools whose score (`scores`: urn, value, ci_low, ci_high, n) is significantly higher than
    the group's school's, best first, with their distance. Empty when the school's own score is missing."""
    by_urn = scores.set_index("urn")
    own = by_urn.index.get_indexer([group.urn])[0]
    if own < 0 or pd.isna(by_urn["value"].iloc[own]):
        return pd.DataFrame(columns=PARTNER_COLUMNS)
    neighbours = group.neighbours[["urn", "name", "la_name", "distance"]]
    at = by_urn.index.get_indexer(neighbours["urn"].to_numpy(dtype=by_urn.index.dtype))
    others = neighbours[at >= 0].reset_index(drop=True)  # the neighbours with a score, nearest first
    others = others.assign(**{column: by_urn[column].array.take(at[at >= 0]) for column in by_urn.columns})
    return significantly_higher(by_urn.iloc[own], others)[PARTNER_COLUMNS]


def partner_candidates(store: Store, group: SimilarGroup, measure: str | None = None,
                       results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The group's schools with significantly higher value added than the group's school (partners_among).
    results: the measure's results of every school that year, where the caller holds them (the dashboard
    reads them once a year); otherwise the group's are read from the store."""
    measure = measure or phase(group.phase).main_value_added
    if measure not in SUBJECTS:
        raise BenchmarkingError(f"Partners are found on value added: the measure must be one of "
                                f"{', '.join(SUBJECTS)}, not {measure!r}.")
    urns = [group.urn] + group.neighbours["urn"].astype(int).tolist()
    if results is None:
        return partners_among(group, store.query_file("results_for_schools", [group.year, measure, urns]))
    return partners_among(group, results[results["urn"].isin(urns)])


def partners_this_year(store: Store, group: SimilarGroup, in_context: pd.DataFrame | None = None,
                       results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Partners on value added (`results`: as partner_candidates) or, in a year without a progress measure,
    on the main attainment measure in context (`in_context`: that measure's scores, va with its CI and n)."""
    if in_context is None:
        return partner_candidates(store, group, results=results)
    return partners_among(group, in_context.rename(columns={"va": "value"})[["urn", "value", "ci_low", "ci_high", "n"]])
