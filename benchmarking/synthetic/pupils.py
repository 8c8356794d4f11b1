"""Pupils of the fictional schools: characteristics, prior attainment and outcomes, and each school's true
effect on them (the truth value added is checked against)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..progress_gaps import no_progress_reason

# Expected Attainment 8 from KS2 average scaled score: cubic in x = (score - 100) / 10, highest power
# first, least-squares fits to DfE's published estimates for groups 2-34 of each year (within about
# 1 point of every group). The generator needs a smooth curve; value added itself uses group means.
A8_CURVES = {
    2022: (-0.5869, 2.8046, 18.6864, 40.9783),
    2023: (-0.5195, 3.3070, 18.8395, 36.8882),
    2024: (-0.5703, 3.5975, 18.8101, 36.1671),
}
# 2025 and 2026 have no estimates (no KS2 tests for those cohorts): their pupils still have a starting point,
# unrecorded, and 2024's curve turns it into results.
A8_CURVES |= {2025: A8_CURVES[2024], 2026: A8_CURVES[2024]}

# Pupil-level effects on Progress 8 (in P8 units), close to DfE's national gaps for these groups.
P8_PUPIL_EFFECTS = {"disadvantaged": -0.45, "sen_support": -0.40, "ehcp": -1.0, "eal": 0.45, "female": 0.20}
# Pupil-level effects on KS2 progress (scaled-score points).
KS2_PUPIL_EFFECTS = {"disadvantaged": -1.0, "sen_support": -1.5, "ehcp": -3.0, "eal": 0.8, "female": 0.3}
P8_PUPIL_NOISE_SD = 1.27
KS2_PUPIL_NOISE_SD = 4.6


def expected_att8(ks2_score, year: int) -> np.ndarray:
    """The generator's expected Attainment 8 for a KS2 average scaled score in a year."""
    x = (np.asarray(ks2_score, dtype=float) - 100.0) / 10.0
    return np.clip(np.polyval(A8_CURVES[year], x), 5.0, 88.0)


def _pupil_characteristics(rng, schools: pd.DataFrame, school_index: np.ndarray) -> dict[str, np.ndarray]:
    n = len(school_index)
    pct = {c: schools[c].to_numpy()[school_index] / 100 for c in ("pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp")}
    u = rng.random(n)
    sen = np.where(u < pct["pct_ehcp"], "E", np.where(u < pct["pct_ehcp"] + pct["pct_sen_support"], "K", "N"))
    return {
        "disadvantaged": rng.random(n) < pct["pct_disadvantaged"],
        "eal": rng.random(n) < pct["pct_eal"],
        "sen": sen,
        "sex": np.where(rng.random(n) < 0.5, "F", "M"),
    }


def _pupil_effect(chars: dict[str, np.ndarray], effects: dict[str, float]) -> np.ndarray:
    return (effects["disadvantaged"] * chars["disadvantaged"] + effects["sen_support"] * (chars["sen"] == "K")
            + effects["ehcp"] * (chars["sen"] == "E") + effects["eal"] * chars["eal"]
            + effects["female"] * (chars["sex"] == "F"))


def _cohort_sizes(rng, schools: pd.DataFrame, phase: str) -> np.ndarray:
    roll = schools["pupils_on_roll"].to_numpy()
    if phase == "secondary":
        sizes = np.round(roll / 6.07 * (1 + rng.normal(0, 0.06, len(roll))))
        tiny = rng.random(len(roll)) < 0.01  # a few new or closing schools with tiny cohorts: suppressed
        sizes[tiny] = rng.integers(2, 6, tiny.sum())
    else:
        sizes = np.round(roll / 7.3 * (1 + rng.normal(0, 0.1, len(roll))))
    return np.maximum(sizes, 2).astype(int)


def _cohorts(rng, schools: pd.DataFrame, phase: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One year's pupils of every school of a phase: each pupil's school (row of `schools`) and characteristics."""
    members = np.flatnonzero(schools["phase"].to_numpy() == phase)
    school_index = np.repeat(members, _cohort_sizes(rng, schools.iloc[members], phase))
    return school_index, _pupil_characteristics(rng, schools, school_index)


def _truth(schools: pd.DataFrame, school_index: np.ndarray, own: np.ndarray, pupil: np.ndarray, measure: str) -> pd.DataFrame:
    """Each school's true effects: its own, and its own plus the mean effect of its pupils' characteristics."""
    truth = pd.DataFrame({"school": school_index, "own": own, "pupil": pupil}).groupby("school").agg(
        true_school_effect=("own", "first"), mean_pupil=("pupil", "mean"))
    truth["true_va"] = truth["true_school_effect"] + truth["mean_pupil"]
    truth["urn"] = schools["urn"].to_numpy()[truth.index]
    truth["measure"] = measure
    return truth.reset_index(drop=True)[["urn", "measure", "true_va", "true_school_effect"]]


def make_ks4_pupils(rng, schools: pd.DataFrame, effects: np.ndarray, year_index: int, year: int):
    """KS4 pupils of every secondary for one year, and each school's true official and own effect."""
    school_index, chars = _cohorts(rng, schools, "secondary")
    n = len(school_index)
    pupil_effect = _pupil_effect(chars, P8_PUPIL_EFFECTS)
    prior_shift = -2.4 * chars["disadvantaged"] - 3.5 * (chars["sen"] == "K") - 7.0 * (chars["sen"] == "E")
    prior = schools["prior_mean"].to_numpy()[school_index] + prior_shift + rng.normal(0, 5.6, n)
    prior = np.round(np.clip(prior, 59, 120) * 2) / 2
    school_effect = effects[school_index, year_index]
    # Centre so the national pupil-weighted mean score is 0, as it is by definition of the estimates.
    centre = np.mean(school_effect + pupil_effect)
    school_effect, pupil_effect = school_effect - centre / 2, pupil_effect - centre / 2
    # Mostly normal noise, with a few pupils far below expectation (missed exams): mean zero overall.
    low = rng.random(n) < 0.02
    noise = np.where(low, rng.normal(-3.5, 0.8, n), rng.normal(0.02 * 3.5 / 0.98, P8_PUPIL_NOISE_SD, n))
    att8 = np.clip(expected_att8(prior, year) + 10 * (school_effect + pupil_effect + noise), 0, 90)
    att8 = np.round(att8 * 2) / 2
    english = np.clip(np.round(att8 / 10 + 0.3 + 0.3 * (chars["sex"] == "F") + rng.normal(0, 0.9, n)), 0, 9)
    maths = np.clip(np.round(att8 / 10 + 0.3 - 0.2 * (chars["sex"] == "F") + rng.normal(0, 0.9, n)), 0, 9)
    # DfE holds no KS2 result for a cohort whose KS2 tests were cancelled: the prior attainment is not recorded.
    recorded = prior if no_progress_reason("KS4", year) is None else np.full(n, np.nan)
    pupils = pd.DataFrame({
        "urn": schools["urn"].to_numpy()[school_index], "year": year, "key_stage": "KS4",
        "prior_attainment": recorded, "attainment8": att8, "english_grade": english.astype(int),
        "maths_grade": maths.astype(int), "ks2_read": np.nan, "ks2_writ": np.nan, "ks2_mat": np.nan, **chars,
    })
    return pupils, _truth(schools, school_index, school_effect, pupil_effect, "ks4_p8")


KS2_SUBJECTS = (("ks2_read", "ks2_read_progress", 105.5), ("ks2_writ", "ks2_writ_progress", 105.0),
                ("ks2_mat", "ks2_mat_progress", 106.0))


def make_ks2_pupils(rng, schools: pd.DataFrame, effects: dict[str, np.ndarray], year_index: int, year: int):
    """KS2 pupils of every primary for one year, with KS1 prior attainment, and the truth per subject."""
    school_index, chars = _cohorts(rng, schools, "primary")
    n = len(school_index)
    pupil_effect = _pupil_effect(chars, KS2_PUPIL_EFFECTS)
    prior_shift = -1.3 * chars["disadvantaged"] - 2.5 * (chars["sen"] == "K") - 4.5 * (chars["sen"] == "E")
    prior = np.round(np.clip(schools["prior_mean"].to_numpy()[school_index] + prior_shift + rng.normal(0, 3.0, n), 3, 21), 1)
    recorded = prior if no_progress_reason("KS2", year) is None else np.full(n, np.nan)  # no KS1 for these cohorts
    pupils = pd.DataFrame({
        "urn": schools["urn"].to_numpy()[school_index], "year": year, "key_stage": "KS2",
        "prior_attainment": recorded, "attainment8": np.nan, "english_grade": pd.NA, "maths_grade": pd.NA, **chars,
    })
    truths = []
    # A pupil who does well in one subject tends to do well in the others: a shared part of the noise.
    shared_noise = rng.normal(0, KS2_PUPIL_NOISE_SD * 0.75, n)
    for column, measure, mean_score in KS2_SUBJECTS:
        school_effect = effects[measure][school_index, year_index]
        centre = np.mean(school_effect + pupil_effect)
        own, pupil = school_effect - centre / 2, pupil_effect - centre / 2
        noise = shared_noise + rng.normal(0, KS2_PUPIL_NOISE_SD * np.sqrt(1 - 0.75 ** 2), n)
        score = mean_score + 1.6 * (prior - 16.0) + own + pupil + noise
        pupils[column] = np.round(np.clip(score, 80, 120))
        truths.append(_truth(schools, school_index, own, pupil, measure))
    return pupils, pd.concat(truths, ignore_index=True)
