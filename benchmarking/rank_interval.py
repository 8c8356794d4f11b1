"""How sure a rank is: the 95% interval of a school's rank among its similar schools, by simulation from every
member's score and its standard error (Goldstein and Spiegelhalter 1996). A rank of 2nd among 21 whose
intervals overlap may plausibly be anywhere from 1st to 9th; the interval says so."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .measures import MEASURES_BY_CODE
from .numbers import number, ordinal
from .value_added import floats, recover_national_sd, standard_error

RANK_NOTE = ("Each rank is followed by its 95% interval: where the school could plausibly rank, given the "
             "chance in every school's score (simulated from their confidence intervals or cohort sizes).")
DRAWS = 4000  # simulated rankings: the interval's ends move by at most one place between seeds
SEED = 20260101  # fixed, so a page, the brief and the command line show the same interval
CACHED_SIZES = 64  # clubs of up to this many schools reuse their draws (64 x 1 MB at most)
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
    return standard_error(floats(rows["ci_low"]), floats(rows["ci_high"]))


def national_pupil_sd(measure: str, national: dict[str, pd.DataFrame], spreads: dict[str, float] | None = None) -> float:
    """The within-school pupil SD of an average, from national rows (`national`: each measure's rows for every
    state-funded mainstream school that year). An average with a progress counterpart (Measure.spread_of) takes the
    SD behind the counterpart's published CIs, on its own scale: the same pupils' scores, less what their prior
    attainment predicts, which is what varies among schools with a similar intake; in a year the counterpart was not
    published (Progress 8 in 2025), its SD in the nearest year that has it (`spreads`: year_spreads). A measure with
    a spread of its own in `spreads` (overall absence: absence_pupil_sd) takes it. Any other average: the
    between-school regression of squared distances from the median on 1 / cohort (within_variance_from_residuals).
    NaN where none of these can be told (too few schools, or no sign of sampling noise among them)."""
    spec = MEASURES_BY_CODE.get(measure)
    spreads = spreads or {}
    counterpart, scale = (spec.spread_of, spec.spread_scale) if spec is not None else (None, 1.0)
    if counterpart in national:
        rows = national[counterpart][["ci_low", "ci_high", "n"]].apply(pd.to_numeric, errors="coerce").dropna()
        rows = rows[rows["n"] > 0]
        if len(rows):  # none in a year the counterpart was not published (Progress 8 in 2025)
            return scale * recover_national_sd(rows["ci_low"], rows["ci_high"], rows["n"])
    if counterpart in spreads:
        return scale * spreads[counterpart]
    if measure in spreads:
        return spreads[measure]
    frame = national.get(measure, pd.DataFrame(columns=["value", "n"]))[["value", "n"]]
    frame = frame.apply(pd.to_numeric, errors="coerce").dropna()
    frame = frame[frame["n"] > 0]
    if len(frame) < MIN_SCHOOLS:
        return np.nan
    return float(np.sqrt(within_variance_from_residuals(frame["value"] - frame["value"].median(), frame["n"],
                                                        clear_only=True)))


def within_variance_from_residuals(residuals, n, clear_only: bool = False) -> float:
    """The within-school pupil variance implied by schools' residuals alone: a residual's variance is
    tau² + sigma² / n (between schools, plus sampling), so regressing squared residuals on 1 / n gives sigma².
    A slope that is not positive gives a floor of 1e-6; with `clear_only`, NaN unless the slope is clearly
    positive (its 95% interval above 0), as a rank's interval needs: schools that show no sampling noise to
    measure are no evidence that there is none (a zero would make every rank look certain)."""
    import statsmodels.api as sm

    e2, inverse = np.asarray(residuals, dtype=float) ** 2, 1.0 / np.asarray(n, dtype=float)
    fit = sm.OLS(e2, sm.add_constant(inverse)).fit()
    if clear_only:
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(fit.params[1]) if fit.conf_int()[1][0] > 0 else np.nan
    return float(max(fit.params[1], 1e-6))


def nearest_year_spreads(intervals: pd.DataFrame, year: int) -> dict[str, float]:
    """Each progress measure's national pupil SD (recover_national_sd) in `year`, or where the store has none
    that year, in the nearest year it has (the earlier of two as near). intervals: year, measure, ci_low,
    ci_high, n, every school's published interval (sql/progress_intervals_every_year)."""
    spreads = {}
    for measure, rows in intervals.groupby("measure", sort=False):
        nearest = min(rows["year"].unique(), key=lambda held: (abs(held - year), held))
        chosen = rows[rows["year"] == nearest]
        spreads[measure] = recover_national_sd(chosen["ci_low"], chosen["ci_high"], chosen["n"])
    return spreads


def absence_pupil_sd(overall: float, persistent: float) -> float:
    """How widely pupils' own absence rates spread (their SD, in percentage points), from England's overall
    absence and the share of its pupils persistently absent (10% or more of sessions missed): pupils' rates taken
    as a Beta distribution with that mean, of the least concentration that puts that share at 10% or more
    (absence is skewed: most pupils miss little, a few miss much; the least concentration errs wide). England
    2023-24 (6.9%, 18%): about 15 points. NaN without both figures."""
    from scipy.special import betainc

    mean, share = overall / 100, persistent / 100
    if not (0 < mean < 1 and 0 < share < 1):
        return np.nan
    concentration = np.logspace(-1.5, 3, 600)
    above = 1 - betainc(mean * concentration, (1 - mean) * concentration, PERSISTENT_THRESHOLD)
    reached = np.flatnonzero(above >= share)
    chosen = concentration[reached[0] if len(reached) else int(np.argmax(above))]
    return float(100 * np.sqrt(mean * (1 - mean) / (chosen + 1)))


PERSISTENT_THRESHOLD = 0.10  # DfE: a pupil missing 10% or more of their possible sessions is persistently absent


def rank_intervals(values, errors, higher_is_better: bool, draws: int = DRAWS,
                   seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every school's rank among `values` (1 is best; ties share the better rank) and its 95% interval (best,
    worst), simulating each score as its value plus normal noise of its standard error. A school without a value
    has no rank (0); one whose error is not known has its rank but no interval (0, 0), and is taken as exact in
    the others' draws. Each interval holds the observed rank."""
    values = np.asarray(values, dtype=float)
    given = np.broadcast_to(np.asarray(errors, dtype=float), values.shape)
    unknown, errors = np.isnan(given), np.nan_to_num(given)
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
    lows[unknown], highs[unknown] = 0, 0
    return ranks, lows, highs


def _simulated(value: np.ndarray, error: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """`draws` rows of every score plus normal noise of its standard error (the same draws for the same seed)."""
    drawn = np.multiply(error[None, :], _noise(draws, value.size, seed).T, order="C")
    drawn += value[None, :]  # in place: a second array of a megabyte cost a page view more than the sums
    return drawn


def _simulated_by_school(value: np.ndarray, error: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """_simulated's draws with a row per school: comparing every school with one, draw by draw, is then a pass
    over whole rows (twice as fast as over a row per draw). In single precision, as the noise is held: half the
    memory to pass over, and a draw's order changes only where two schools' draws are within a millionth."""
    drawn = error.astype(np.float32)[:, None] * _noise(draws, value.size, seed)
    drawn += value.astype(np.float32)[:, None]
    return drawn


def _noise(draws: int, size: int, seed: int) -> np.ndarray:
    """Standard normal draws, a row per school (size, draws), drawn as (draws, size) from the seed and held in
    single precision: the same for the same seed, so a club's size is drawn once."""
    if size > CACHED_SIZES:
        return np.random.default_rng(seed).standard_normal((draws, size)).T.astype(np.float32)
    return _cached_noise(draws, size, seed)


@lru_cache(maxsize=CACHED_SIZES)
def _cached_noise(draws: int, size: int, seed: int) -> np.ndarray:
    noise = np.ascontiguousarray(np.random.default_rng(seed).standard_normal((draws, size)).T, dtype=np.float32)
    noise.flags.writeable = False
    return noise


@lru_cache(maxsize=8)
def _order_positions(draws: int) -> tuple[int, int]:
    """Where the 2.5% and 97.5% quantiles fall among `draws` sorted draws, by numpy's inverted-CDF rule."""
    low, high = np.quantile(np.arange(draws), [0.025, 0.975], method="inverted_cdf")
    return int(low), int(high)


def _interval_of_ranks(drawn: np.ndarray) -> tuple[int, int]:
    """The 2.5% and 97.5% quantiles (inverted CDF, as np.quantile's) of a school's ranks in every draw, from how
    often each rank came: no sort of the draws."""
    reached = np.cumsum(np.bincount(drawn))
    low, high = _order_positions(drawn.size)
    return int(np.searchsorted(reached, low + 1)), int(np.searchsorted(reached, high + 1))


def _count_down_columns(above: np.ndarray) -> np.ndarray:
    """How many rows are True in each column: counted in bytes where a club's rows fit one (a bool sum casts every
    value to 64 bits first, which took half of the count's time)."""
    if len(above) < 256:
        return np.add.reduce(above.view(np.uint8), axis=0, dtype=np.uint8).astype(np.int64)
    return above.sum(axis=0)


def rank_interval(value: float, error: float, others, others_errors, higher_is_better: bool) -> tuple[int | None, int | None]:
    """The 95% interval (best, worst) of one school's rank among `others` (rank_intervals); others without a
    value are left out, as in the rank, and others whose error is not known are taken as exact. (None, None)
    without a value or without the school's own error (no interval can be told)."""
    if value is None or np.isnan(value) or error is None or np.isnan(error):
        return None, None
    others = np.asarray(others, dtype=float)
    others_errors = np.broadcast_to(np.asarray(others_errors, dtype=float), others.shape)
    keep = ~np.isnan(others)
    sign = 1.0 if higher_is_better else -1.0
    values = sign * np.r_[value, others[keep]]
    simulated = _simulated_by_school(values, np.nan_to_num(np.r_[error, others_errors[keep]]), DRAWS, SEED)
    # The school comes first, so in rank_intervals' stable order it ranks above those level with it: its rank
    # in a draw is one more than the schools above it, with no sort of every draw.
    drawn = _count_down_columns(simulated[1:] > simulated[0]) + 1
    observed = int((values[1:] > values[0]).sum()) + 1
    low, high = _interval_of_ranks(drawn)
    return min(low, observed), max(high, observed)


def rank_words(rank: int, ranked: int, low: int | None = None, high: int | None = None, among: str = "") -> str:
    """A rank as a head reads it: "2nd of 21 similar schools, could be anywhere from 1st to 6th" (`among`:
    "similar schools"), or "... and 1st whatever the chance in the scores" where the interval is the rank alone."""
    said = f"{ordinal(rank)} of {ranked}" + (f" {among}" if among else "")
    if not interval_known(low, high):
        return f"{said} ({UNKNOWN_INTERVAL})"
    if low == high:
        return f"{said}, {ordinal(rank)} whatever the chance in the scores"
    return f"{said}, could be anywhere from {ordinal(int(low))} to {ordinal(int(high))}"


def rank_cell(rank, ranked: int, low, high) -> str:
    """A rank for a table: "2 of 21 (1–6)", the rank's 95% interval in brackets; a dash without a rank."""
    if rank is None or pd.isna(rank):
        return "–"
    span = f"{int(low)}–{int(high)}" if interval_known(low, high) else UNKNOWN_INTERVAL
    return f"{int(rank)} of {int(ranked)} ({span})"


UNKNOWN_INTERVAL = "interval not known"  # no standard error for the figure: its rank is shown, never as certain


def interval_known(low, high) -> bool:
    """Whether a rank's interval was told (rank_interval gives None, rank_intervals 0, where it cannot be)."""
    return not (low is None or high is None or pd.isna(low) or pd.isna(high) or low == 0)


def percentile_cell(value, low, high) -> str:
    """A percentile for a table: "62 (48–75)", its 95% interval in brackets; a dash without one."""
    if value is None or pd.isna(value):
        return "–"
    span = "" if low is None or pd.isna(low) else f" ({number(low, 0)}–{number(high, 0)})"
    return f"{number(value, 0)}{span}"
