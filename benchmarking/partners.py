"""School-to-school support: among a school's similar schools, those whose value added is significantly higher."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .similarity import SimilarGroup
from .store import Store
from .errors import BenchmarkingError
from .phases import phase
from .value_added import SUBJECTS, floats, standard_error



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


def _beating(own_value: float, own_se: float, value, low, high, alpha: float) -> tuple[np.ndarray, ...]:
    """Which values beat `own_value` by more than chance (Holm over those with a value and CI), with each
    difference, z and one-sided p-value (NaN where a school has no score)."""
    value, low, high = (np.asarray(a, dtype=float) for a in (value, low, high))
    scored = ~(np.isnan(value) | np.isnan(low) | np.isnan(high))
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = value - own_value
        z = difference / np.sqrt(standard_error(low, high) ** 2 + own_se ** 2)
    p_value = np.full(len(value), np.nan)
    p_value[scored] = ndtr(-z[scored])  # the normal's upper tail: norm.sf without its overhead
    chosen = np.zeros(len(value), dtype=bool)
    chosen[np.flatnonzero(scored)[holm(p_value[scored], alpha)]] = True
    return chosen, difference, z, p_value


def significantly_higher(school: pd.Series, others: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Schools whose value added beats `school`'s by more than chance. Each difference over its standard
    error √(se1² + se2²) gives a one-sided p-value; as the school is tested against every other school at
    once, Holm's correction keeps the chance of naming any partner that is not really better under `alpha`.
    Standard errors come from each 95% CI; rows without one are dropped."""
    own_se = standard_error(school["ci_low"], school["ci_high"])
    chosen, difference, z, p_value = _beating(float(school["value"]), own_se, *(floats(others[c]) for c in
                                                                                 ("value", "ci_low", "ci_high")), alpha)
    frame = others[chosen].assign(difference=difference[chosen], z=z[chosen], p_value=p_value[chosen])
    return frame.sort_values(["difference", "urn"], ascending=[False, True]).reset_index(drop=True)


PARTNER_COLUMNS = ["urn", "name", "la_name", "distance", "value", "ci_low", "ci_high", "n", "difference", "z", "p_value"]
_NO_PARTNERS = pd.DataFrame(columns=PARTNER_COLUMNS)


def no_partners() -> pd.DataFrame:
    """An empty frame of partners' columns (most schools have no partner): a copy of one made once, a tenth of
    the cost of a new one."""
    return _NO_PARTNERS.copy()


def partners_among(group: SimilarGroup, scores: pd.DataFrame, alpha: float = ALPHA, score: str = "value") -> pd.DataFrame:
    """The group's schools whose score (`scores`: urn, the `score` column, ci_low, ci_high, n) is significantly
    higher than the group's school's (as significantly_higher), best first, with their distance and the score as
    "value". Empty when the school's own score is missing. Worked on the club's arrays, one frame built at the end:
    a page asks for every school."""
    position = {int(u): i for i, u in enumerate(scores["urn"].to_numpy())}
    value, low, high = (floats(scores[c]) for c in (score, "ci_low", "ci_high"))
    own = position.get(int(group.urn))
    if own is None or np.isnan(value[own]):
        return no_partners()
    neighbours = group.neighbours
    at = np.array([position.get(int(u), -1) for u in neighbours["urn"].to_numpy()], dtype=np.intp)
    with_score = np.flatnonzero(at >= 0)  # the neighbours with a score, nearest first
    at = at[with_score]
    chosen, difference, z, p_value = _beating(value[own], standard_error(low[own], high[own]),
                                              value[at], low[at], high[at], alpha)
    if not chosen.any():  # as for most schools: no frame of no rows to build column by column
        return no_partners()
    rows, at = with_score[chosen], at[chosen]
    urns = neighbours["urn"].to_numpy()[rows]
    order = np.lexsort((urns, -difference[chosen]))  # the largest difference first; then by URN
    columns = {c: neighbours[c].array.take(rows[order]) for c in ("urn", "name", "la_name", "distance")}
    columns |= {c: scores[score if c == "value" else c].array.take(at[order]) for c in ("value", "ci_low", "ci_high", "n")}
    columns |= {"difference": difference[chosen][order], "z": z[chosen][order], "p_value": p_value[chosen][order]}
    return pd.DataFrame(columns)  # PARTNER_COLUMNS, in order: no copy to reorder them


def partner_candidates(store: Store, group: SimilarGroup, measure: str | None = None,
                       results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The group's schools with significantly higher value added than the group's school (partners_among).
    results: the measure's results of the group's schools (and perhaps others), where the caller holds them (the
    dashboard holds each club's); otherwise they are read from the store."""
    measure = measure or phase(group.phase).main_value_added
    if measure not in SUBJECTS:
        raise BenchmarkingError(f"Partners are found on value added: the measure must be one of "
                                f"{', '.join(SUBJECTS)}, not {measure!r}.")
    if results is None:
        urns = [group.urn] + group.neighbours["urn"].astype(int).tolist()
        results = store.query_file("results_for_schools", [group.year, measure, urns])
    return partners_among(group, results)  # rows of other schools are never looked at


def partners_this_year(store: Store, group: SimilarGroup, in_context: pd.DataFrame | None = None,
                       results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Partners on value added (`results`: as partner_candidates) or, in a year without a progress measure,
    on the main attainment measure in context (`in_context`: that measure's scores, va with its CI and n)."""
    if in_context is None:
        return partner_candidates(store, group, results=results)
    return partners_among(group, in_context, score="va")  # read where they are: no renamed copy of the rows
