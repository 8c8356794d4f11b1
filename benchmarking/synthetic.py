"""A realistic synthetic national store: fictional schools in real LAs, pupils, results and the truth.

Calibrated to DfE's 2018-19 England files (school census and KS4 results) and to DfE's published
Progress 8 estimates: see the README's methodology section and tests/test_synthetic.py. Every draw
comes from one seeded generator, so a seed always gives the same store.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy.special import expit

from .reference import LOCAL_AUTHORITIES, SCHOOL_TYPES
from . import derived
from .store import default_db_path
from .writer import writing
from .value_added import (ks2_prior_group, ks4_prior_group, national_estimates, pupil_scores,
                          school_value_added, suppress_small)

Progress = Callable[[float, str], None]
YEARS = (2022, 2023, 2024)


@dataclass(frozen=True)
class Scale:
    secondary: int
    primary: int
    la_codes: tuple[int, ...] | None  # None: every LA but the Isles of Scilly


SCALES = {
    "national": Scale(secondary=3400, primary=16500, la_codes=None),
    "small": Scale(secondary=60, primary=240, la_codes=(815, 850, 936, 202, 330, 926)),
}

# Expected Attainment 8 from KS2 average scaled score: cubic in x = (score - 100) / 10, highest power
# first, least-squares fits to DfE's published estimates for groups 2-34 of each year (within about
# 1 point of every group). The generator needs a smooth curve; value added itself uses group means.
A8_CURVES = {
    2022: (-0.5869, 2.8046, 18.6864, 40.9783),
    2023: (-0.5195, 3.3070, 18.8395, 36.8882),
    2024: (-0.5703, 3.5975, 18.8101, 36.1671),
}
LONDON_LA_CODES = {la for la, _, region in LOCAL_AUTHORITIES if region == "London"}

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


# -- fictional names ------------------------------------------------------------------------------
_STEMS_A = ("Oak", "Ash", "Elm", "Beech", "Willow", "Hazel", "Rowan", "Holly", "Birch", "Cedar", "Maple", "Alder",
            "Thorn", "Heather", "Bramble", "Fern", "Moss", "Lark", "Wren", "Kings", "Queens", "Abbey", "Mill",
            "Castle", "Church", "Market", "Bridge", "Stone", "Brook", "Marsh", "Heath", "Hill", "Vale", "Dale",
            "Green", "Orchard", "Meadow", "Ridge", "North", "South", "East", "West", "Upper", "Lower", "High",
            "Long", "Fair", "Bright", "Red", "White", "Black", "Gold", "Silver", "Iron", "Copper", "Sand",
            "Chalk", "Clay", "Flint", "Granite", "Harbour", "River", "Lake", "Pond", "Well", "Spring", "Sun",
            "Moor", "Fell", "Wold", "Down", "Coombe", "Grange", "Manor", "Priory", "Minster", "Chapel", "Cross",
            "Tower", "Park", "Garden", "Forest", "Wood", "Field", "Lea", "Ford", "Haven", "Cliff", "Shore",
            "Star", "Moon", "Dawn", "Sky", "Rain", "Snow", "Frost", "Storm", "Wind", "Cloud")
_STEMS_B = ("field", "wood", "gate", "brook", "lands", "side", "way", "hurst", "bury", "ton", "ley", "combe",
            "worth", "stead", "mere", "croft", "holme", "thorpe", "wick", "dean", "hall", "lane", "grove",
            "bank", "moor", "view", "mount", "fields", "meadow", "acre", "hill", "wells", "bridge", "ford",
            "haven", "cote", "ridge", "dene", "royd", "garth", "shaw", "low", "lee", "well", "stone",
            "heath", "end", "park", "marsh", "water")
_SECONDARY_SUFFIXES = ("Academy", "High School", "School", "Community College", "School and Sixth Form")
_PRIMARY_SUFFIXES = ("Primary School", "Primary Academy", "C of E Primary School", "Junior School",
                     "Community Primary School")


def _school_names(rng: np.random.Generator, count: int, suffixes: tuple[str, ...], taken: set[str]) -> list[str]:
    stems = [a + b for a in _STEMS_A for b in _STEMS_B]
    candidates = [f"{stem} {suffix}" for stem in stems for suffix in suffixes]
    order = rng.permutation(len(candidates))
    names = []
    for i in order:
        name = candidates[i]
        if name not in taken:
            taken.add(name)
            names.append(name)
            if len(names) == count:
                return names
    raise ValueError("not enough distinct fictional names")


# -- schools --------------------------------------------------------------------------------------
_SECONDARY_TYPES = (("ACC", 0.50), ("AC", 0.22), ("CY", 0.09), ("VA", 0.07), ("FD", 0.05), ("F", 0.05), ("VC", 0.02))
_PRIMARY_TYPES = (("CY", 0.42), ("ACC", 0.22), ("AC", 0.10), ("VA", 0.12), ("VC", 0.10), ("FD", 0.03), ("F", 0.01))


def _allocate(rng, weights: np.ndarray, total: int) -> np.ndarray:
    """Split `total` schools over LAs in proportion to `weights`, at least one each."""
    counts = np.maximum(1, np.floor(weights / weights.sum() * total)).astype(int)
    shortfall = total - counts.sum()
    if shortfall > 0:
        counts += np.bincount(rng.choice(len(weights), shortfall, p=weights / weights.sum()), minlength=len(weights))
    return counts


def make_schools(rng: np.random.Generator, scale: Scale) -> pd.DataFrame:
    """Fictional schools with their LA, phase, type and static context (deprivation, EAL, SEN, size)."""
    las = [la for la in LOCAL_AUTHORITIES if (scale.la_codes is None and la[0] != 420)
           or (scale.la_codes is not None and la[0] in scale.la_codes)]
    la_codes = np.array([la[0] for la in las])
    london = np.isin(la_codes, list(LONDON_LA_CODES))
    la_weight = rng.lognormal(0.0, 0.55, len(las)) * np.where(london, 0.6, 1.0)
    la_deprivation = rng.normal(0.0, 0.55, len(las)) + 0.3 * london
    frames = []
    taken: set[str] = set()
    for phase, total, suffixes, types in (("secondary", scale.secondary, _SECONDARY_SUFFIXES, _SECONDARY_TYPES),
                                          ("primary", scale.primary, _PRIMARY_SUFFIXES, _PRIMARY_TYPES)):
        counts = _allocate(rng, la_weight, total)
        la_index = np.repeat(np.arange(len(las)), counts)
        n = len(la_index)
        z = la_deprivation[la_index] + rng.normal(0.0, 0.85, n)
        in_london = london[la_index]
        codes, shares = zip(*types)
        frame = pd.DataFrame({
            "la_code": la_codes[la_index],
            "phase": phase,
            "nftype": rng.choice(codes, n, p=np.array(shares) / sum(shares)),
            "name": _school_names(rng, n, suffixes, taken),
            "deprivation": z,
            "london": in_london,
        })
        if phase == "secondary":
            frame["pct_disadvantaged"] = 100 * expit(-1.02 + 0.80 * z)
            frame["pupils_on_roll"] = np.round(rng.lognormal(np.log(960), 0.36, n) * np.exp(-0.12 * z))
            frame["pct_sen_support"] = np.clip(11.0 + 2.6 * z + rng.normal(0, 4.9, n), 0.5, 60)
            frame["prior_mean"] = 106.2 - 1.25 * z + rng.normal(0, 1.6, n)
        else:
            frame["pct_disadvantaged"] = 100 * expit(-1.55 + 0.85 * z)
            frame["pupils_on_roll"] = np.round(rng.lognormal(np.log(240), 0.5, n) * np.exp(0.25 * in_london))
            frame["pct_sen_support"] = np.clip(12.3 + 2.6 * z + rng.normal(0, 5.4, n), 0.5, 60)
            frame["prior_mean"] = 16.3 - 0.9 * z + rng.normal(0, 0.7, n)
        frame["pct_eal"] = 100 * expit(-2.55 + 0.55 * z + 1.7 * in_london + rng.normal(0, 1.1, n))
        frame["pct_ehcp"] = np.clip(rng.gamma(1.9, 0.9, n) + 0.15 * z, 0.0, 30.0)
        frames.append(frame)
    schools = pd.concat(frames, ignore_index=True)
    schools["urn"] = 500001 + rng.permutation(len(schools))
    return schools


def school_effects(rng: np.random.Generator, schools: pd.DataFrame, years=YEARS) -> dict[str, np.ndarray]:
    """Each school's true effect per year: a stable part plus a random-walk drift. Arrays are (school, year)."""
    n, t = len(schools), len(years)
    z = schools["deprivation"].to_numpy()
    eal = schools["pct_eal"].to_numpy() / 100

    def drifting(base, drift_sd):
        return base[:, None] + np.cumsum(rng.normal(0.0, drift_sd, (n, t)), axis=1) - rng.normal(0.0, drift_sd, (n, 1))

    size = np.log(schools["pupils_on_roll"].to_numpy() / 960)
    p8 = drifting(-0.20 * z + 1.0 * eal + 0.20 * size + rng.normal(0.0, 0.33, n), 0.08)
    shared = -0.35 * z + rng.normal(0.0, 2.1, n)
    return {
        "ks4_p8": p8,
        "ks2_read_progress": drifting(shared + rng.normal(0.0, 1.0, n), 0.4),
        "ks2_writ_progress": drifting(shared + rng.normal(0.0, 1.0, n), 0.4),
        "ks2_mat_progress": drifting(shared + rng.normal(0.0, 1.0, n), 0.4),
    }


# -- pupils ---------------------------------------------------------------------------------------

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
    pupils = pd.DataFrame({
        "urn": schools["urn"].to_numpy()[school_index], "year": year, "key_stage": "KS4",
        "prior_attainment": prior, "attainment8": att8, "english_grade": english.astype(int),
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
    pupils = pd.DataFrame({
        "urn": schools["urn"].to_numpy()[school_index], "year": year, "key_stage": "KS2",
        "prior_attainment": prior, "attainment8": np.nan, "english_grade": pd.NA, "maths_grade": pd.NA, **chars,
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


# -- school-level figures from pupils -------------------------------------------------------------

def _result_rows(frame: pd.DataFrame, measure: str, value: str, n: str = "n",
                 ci: tuple[str, str] | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"urn": frame["urn"], "year": frame["year"], "measure": measure,
                        "value": frame[value], "n": frame[n]})
    out["ci_low"] = frame[ci[0]] if ci else np.nan
    out["ci_high"] = frame[ci[1]] if ci else np.nan
    return suppress_small(out, ["value", "ci_low", "ci_high"])


def ks4_school_results(pupils: pd.DataFrame) -> pd.DataFrame:
    """Attainment 8, Progress 8 (estimates from the store's own pupils, capped) and English and maths passes."""
    groups = ks4_prior_group(pupils["prior_attainment"])
    estimates = national_estimates(groups, pupils["attainment8"])
    scores = pupil_scores(groups, pupils["attainment8"], estimates, scale=10.0, cap=True)
    national_sd = float(np.nanstd(scores["score"], ddof=1))
    keys = pupils[["urn", "year"]]
    va = school_value_added(keys, scores, national_sd)
    passes = pupils.assign(b94=(pupils["english_grade"] >= 4) & (pupils["maths_grade"] >= 4),
                           b95=(pupils["english_grade"] >= 5) & (pupils["maths_grade"] >= 5))
    summary = passes.groupby(["urn", "year"]).agg(
        n=("attainment8", "size"), att8=("attainment8", "mean"), b94=("b94", "mean"), b95=("b95", "mean")).reset_index()
    summary[["b94", "b95"]] *= 100
    return pd.concat([
        _result_rows(summary, "ks4_att8", "att8"),
        _result_rows(summary, "ks4_basics_94", "b94"),
        _result_rows(summary, "ks4_basics_95", "b95"),
        _result_rows(va, "ks4_p8", "va", ci=("ci_low", "ci_high")),
    ], ignore_index=True)


def ks2_school_results(pupils: pd.DataFrame) -> pd.DataFrame:
    """Reading, writing and maths progress (from KS1 groups), average scores and % at the expected standard."""
    groups = ks2_prior_group(pupils["prior_attainment"])
    keys = pupils[["urn", "year"]]
    frames = []
    for column, measure, _ in KS2_SUBJECTS:
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
    return long


def census_context(rng, schools: pd.DataFrame, years=YEARS) -> pd.DataFrame:
    """Whole-school census figures per year: the school's profile with small year-to-year wobble."""
    frames = []
    for year in years:
        wobble = lambda sd: rng.normal(0, sd, len(schools))  # noqa: E731
        frame = pd.DataFrame({
            "urn": schools["urn"], "year": year,
            "pupils_on_roll": np.round(schools["pupils_on_roll"] * (1 + wobble(0.02))),
            "pct_disadvantaged": np.clip(schools["pct_disadvantaged"] + wobble(1.0), 0, 100).round(1),
            "pct_eal": np.clip(schools["pct_eal"] + wobble(0.6), 0, 100).round(1),
            "pct_sen_support": np.clip(schools["pct_sen_support"] + wobble(0.8), 0, 100).round(1),
            "pct_ehcp": np.clip(schools["pct_ehcp"] + wobble(0.2), 0, 100).round(1),
        })
        frames.append(frame.melt(id_vars=["urn", "year"], var_name="measure", value_name="value"))
    out = pd.concat(frames, ignore_index=True)
    out["reason"] = None
    return out


def synthetic_areas(schools: pd.DataFrame, seed: int) -> tuple[pd.Series, pd.DataFrame]:
    """Each school's own small area (a fictional LSOA) and its IDACI rank, decile and percentile.

    Area deprivation follows the school's deprivation loosely (schools draw pupils from beyond their own
    area). Drawn from a separate random stream, so the rest of the store is the same with or without it.
    """
    rng = np.random.default_rng([seed, 1])
    z = schools["deprivation"].to_numpy()
    latent = (z - z.mean()) / z.std() * 0.8 + rng.normal(0, 0.6, len(z))
    percentile = 100 * pd.Series(latent).rank(pct=True).to_numpy()
    lsoas = pd.Series([f"SYN{urn}" for urn in schools["urn"]], index=schools.index)
    areas = 32844
    rank = np.clip(np.round((1 - percentile / 100) * (areas - 1)) + 1, 1, areas).astype(int)
    table = pd.DataFrame({"lsoa": lsoas.to_numpy(), "idaci_rank": rank,
                          "idaci_decile": np.minimum(10, (rank - 1) * 10 // areas + 1),
                          "area_deprivation": 100 * (1 - (rank - 1) / (areas - 1))})
    return lsoas, table


# -- the build ------------------------------------------------------------------------------------

def _quiet(fraction: float, message: str) -> None:
    pass


def generate(scale: str = "national", seed: int = 2024, progress: Progress = _quiet) -> dict[str, pd.DataFrame]:
    """All tables of a synthetic store, as DataFrames, deterministic for the seed."""
    rng = np.random.default_rng(seed)
    progress(0.02, "Making fictional schools")
    schools = make_schools(rng, SCALES[scale])
    effects = school_effects(rng, schools)
    results, context, pupils_all, truth = [], [census_context(rng, schools)], [], []
    for i, year in enumerate(YEARS):
        progress(0.05 + 0.2 * i, f"Generating pupils and results for {year}")
        ks4, ks4_truth = make_ks4_pupils(rng, schools, effects["ks4_p8"], i, year)
        ks2, ks2_truth = make_ks2_pupils(rng, schools, effects, i, year)
        results += [ks4_school_results(ks4), ks2_school_results(ks2)]
        context += [cohort_context(ks4, "KS4"), cohort_context(ks2, "KS2")]
        pupils_all += [ks4, ks2]
        truth += [ks4_truth.assign(year=year), ks2_truth.assign(year=year)]
    pupils = pd.concat(pupils_all, ignore_index=True)
    pupils.insert(0, "pupil_id", np.arange(len(pupils)))
    lsoas, areas = synthetic_areas(schools, seed)
    school_table = pd.DataFrame({
        "urn": schools["urn"], "name": schools["name"], "la_code": schools["la_code"], "phase": schools["phase"],
        "phase_rank": 3, "nftype": schools["nftype"], "state_funded": True, "mainstream": True, "is_open": True,
        "lsoa": lsoas,
    })
    return {"schools": school_table, "area_deprivation": areas, "context": pd.concat(context, ignore_index=True),
            "results": pd.concat(results, ignore_index=True), "pupils": pupils,
            "synthetic_truth": pd.concat(truth, ignore_index=True)}


SYNTHETIC_IDS = """
    SELECT 'SYN' || upper(lpad(to_hex(((pupil_id + 1) * 678223072849 + ?) % 1099511627776), 10, '0')) AS pupil_id,
           * EXCLUDE (pupil_id)
    FROM incoming_pupils"""  # pseudonymous ids: an odd-multiplier permutation of 0..n-1, unique and unordered


def build_demo_store(path: str | Path | None, scale: str = "national", seed: int = 2024,
                     progress: Progress = _quiet) -> Path:
    """Build a synthetic store at `path`, replacing any store there only once the new one is complete."""
    started = time.perf_counter()
    path = Path(path) if path else default_db_path()
    tables = generate(scale, seed, progress)
    progress(0.7, "Writing the store")
    with writing(path, fresh=True) as store:
        schools = tables["schools"].assign(school_type=tables["schools"]["nftype"].map(lambda c: SCHOOL_TYPES[c][0]))
        store.upsert_schools(schools)
        store.upsert("context", tables["context"])
        store.upsert("results", tables["results"].astype({"n": "Int64"}))
        store.upsert("synthetic_truth", tables["synthetic_truth"])
        store.upsert("area_deprivation", tables["area_deprivation"])
        pupils = tables["pupils"]
        progress(0.85, f"Writing {len(pupils):,} pupil rows")
        derived.write_pupils(store, pupils, SYNTHETIC_IDS, [seed])
        store.log_import(file=f"synthetic:{scale}:seed={seed}", kind="synthetic", year=None, checksum=None,
                         rows_read=len(pupils), rows_stored=len(pupils), rows_skipped=0,
                         message=f"built in {time.perf_counter() - started:.1f} s")
        progress(0.9, "Working out national estimates and every school's value added")
    progress(1.0, f"Demo store ready at {path}")
    return path
