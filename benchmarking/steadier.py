"""Steadier scores for small cohorts, each labelled for what it is, beside the one-year figure:

- three-year: the school's value added over the last three years held (the year and the two before, those
  with a progress measure), each year weighted by its cohort (value_added.pooled_value_added);
- shrunken: the one-year score pulled towards its similar schools' mean by as much as its own uncertainty
  warrants (empirical Bayes): a big cohort keeps nearly its own score, a small one moves towards schools like
  it. The pull uses the spread of schools' true scores around their clubs' means, estimated from every school
  of the year and phase (Leckie and Goldstein on the reliability of value added)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .numbers import interval, number
from .phases import PHASES, phase as phase_named
from .progress_gaps import no_progress_reason, progress_years
from .similarity import SimilarityIndex, load_features
from .store import Store
from .va_report import NoProgressMeasure, pool_rows, school_value_added_table
from .value_added import Z95, school_table, standard_error

THREE_YEAR, SHRUNKEN = "three-year", "shrunken"
LENSES = (THREE_YEAR, SHRUNKEN)
CAVEATS = {
    THREE_YEAR: "Three-year value added: the last three years held, each weighted by its cohort. Steadier than one "
                "year for a small school, but slower to show change; not a DfE figure.",
    SHRUNKEN: "Shrunken value added: each school's score pulled towards its similar schools' mean, further the "
              "smaller its cohort (empirical Bayes). Closer to the truth for small cohorts on average; not a DfE "
              "figure, and not for league tables.",
}


def between_variance(va, se, prior) -> float:
    """The variance of schools' true scores around their priors (method of moments): the observed spread
    less the part sampling explains, never below a small positive floor."""
    va, se, prior = (np.asarray(x, dtype=float) for x in (va, se, prior))
    ok = ~(np.isnan(va) | np.isnan(se) | np.isnan(prior))
    return float(max(np.mean((va[ok] - prior[ok]) ** 2) - np.mean(se[ok] ** 2), 1e-6)) if ok.any() else np.nan


def shrink(va, se, prior, tau2: float, prior_variance=0.0, z: float = Z95) -> pd.DataFrame:
    """The posterior mean and 95% interval of each true score, given the score `va` with standard error `se`
    and a normal prior (mean `prior`, variance `tau2`): weight = tau2 / (tau2 + se²) on the school's own score.
    `prior_variance`: how uncertain the prior mean itself is (a club's mean is an estimate too), which widens
    the interval by (1 - weight)² of it."""
    va, se, prior, prior_variance = (np.asarray(x, dtype=float) for x in (va, se, prior, prior_variance))
    weight = tau2 / (tau2 + se ** 2)
    mean = prior + weight * (va - prior)
    half = z * np.sqrt(weight * se ** 2 + (1 - weight) ** 2 * prior_variance)
    return pd.DataFrame({"va": mean, "ci_low": mean - half, "ci_high": mean + half, "weight": weight})


def club_means(rows: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Each school's similar schools' mean score (groups: urn, neighbour), cohort-weighted, and how many
    members have a score (mean, members; indexed by URN)."""
    scored = rows.dropna(subset=["va", "n"]).set_index("urn")
    members = groups.join(scored[["va", "n"]], on="neighbour", how="inner")
    members = members.assign(weighted=members["va"] * members["n"])
    sums = members.groupby("urn").agg(weighted=("weighted", "sum"), n=("n", "sum"), members=("va", "size"))
    return pd.DataFrame({"mean": sums["weighted"] / sums["n"], "members": sums["members"]})


def shrunken_table(store: Store, year: int, phase: str, urn: int | None = None) -> pd.DataFrame:
    """Every school's shrunken value added for the year and phase (the columns of the other lenses, and the
    one-year score as `one_year`, the weight on it as `weight`). Mainstream and special schools are each
    shrunk towards clubs of their own kind."""
    table = school_value_added_table(store, year, phase)
    p = phase_named(phase)
    groups = []
    for mainstream in (True, False):
        features = load_features(store, year, phase, mainstream)
        if len(features) > 1:
            try:
                groups.append(SimilarityIndex(features).all_groups(p.default_k))
            except BenchmarkingError:  # too few schools of the kind to match
                continue
    groups = pd.concat(groups, ignore_index=True) if groups else pd.DataFrame(columns=["urn", "neighbour"])
    frames = []
    for measure, rows in table.groupby("measure", sort=False):
        rows = rows.reset_index(drop=True)
        clubs = club_means(rows, groups).reindex(rows["urn"])
        prior = clubs["mean"].fillna(0.0).to_numpy()  # no club: the national average
        se = standard_error(rows["ci_low"], rows["ci_high"])
        tau2 = between_variance(rows["va"], se, prior)
        # A club mean over m schools is uncertain by about (tau² + a member's se²) / m; no club's mean, by tau².
        members = clubs["members"].to_numpy(dtype=float)
        prior_variance = np.where(members > 0, (tau2 + np.nanmean(se ** 2)) / np.maximum(members, 1), tau2)
        shrunk = shrink(rows["va"], se, prior, tau2, prior_variance)
        frames.append(rows.assign(one_year=rows["va"], va=shrunk["va"], ci_low=shrunk["ci_low"],
                                  ci_high=shrunk["ci_high"], weight=shrunk["weight"], band=pd.NA, lens=SHRUNKEN,
                                  source="shrunken towards similar schools"))
    return lens_table(pd.concat(frames, ignore_index=True), urn, year, ["one_year", "weight"])


def three_year_table(store: Store, year: int, phase: str, urn: int | None = None) -> pd.DataFrame:
    """Every school's value added over the three years up to `year` (those held with a progress measure),
    cohort-weighted: the columns of the other lenses, with `first_year`, `last_year` and `years`."""
    held = {int(y) for y in store.query_file("result_years")["year"]}
    years = progress_years(phase_named(phase).key_stage, [y for y in (year - 2, year - 1, year) if y in held])
    if year not in years:
        reason = no_progress_reason(phase_named(phase).key_stage, year)
        raise NoProgressMeasure(reason) if reason else BenchmarkingError(f"No value added in the store for {year}.")
    frames = [school_value_added_table(store, y, phase) for y in years]
    pooled = pool_rows(pd.concat(frames, ignore_index=True))
    pooled = pooled.assign(year=year, expected=np.nan, actual=np.nan, band=pd.NA, lens=THREE_YEAR,
                           source=[f"{int(a)} to {int(b)}, cohort-weighted" if a != b else f"{int(a)} only"
                                   for a, b in zip(pooled["first_year"], pooled["last_year"])])
    return lens_table(pooled, urn, year, ["first_year", "last_year", "years"])


def lens_table(frame: pd.DataFrame, urn: int | None, year: int, extra: list[str]) -> pd.DataFrame:
    """school_table's columns and order (or one school's rows), and the lens's own columns after them."""
    ordered = frame.sort_values(["measure", "urn"]).reset_index(drop=True)
    table = school_table(ordered, None, "value added", year).join(ordered[extra])
    if urn is None:
        return table
    if not (table["urn"] == urn).any():
        raise BenchmarkingError(f"URN {urn} has no value added for {year}.")
    return table[table["urn"] == urn].reset_index(drop=True)


def steadier_table(store: Store, year: int | None, phase: str | None, urn: int | None, lens: str) -> pd.DataFrame:
    """The three-year or shrunken lens for a year (the latest by default) and phase (both, if none)."""
    year = year or store.latest_year()
    make = three_year_table if lens == THREE_YEAR else shrunken_table
    frames, problems = [], []
    for name in [phase] if phase else list(PHASES):
        try:
            frames.append(make(store, year, name, urn))
        except BenchmarkingError as exc:
            problems.append(exc)
    if not frames:
        raise problems[0]
    return pd.concat(frames, ignore_index=True)


def steadier_sentence(digits: int, three_year: dict | None, shrunken: dict | None) -> str | None:
    """The steadier scores beside a one-year figure, in words: "Over 2022 to 2024 (530 pupils): +0.29 (+0.17 to
    +0.41). Shrunken towards similar schools: +0.17 (−0.03 to +0.37)." (no three-year figure from one year
    alone); None where there is neither."""
    parts = []
    if three_year is not None and pd.notna(three_year.get("va")) and three_year.get("years", 0) > 1:
        years = three_year["source"].split(",")[0]
        parts.append(f"Over {years} ({int(three_year['n']):,} pupils): {number(three_year['va'], digits, sign=True)} "
                     f"({interval(three_year['ci_low'], three_year['ci_high'], digits)}).")
    if shrunken is not None and pd.notna(shrunken.get("va")):
        parts.append(f"Shrunken towards similar schools: {number(shrunken['va'], digits, sign=True)} "
                     f"({interval(shrunken['ci_low'], shrunken['ci_high'], digits)}).")
    return " ".join(parts) or None
