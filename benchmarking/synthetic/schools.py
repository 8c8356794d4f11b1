"""Fictional schools in real LAs: names, types, sizes and context calibrated to the 2019 census, each
school's true effect in each year, its census figures and its own small area."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from ..importers.deprivation import INDICES
from ..reference import LOCAL_AUTHORITIES

YEARS = (2022, 2023, 2024, 2025, 2026)


@dataclass(frozen=True)
class Scale:
    secondary: int
    primary: int
    la_codes: tuple[int, ...] | None  # None: every LA but the Isles of Scilly


SCALES = {
    "national": Scale(secondary=3400, primary=16500, la_codes=None),
    "medium": Scale(secondary=1200, primary=300, la_codes=None),  # enough secondaries to check club impact quickly
    "small": Scale(secondary=60, primary=240, la_codes=(815, 850, 936, 202, 330, 926)),
}

LONDON_LA_CODES = {la for la, _, region in LOCAL_AUTHORITIES if region == "London"}

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
    index_name, areas = INDICES["2011"]  # the fictional England's areas, ranked as IoD2019 ranks England's
    rank = np.clip(np.round((1 - percentile / 100) * (areas - 1)) + 1, 1, areas).astype(int)
    table = pd.DataFrame({"index_name": index_name, "lsoa": lsoas.to_numpy(), "idaci_rank": rank,
                          "idaci_decile": np.minimum(10, (rank - 1) * 10 // areas + 1),
                          "area_deprivation": 100 * (1 - (rank - 1) / (areas - 1))})
    return lsoas, table
