"""School-level figures worked out from the fictional pupils exactly as DfE works them out."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..value_added import ks2_prior_group, ks4_prior_group, national_estimates, pupil_scores, school_value_added, suppress_small
from .pupils import KS2_SUBJECTS

# -- school-level figures from pupils -------------------------------------------------------------

def _result_rows(frame: pd.DataFrame, measure: str, value: str, n: str = "n",
                 ci: tuple[str, str] | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"urn": frame["urn"], "year": frame["year"], "measure": measure,
                        "value": frame[value], "n": frame[n]})
    out["ci_low"] = frame[ci[0]] if ci else np.nan
    out["ci_high"] = frame[ci[1]] if ci else np.nan
    return suppress_small(out, ["value", "ci_low", "ci_high"])


def ks4_school_results(pupils: pd.DataFrame) -> pd.DataFrame:
    """Attainment 8, Progress 8 (estimates from the store's own pupils, capped; none for a cohort without
    KS2 results) and English and maths passes."""
    keys = pupils[["urn", "year"]]
    progress = []
    if pupils["prior_attainment"].notna().any():
        groups = ks4_prior_group(pupils["prior_attainment"])
        estimates = national_estimates(groups, pupils["attainment8"])
        scores = pupil_scores(groups, pupils["attainment8"], estimates, scale=10.0, cap=True)
        va = school_value_added(keys, scores, float(np.nanstd(scores["score"], ddof=1)))
        progress.append(_result_rows(va, "ks4_p8", "va", ci=("ci_low", "ci_high")))
    passes = pupils.assign(b94=(pupils["english_grade"] >= 4) & (pupils["maths_grade"] >= 4),
                           b95=(pupils["english_grade"] >= 5) & (pupils["maths_grade"] >= 5))
    summary = passes.groupby(["urn", "year"]).agg(
        n=("attainment8", "size"), att8=("attainment8", "mean"), b94=("b94", "mean"), b95=("b95", "mean")).reset_index()
    summary[["b94", "b95"]] *= 100
    return pd.concat([
        _result_rows(summary, "ks4_att8", "att8"),
        _result_rows(summary, "ks4_basics_94", "b94"),
        _result_rows(summary, "ks4_basics_95", "b95"),
        *progress,
    ], ignore_index=True)


def ks2_school_results(pupils: pd.DataFrame) -> pd.DataFrame:
    """Reading, writing and maths progress (from KS1 groups), average scores and % at the expected standard."""
    groups = ks2_prior_group(pupils["prior_attainment"])
    keys = pupils[["urn", "year"]]
    frames = []
    for column, measure, _ in KS2_SUBJECTS if pupils["prior_attainment"].notna().any() else ():
        estimates = national_estimates(groups, pupils[column])
        scores = pupil_scores(groups, pupils[column], estimates)
        va = school_value_added(keys, scores, float(np.nanstd(scores["score"], ddof=1)))
        frames.append(_result_rows(va, measure, "va", ci=("ci_low", "ci_high")))
    flags = pupils.assign(rwm=(pupils[["ks2_read", "ks2_writ", "ks2_mat"]] >= 100).all(axis=1),
                          rwm_high=(pupils[["ks2_read", "ks2_writ", "ks2_mat"]] >= 110).all(axis=1))
    summary = flags.groupby(["urn", "year"]).agg(
        n=("rwm", "size"), rwm=("rwm", "mean"), rwm_high=("rwm_high", "mean"),
        read=("ks2_read", "mean"), mat=("ks2_mat", "mean")).reset_index()
    summary[["rwm", "rwm_high"]] *= 100
    frames += [_result_rows(summary, "ks2_rwm_expected", "rwm"), _result_rows(summary, "ks2_rwm_higher", "rwm_high"),
               _result_rows(summary, "ks2_read_average", "read"), _result_rows(summary, "ks2_mat_average", "mat")]
    return pd.concat(frames, ignore_index=True)


def cohort_context(pupils: pd.DataFrame, key_stage: str) -> pd.DataFrame:
    """Cohort size, prior attainment and % disadvantaged / EAL / SEN of each school's cohort, in long form."""
    prefix = key_stage.lower()
    flags = pupils.assign(k=pupils["sen"] == "K", e=pupils["sen"] == "E")
    wide = flags.groupby(["urn", "year"]).agg(
        cohort=("prior_attainment", "size"), prior=("prior_attainment", "mean"),
        dis=("disadvantaged", "mean"), eal=("eal", "mean"), k=("k", "mean"), e=("e", "mean")).reset_index()
    for c in ("dis", "eal", "k", "e"):
        wide[c] = (wide[c] * 100).round(1)
    names = {"cohort": f"{prefix}_cohort", "prior": f"{prefix}_prior_attainment",
             "dis": f"{prefix}_cohort_pct_disadvantaged", "eal": f"{prefix}_cohort_pct_eal",
             "k": f"{prefix}_cohort_pct_sen_support", "e": f"{prefix}_cohort_pct_ehcp"}
    long = wide.melt(id_vars=["urn", "year"], value_vars=list(names), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(names)
    long["reason"] = None
    return long.dropna(subset=["value"])  # no prior attainment recorded for a cohort without tests


# -- absence ----------------------------------------------------------------------------------------

ABSENCE_YEARS = (2022, 2023, 2024, 2025)  # a year's absence is published the spring after: none yet for 2026
ABSENCE_LEVELS = {"primary": 5.2, "secondary": 8.8}  # England's overall absence since 2022, roughly (% of sessions)


def absence_results(schools: pd.DataFrame, seed: int, years=ABSENCE_YEARS) -> pd.DataFrame:
    """Each school's overall and persistent absence for the years published so far: higher where pupils are
    more deprived, a school's own level (its attendance work) and a yearly wobble. Drawn from a separate random
    stream, so the rest of the store is the same with or without it."""
    rng = np.random.default_rng([seed, 2])
    z = schools["deprivation"].to_numpy()
    base = schools["phase"].map(ABSENCE_LEVELS).to_numpy() * np.exp(0.18 * (z - z.mean()) + rng.normal(0, 0.15, len(z)))
    frames = []
    for year in years:
        overall = np.clip(base * np.exp(rng.normal(0, 0.06, len(z))), 1.0, 40.0).round(1)
        persistent = np.clip(2.7 * overall - 1.5 + rng.normal(0, 2.0, len(z)), 0.0, 100.0).round(1)
        for measure, value in (("absence_overall", overall), ("absence_persistent", persistent)):
            frames.append(pd.DataFrame({"urn": schools["urn"].to_numpy(), "year": year, "measure": measure, "value": value,
                                        "n": schools["pupils_on_roll"].to_numpy(), "ci_low": np.nan, "ci_high": np.nan,
                                        "reason": None}))
    return pd.concat(frames, ignore_index=True)
