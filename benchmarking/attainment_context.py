"""Attainment in context: a school's results against what schools with its intake achieved in the same year,
for every year, and above all the years DfE published no progress measure (2025 and 2026 at KS4, 2024 and
2025 at KS2). It is not a progress measure, and is always labelled so.

Intake is disadvantage, EAL, SEN support, EHC plans, area deprivation where the store has it, and the prior
attainment of the school's most recent earlier cohort where the store has it (never the cohort's own: in the
years that matter there is none). The model is an ordinary least-squares regression across mainstream
schools, fitted with statsmodels. A school's score is its result minus the model's expected result, and its
95% interval allows for both the model's own uncertainty (the standard error of that school's prediction)
and sampling (the pupils of one year are a sample: the within-school pupil variance over the cohort).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .measures import MEASURES_BY_CODE
from .phases import PHASES, phase as phase_named
from .similarity import earlier_prior, load_features
from .store import Store, sql_text
from .rank_interval import within_variance_from_residuals
from .value_added import Z95, school_table, suppress_small

LENS = "attainment-in-context"
CAVEAT = ("Attainment in context is not a progress measure. It sets the school's results against what schools "
          "with a similar intake (disadvantage, EAL, SEN, area and earlier cohorts' prior attainment) achieved "
          "in the same year; its interval allows for the model's own uncertainty as well as for sampling.")
MEASURES = {name: p.in_context for name, p in PHASES.items()}
SHARES = {"ks4_basics_94", "ks2_rwm_expected"}  # percentages of pupils: sampling is binomial
PUPIL_OUTCOME = {"ks4_att8": "attainment8", "ks2_read_average": "ks2_read", "ks2_mat_average": "ks2_mat"}
INTAKE = ("pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp", "area_deprivation", "earlier_prior")
INTAKE_LABELS = {"pct_disadvantaged": "% disadvantaged", "pct_eal": "% EAL", "pct_sen_support": "% SEN support",
                 "pct_ehcp": "% EHC plan", "area_deprivation": "area deprivation",
                 "earlier_prior": "earlier cohorts' prior attainment"}
MIN_COVERAGE = 0.5  # an intake feature most schools lack is left out of the model, not imputed
MIN_SCHOOLS = 30  # fewer schools than this cannot support the model


def intake_used(frame: pd.DataFrame) -> list[str]:
    """The intake features most schools have (the rest are left out, and the source says which are used)."""
    return [f for f in INTAKE if f in frame and frame[f].notna().mean() >= MIN_COVERAGE]


def in_context(frame: pd.DataFrame, features: list[str], share: bool = False,
               within_variance: float | None = None, z: float = Z95) -> pd.DataFrame:
    """Expected result, score (actual - expected) and 95% CI for every school with an outcome (column
    `actual`), a cohort (`n`) and every feature; NaN for the others.

    The CI is score ± z × √(se_model² + sigma² / n): se_model is the standard error of the school's predicted
    result (statsmodels), sigma² the within-school pupil variance: p(1 - p) for a percentage of pupils,
    else `within_variance` (from the store's pupils) or, without pupils, estimated from the residuals.
    """
    import statsmodels.api as sm

    out = pd.DataFrame(index=frame.index, columns=["expected", "va", "ci_low", "ci_high", "se_model", "se_sampling"],
                       dtype=float)
    usable = frame[["actual", "n", *features]].notna().all(axis=1) & (frame["n"] > 0)
    if usable.sum() < MIN_SCHOOLS:
        return out
    rows = frame[usable]
    X = sm.add_constant(rows[features].to_numpy(dtype=float), has_constant="add")
    fit = sm.OLS(rows["actual"].to_numpy(dtype=float), X).fit()
    prediction = fit.get_prediction(X)
    expected, se_model = prediction.predicted_mean, prediction.se_mean
    n = rows["n"].to_numpy(dtype=float)
    if share:
        p = np.clip(expected / 100, 0.01, 0.99)
        variance = p * (1 - p) * 100 ** 2
    else:
        variance = within_variance if within_variance is not None else within_variance_from_residuals(fit.resid, n)
    se_sampling = np.sqrt(variance / n)
    va = rows["actual"].to_numpy(dtype=float) - expected
    half = z * np.sqrt(se_model ** 2 + se_sampling ** 2)
    out.loc[usable, :] = np.column_stack([expected, va, va - half, va + half, se_model, se_sampling])
    return out


def _pupil_variance(store: Store, year: int, key_stage: str, measure: str) -> float | None:
    outcome = PUPIL_OUTCOME.get(measure)
    if outcome is None:
        return None
    found = store.query(sql_text("within_school_variance").replace("{outcome}", outcome), [year, key_stage])
    value = found["variance"].iloc[0] if len(found) else None
    return None if value is None or pd.isna(value) else float(value)


def intake(store: Store, year: int, phase: str) -> tuple[pd.DataFrame, list[str]]:
    """Every mainstream school's intake for a year (features of similar schools, with the earlier cohort's
    prior attainment in place of the cohort's own), and the features the model uses."""
    features = load_features(store, year, phase, mainstream=True)
    if features.empty:
        raise BenchmarkingError(f"The store has no {phase} schools with results for {year}.")
    earlier, _ = earlier_prior(store, year, phase)
    frame = features.drop(columns=["prior_attainment"]).merge(earlier, on="urn", how="left")
    return frame, intake_used(frame)


def attainment_in_context(store: Store, year: int, phase: str = "secondary", urn: int | None = None) -> pd.DataFrame:
    """Every mainstream school's attainment in context for a year and phase: one row per school and
    attainment measure (urn, year, measure, expected, actual, va, ci_low, ci_high, n, band, lens, source), as
    value_added tables have; band is always empty, as this is not a progress measure."""
    spec = phase_named(phase)
    frame, used = intake(store, year, phase)
    results = store.query_file("year_results_for_measures", [year, list(MEASURES[phase])])
    parts = []
    for measure in MEASURES[phase]:
        rows = frame.merge(results[results["measure"] == measure].rename(columns={"value": "actual"}), on="urn")
        if rows["actual"].notna().sum() < MIN_SCHOOLS:
            continue
        scored = in_context(rows, used, share=measure in SHARES,
                            within_variance=_pupil_variance(store, year, spec.key_stage, measure))
        label = MEASURES_BY_CODE[measure].label
        part = pd.concat([rows[["urn", "actual", "n"]], scored], axis=1).assign(
            year=year, measure=measure, band=pd.NA, lens=LENS,
            source=f"not a progress measure: {label} against schools with a similar intake in {year} "
                   f"({', '.join(INTAKE_LABELS[f] for f in used)}; statsmodels OLS over {int(scored['va'].notna().sum()):,} schools)")
        parts.append(part)
    if not parts:
        raise BenchmarkingError(f"Too few {phase} schools with results and intake in {year} for attainment in context.")
    table = pd.concat(parts, ignore_index=True)
    table["n"] = table["n"].astype("Int64")
    table = suppress_small(table, ["expected", "actual", "va", "ci_low", "ci_high"])
    return school_table(table, urn, "attainment in context", year)
