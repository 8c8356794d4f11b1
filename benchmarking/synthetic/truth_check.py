"""How well the scores recover the synthetic truth the demo was built from (the `truth` command): a check on the
statistics, kept with the synthetic data rather than inside the statistics it checks."""
from __future__ import annotations

import pandas as pd

from ..attainment_context import LENS, attainment_in_context, intake
from ..errors import BenchmarkingError
from ..store import Store
from ..va_report import school_value_added_table
from ..phases import PHASES

# The synthetic truth each score estimates: its measure's school effect, on the score's own scale.
TRUTH = {"ks4_att8": ("ks4_p8", 10.0), "ks2_read_average": ("ks2_read_progress", 1.0),
         "ks2_mat_average": ("ks2_mat_progress", 1.0)}


def synthetic_truth(store: Store) -> pd.DataFrame:
    """The demo's known truth (urn, year, measure, true_va, true_school_effect), or a clear error elsewhere."""
    truth = store.query("SELECT urn, year, measure, true_va, true_school_effect FROM synthetic_truth")
    if truth.empty:
        raise BenchmarkingError("The store holds no synthetic truth: this check runs on the demo store only.")
    return truth


def recovery(store: Store, years: list[int]) -> pd.DataFrame:
    """On the synthetic store, how well each score recovers the truth, year by year: its correlation with
    schools' true own effects, and with and how often its 95% CI covers what the score estimates. Official
    value added estimates the school's true value added; attainment in context, the school's own effect
    relative to schools with a similar intake (the true effect less the part the intake predicts: a school's
    effectiveness that goes with its intake cannot be told apart from the intake)."""
    import statsmodels.api as sm

    truth = synthetic_truth(store)
    rows = []
    for year in years:
        for phase in PHASES:
            try:
                official = school_value_added_table(store, year, phase)
            except BenchmarkingError:
                official = pd.DataFrame(columns=["measure"])
            for measure, part in official.groupby("measure"):
                known = part.merge(truth, on=["urn", "year", "measure"]).dropna(subset=["va"])
                rows.append(_recovery_row(year, measure, "official", "true value added", known["va"],
                                          known["true_school_effect"], known["true_va"], known))
            context = attainment_in_context(store, year, phase)
            frame, used = intake(store, year, phase)
            for measure, part in context.groupby("measure"):
                if measure not in TRUTH:
                    continue
                of, scale = TRUTH[measure]
                known = part.merge(truth[truth["measure"] == of].drop(columns="measure"), on=["urn", "year"])
                known = known.merge(frame[["urn", *used]], on="urn").dropna(subset=["va", *used])
                own = known["true_school_effect"] * scale
                relative = sm.OLS(own.to_numpy(), sm.add_constant(known[used].to_numpy(dtype=float))).fit().resid
                rows.append(_recovery_row(year, measure, LENS, "own effect relative to a similar intake", known["va"],
                                          own, pd.Series(relative, index=known.index), known))
    return pd.DataFrame(rows)


def _recovery_row(year: int, measure: str, lens: str, estimand: str, score: pd.Series, own: pd.Series,
                  target: pd.Series, known: pd.DataFrame) -> dict:
    covered = (known["ci_low"] <= target) & (target <= known["ci_high"])
    return {"year": year, "measure": measure, "lens": lens, "schools": len(known),
            "correlation_with_own_effect": float(score.corr(own)), "estimand": estimand,
            "correlation_with_estimand": float(score.corr(target)), "ci_coverage": float(covered.mean())}


SMALL_COHORT = 60  # pupils: where one year's score is noisiest


def shrinkage(store: Store, years: list[int]) -> pd.DataFrame:
    """On the synthetic store, whether the shrunken score is closer to each school's true value added than the
    one-year score: the root mean square error of both, for cohorts under SMALL_COHORT pupils and for all, and
    how often the shrunken 95% interval covers the truth (year, phase, measure, cohorts, schools, rmse_one_year,
    rmse_shrunken, coverage_shrunken)."""
    from ..steadier import shrunken_table

    truth = synthetic_truth(store)
    rows = []
    for year in years:
        for phase in PHASES:
            try:
                table = shrunken_table(store, year, phase)
            except BenchmarkingError:  # a year without the phase's progress measure
                continue
            known = table.merge(truth, on=["urn", "year", "measure"]).dropna(subset=["va", "one_year"])
            for (measure, cohorts), part in pd.concat([known.assign(cohorts=f"under {SMALL_COHORT}")[known["n"] < SMALL_COHORT],
                                                      known.assign(cohorts="all")]).groupby(["measure", "cohorts"]):
                covered = (part["ci_low"] <= part["true_va"]) & (part["true_va"] <= part["ci_high"])
                rows.append({"year": year, "phase": phase, "measure": measure, "cohorts": cohorts,
                             "schools": len(part), "rmse_one_year": _rmse(part["one_year"], part["true_va"]),
                             "rmse_shrunken": _rmse(part["va"], part["true_va"]),
                             "coverage_shrunken": float(covered.mean())})
    return pd.DataFrame(rows)


def _rmse(estimate: pd.Series, truth: pd.Series) -> float:
    return float(((estimate - truth) ** 2).mean() ** 0.5)
