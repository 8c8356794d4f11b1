"""How sure a rank is: the 95% interval of a school's rank among its similar schools, by simulation from every
member's score and its standard error (Goldstein and Spiegelhalter 1996). A rank of 2nd among 21 whose
intervals overlap may plausibly be anywhere from 1st to 9th; the interval says so."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .measures import MEASURES_BY_CODE
from .numbers import number, ordinal
from .value_added import Z95, recover_national_sd

RANK_NOTE = ("Each rank is followed by its 95% interval: where the school could plausibly rank, given the "
             "chance in every school's score (simulated from their confidence intervals or cohort sizes).")
DRAWS = 4000  # simulated rankings: the interval's ends move by at most one place between seeds
SEED = 20260101  # fixed, so a page, the brief and the command line show the same interval
CACHED_SIZES = 64  # clubs of up to this many schools reuse their draws (64 x 2 MB at most)
MIN_SCHOOLS = 30  # fewer schools cannot support the regression


def standard_errors(measure: str, rows: pd.DataFrame, pupil_sd: float = np.nan) -> pd.Series:
    """Each row's standard error (rows: value, ci_low, ci_high, n; indexed by URN): from its 95% CI where one
    is published; for a percentage of pupils, binomial from the cohort (Agresti-Coull); for an average, `pupil_sd` (the
    within-school pupil SD, national_pupil_sd) over the square root of the cohort. Missing where none is known."""
    value, n = (pd.to_numeric(rows[c], errors="coerce").astype(float) for c in ("value", "n"))
    from_ci = pd.Series(error_from_interval(rows), index=rows.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        if getattr(MEASURES_BY_CODE.get(measure), "pupil_share", False):  # Agresti-Coull: 2 more pupils in, 2 out
            p = ((value / 100).clip(0, 1) * n + 2) / (n + 4)
            sampling = 100 * np.sqrt(p * (1 - p) / (n + 4))
        else:
            sampling = pupil_sd / np.sqrt(n)
    return from_ci.astype(float).fillna(sampling.where(n > 0))


def error_from_interval(rows: pd.DataFrame) -> np.ndarray:
    """Standard errors from 95% confidence intervals (rows: ci_low, ci_high): half the width over 1.96."""
    low, high = (pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=float) for c in ("ci_low", "ci_high"))
    return (high - low) / (2 * Z95)


def national_pupil_sd(measure: str, national: dict[str, pd.DataFrame]) -> float:
    """The within-school pupil SD of an average, from national rows (`national`: each measure's rows for every
    state-funded mainstream school that year). An average with a progress counterpart (Measure.spread_of) takes the
    SD behind the counterpart's published CIs, on its own scale: the same pupils' scores, less what their prior
    attainment predicts, which is what varies among schools with a similar intake. Any other average: the between-school regression of squared distances from
    the median on 1 / cohort (within_variance_from_residuals), which errs wide. NaN with too few schools."""
    spec = MEASURES_BY_CODE.get(measure)
    counterpart, scale = (spec.spread_of, spec.spread_scale) if spec is not None else (None, 1.0)
    if counterpart in national:
        rows = national[counterpart][["ci_low", "ci_high", "n"]].apply(pd.to_numeric, errors="coerce").dropna()
        rows = rows[rows["n"] > 0]
        if len(rows):  # none in a year the counterpart was not published (Progress 8 in 2025)
            return scale * recover_national_sd(rows["ci_low"], rows["ci_high"], rows["n"])
    frame = national.get(measure, pd.DataFrame(columns=["value", "n"]))[["value", "n"]]
    frame = frame.apply(pd.to_numeric, errors="coerce").dropna()
    frame = frame[frame["n"] > 0]
    if len(frame) < MIN_SCHOOLS:
        return np.nan
    return float(np.sqrt(within_variance_from_residuals(frame["value"] - frame["value"].median(), frame["n"])))


def within_variance_from_residuals(residuals, n) -> float:
    """The within-school pupil variance implied by schools' residuals alone: a residual's variance is
    tau² + sigma² / n (between schools, plus sampling), so regressing squared residuals on 1 / n gives sigma²."""
    import statsmodels.api as sm

    e2, inverse = np.asarray(residuals, dtype=float) ** 2, 1.0 / np.asarray(n, dtype=float)
    fit = sm.OLS(e2, sm.add_constant(inverse)).fit()
    return float(max(fit.params[1], 1e-6))


def rank_intervals(values, errors, higher_is_better: bool, draws: int = DRAWS,
                   seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every school's rank among `values` (1 is best; ties share the better rank) and its 95% interval (best,
    worst), simulating each score as its value plus normal noise of its standard error (a missing error taken
    as exact). A school without a value has no rank (0). Each interval holds the observed rank."""
    values = np.asarray(values, dtype=float)
    errors = np.nan_to_num(np.broadcast_to(np.asarray(errors, dtype=float), values.shape))
    ranks, lows, highs = (np.zeros(values.shape, dtype=int) for _ in range(3))
    scored = ~np.isnan(values)
    if not scored.any():
        return ranks, lows, highs
    sign = 1.0 if higher_is_better else -1.0
    value, error = sign * values[scored], errors[scored]
    observed = (value[None, :] > value[:, None]).sum(axis=1) + 1
    simulated = _simulated(value, error, draws, seed)
    drawn = (-simulated).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable") + 1  # 1 = highest that draw
    low, high = np.quantile(drawn, [0.025, 0.975], axis=0, method="inverted_cdf")
    ranks[scored], lows[scored], highs[scored] = observed, np.minimum(low, observed), np.maximum(high, observed)
    return ranks, lows, highs


def _simulated(value: np.ndarray, error: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """`draws` rows of every score plus normal noise of its standard error (the same draws for the same seed)."""
    return value[None, :] + error[None, :] * _noise(draws, value.size, seed)


def _noise(draws: int, size: int, seed: int) -> np.ndarray:
    """Standard normal draws, (draws, size): the same for the same seed, so a club's size is drawn once."""
    if size > CACHED_SIZES:
        return np.random.default_rng(seed).standard_normal((draws, size))
    return _cached_noise(draws, size, seed)


@lru_cache(maxsize=CACHED_SIZES)
def _cached_noise(draws: int, size: int, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal((draws, size))
    noise.flags.writeable = False
    return noise


def rank_interval(value: float, error: float, others, others_errors, higher_is_better: bool) -> tuple[int | None, int | None]:
    """The 95% interval (best, worst) of one school's rank among `others` (rank_intervals); others without a
    value are left out, as in the rank. (None, None) without a value."""
    if value is None or np.isnan(value):
        return None, None
    others = np.asarray(others, dtype=float)
    others_errors = np.broadcast_to(np.asarray(others_errors, dtype=float), others.shape)
    keep = ~np.isnan(others)
    sign = 1.0 if higher_is_better else -1.0
    values = sign * np.r_[value, others[keep]]
    simulated = _simulated(values, np.nan_to_num(np.r_[error, others_errors[keep]]), DRAWS, SEED)
    # The school comes first, so in rank_intervals' stable order it ranks above those level with it: its rank
    # in a draw is one more than the schools above it, with no sort of every draw.
    drawn = (simulated[:, 1:] > simulated[:, :1]).sum(axis=1) + 1
    observed = int((values[1:] > values[0]).sum()) + 1
    low, high = np.quantile(drawn, [0.025, 0.975], method="inverted_cdf")
    return int(min(low, observed)), int(max(high, observed))


def rank_words(rank: int, ranked: int, low: int | None = None, high: int | None = None, among: str = "") -> str:
    """A rank as a head reads it: "2nd of 21 similar schools, could be anywhere from 1st to 6th" (`among`:
    "similar schools"), or "... and 1st whatever the chance in the scores" where the interval is the rank alone."""
    said = f"{ordinal(rank)} of {ranked}" + (f" {among}" if among else "")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return said
    if low == high:
        return f"{said}, {ordinal(rank)} whatever the chance in the scores"
    return f"{said}, could be anywhere from {ordinal(int(low))} to {ordinal(int(high))}"


def rank_cell(rank, ranked: int, low, high) -> str:
    """A rank for a table: "2 of 21 (1–6)", the rank's 95% interval in brackets; a dash without a rank."""
    if rank is None or pd.isna(rank):
        return "–"
    span = "" if low is None or pd.isna(low) else f" ({int(low)}–{int(high)})"
    return f"{int(rank)} of {int(ranked)}{span}"


def percentile_cell(value, low, high) -> str:
    """A percentile for a table: "62 (48–75)", its 95% interval in brackets; a dash without one."""
    if value is None or pd.isna(value):
        return "–"
    span = "" if low is None or pd.isna(low) else f" ({number(low, 0)}–{number(high, 0)})"
    return f"{number(value, 0)}{span}"
