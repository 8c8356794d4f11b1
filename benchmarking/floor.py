"""Floor standards and schools of concern.

A rule is data: a school is below the floor when every `all_of` condition holds and, if there are any,
at least one `any_of` condition. A school missing a measure a rule needs is not judged (and says why).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .measures import MEASURES_BY_CODE, RESULT_CODES
from .store import Store
from .value_added import SUBJECTS, Z95, standard_error
from .phases import VALUE_ADDED

NATIONAL_MEDIAN = "national median"
FLOOR_LAST_YEAR = 2019  # DfE applied floor (and coasting) standards to results up to 2018-19 only
ENDED = ("Floor standards ended after 2019: DfE applied them to results up to 2018-19, and not to {year}. "
         "Schools of concern are still listed, on value added.")
MIN_COHORT = 11  # DfE judges no school with fewer than 11 pupils at the end of the key stage


@dataclass(frozen=True)
class Condition:
    measure: str
    below: float | str  # a number, or "national median": England's, that year
    field: str = "value"  # value, or ci_high for "the upper confidence limit is below"
    instead: str | None = None  # the measure used for a school without `measure` (an older file's nearest)


@dataclass(frozen=True)
class FloorRule:
    name: str
    label: str
    all_of: tuple[Condition, ...]
    any_of: tuple[Condition, ...] = ()
    note: str = ""

    @property
    def measures(self) -> list[str]:
        conditions = self.all_of + self.any_of
        return sorted({c.measure for c in conditions} | {c.instead for c in conditions if c.instead})

    @property
    def key_stage(self) -> str:
        return MEASURES_BY_CODE[(self.all_of + self.any_of)[0].measure].key_stage


PRESETS = {
    "ks4-2016": FloorRule(
        "ks4-2016", "KS4 2016-2019: Progress 8 below -0.5 and its upper confidence limit below 0",
        all_of=(Condition("ks4_p8", -0.5), Condition("ks4_p8", 0.0, "ci_high"))),
    "ks2-2016": FloorRule(
        "ks2-2016", "KS2 2016-2019: under 65% at the expected standard in reading, writing and maths, and "
                    "progress below -5 in reading, -5 in maths or -7 in writing",
        all_of=(Condition("ks2_rwm_expected", 65.0),),
        any_of=(Condition("ks2_read_progress", -5.0), Condition("ks2_mat_progress", -5.0),
                Condition("ks2_writ_progress", -7.0))),
    "ks2-2011": FloorRule(
        "ks2-2011", "KS2 2011: under 60% at level 4+ in English and maths and below the national median "
                    "progress in both",
        all_of=(Condition("ks2_rwm_expected", 60.0), Condition("ks2_read_progress", NATIONAL_MEDIAN),
                Condition("ks2_mat_progress", NATIONAL_MEDIAN)),
        note="Levels ended in 2016: applied with today's nearest measures, % at the expected standard in "
             "reading, writing and maths, and reading (for English) and maths progress."),
    "ks4-2011": FloorRule(
        "ks4-2011", "KS4 2011: under 35% with 5 A*-C including English and maths and below the national median "
                    "expected progress in both",
        all_of=(Condition("ks4_5em_94", 35.0, instead="ks4_basics_94"),
                Condition("ks4_p8_english", NATIONAL_MEDIAN, instead="ks4_p8"),
                Condition("ks4_p8_maths", NATIONAL_MEDIAN, instead="ks4_p8")),
        note="GCSE grades and expected-progress measures changed: applied with % with 5 GCSEs at grade 4+ "
             "including English and maths (PT5EM_94; % grade 4+ in English and maths where a file lacks it) and "
             "the English and maths elements of Progress 8 (Progress 8 itself where a file lacks them)."),
}


FIELDS = ("value", "ci_low", "ci_high")


def _condition(raw, where: str) -> Condition:
    """One condition of a rules file, checked: a known result measure, a number or "national median", a field."""
    if not isinstance(raw, dict) or set(raw) - {"measure", "below", "field"} or not {"measure", "below"} <= set(raw):
        raise BenchmarkingError(f"{where}: each condition is {{\"measure\": ..., \"below\": ..., \"field\": ...}}.")
    measure, below, field = raw["measure"], raw["below"], raw.get("field", "value")
    if measure not in RESULT_CODES:
        raise BenchmarkingError(f"{where}: unknown measure {measure!r}. Measures: {', '.join(RESULT_CODES)}.")
    if below != NATIONAL_MEDIAN and (isinstance(below, bool) or not isinstance(below, (int, float))
                                     or not math.isfinite(below)):
        raise BenchmarkingError(f"{where}: the threshold must be a number or \"{NATIONAL_MEDIAN}\", not {below!r}.")
    if field not in FIELDS:
        raise BenchmarkingError(f"{where}: field must be one of {', '.join(FIELDS)}, not {field!r}.")
    return Condition(measure, below, field)


def load_rules(path: str | Path) -> dict[str, FloorRule]:
    """Rules from a JSON file: a list of {name, label, all_of: [{measure, below, field}], any_of: [...]},
    every part checked when the file is loaded."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BenchmarkingError(f"{path}: cannot be read ({exc.strerror}).") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BenchmarkingError(f"{path.name}: not a JSON file ({exc}).") from None
    if not isinstance(raw, list) or not raw:
        raise BenchmarkingError(f"{path.name}: expected a list of rules.")
    rules = {}
    for i, rule in enumerate(raw, start=1):
        where = f"{path.name}, rule {i}"
        if not isinstance(rule, dict) or not isinstance(rule.get("name"), str) or not rule["name"].strip():
            raise BenchmarkingError(f"{where}: each rule needs a \"name\".")
        all_of = tuple(_condition(c, where) for c in rule.get("all_of", []))
        any_of = tuple(_condition(c, where) for c in rule.get("any_of", []))
        if not all_of and not any_of:
            raise BenchmarkingError(f"{where}: a rule needs at least one condition (all_of or any_of).")
        rules[rule["name"]] = FloorRule(rule["name"], str(rule.get("label", rule["name"])), all_of, any_of,
                                        str(rule.get("note", "")))
    return rules


def evaluate(rule: FloorRule, wide: pd.DataFrame, medians: dict[str, float]) -> pd.DataFrame:
    """Whether each school (row of `wide`: columns MEASURE and MEASURE_ci_high) is below the floor.

    below_floor is True, False, or <NA> with `missing` naming the measures the rule needed and lacked.
    """
    def column(measure: str, field: str) -> pd.Series:
        name = measure if field == "value" else f"{measure}_{field}"
        return wide[name] if name in wide else pd.Series(np.nan, index=wide.index)

    def holds(c: Condition) -> pd.Series:
        values = column(c.measure, c.field)
        threshold = pd.Series(medians.get(c.measure, np.nan) if c.below == NATIONAL_MEDIAN else float(c.below),
                              index=wide.index)
        if c.instead:
            use_instead = values.isna()
            values = values.where(~use_instead, column(c.instead, c.field))
            if c.below == NATIONAL_MEDIAN:
                threshold = threshold.where(~use_instead, medians.get(c.instead, np.nan))
        judged = values.notna() & threshold.notna()
        return pd.Series(np.where(judged, values < threshold, pd.NA), index=wide.index, dtype="boolean")

    all_part = pd.Series(True, index=wide.index, dtype="boolean")
    for c in rule.all_of:
        all_part &= holds(c)
    any_part = pd.Series(not rule.any_of, index=wide.index, dtype="boolean")
    for c in rule.any_of:
        any_part |= holds(c)
    conditions = sorted(rule.all_of + rule.any_of, key=lambda c: c.measure)
    missing = pd.DataFrame({c.measure: holds(c).isna() for c in conditions}, index=wide.index)
    return pd.DataFrame({"urn": wide["urn"], "below_floor": all_part & any_part, "missing": _names_where(missing)})


def _names_where(flags: pd.DataFrame) -> np.ndarray:
    """For each row, the names of the columns that are True, joined by commas (one pass per column,
    not per row: a national year is tens of thousands of schools)."""
    text = np.full(len(flags), "", dtype=object)
    for name in flags.columns:
        flagged = flags[name].to_numpy(dtype=bool)
        text = np.where(flagged, np.where(text == "", name, text + ", " + name), text)
    return text


def _wide_results(store: Store, measures: list[str], years: list[int] | None = None) -> pd.DataFrame:
    frame = store.query_file("results_wide_source", [measures])
    if years:
        frame = frame[frame["year"].isin(years)]
    values = frame.pivot_table(index=["urn", "year"], columns="measure", values="value", aggfunc="first")
    highs = frame.pivot_table(index=["urn", "year"], columns="measure", values="ci_high", aggfunc="first")
    highs.columns = [f"{c}_ci_high" for c in highs.columns]
    wide = values.join(highs).reset_index()
    wide.columns.name = None
    return wide


def england_figures(store: Store, measures: list[str]) -> tuple[dict[tuple[int, str], float], dict[int, str]]:
    """England's figure for each (year, measure): the median of all of England's state-funded mainstream
    schools where the store holds a file covering all of England (or is the synthetic England), else the
    national row of DfE's files, a pupil average. Never the median of whichever LAs are loaded. Also, by
    year, what the figures are."""
    rows = store.query_file("england_figures", [measures])
    values = {(int(r.year), r.measure): float(r.value) for r in rows.itertuples()}
    # DfE's national rows leave progress scores blank: they are centred so that England's pupils average 0.
    for year in store.query_file("result_years")["year"]:
        for measure in set(measures) & set(SUBJECTS):
            values.setdefault((int(year), measure), 0.0)
    said = {}
    for year, part in rows.groupby("year"):
        kinds = set(part["statistic"])
        said[int(year)] = ("England's median school" if kinds == {"median"} else
                           "England's figures from DfE's national rows (pupil averages: the store holds no file "
                           "covering all of England, so England's median school is not known)" if kinds == {"average"}
                           else "England's median school where known, else DfE's national row (a pupil average)")
    return values, said


def floor_report(store: Store, rule: FloorRule, year: int | None = None) -> pd.DataFrame:
    """Every school DfE would judge against a rule in `year` (default latest), with how many years in the
    store it has been below the floor. DfE's exclusions apply: only open, state-funded mainstream schools with
    11 or more pupils at the end of the key stage, and at KS4 no 14-19 schools (UTCs and studio schools).
    Floor standards ended after 2019, and are not applied to later years."""
    wide = _wide_results(store, rule.measures)
    if wide.empty:
        raise BenchmarkingError(f"The store has none of the measures the rule {rule.name} needs ({', '.join(rule.measures)}).")
    year = year or int(wide["year"].max())
    if year > FLOOR_LAST_YEAR:
        raise BenchmarkingError(ENDED.format(year=year))
    wide = wide[wide["year"] <= FLOOR_LAST_YEAR]
    medians, said = england_figures(store, rule.measures)
    judged = []
    for y, rows in wide.groupby("year"):
        result = evaluate(rule, rows.reset_index(drop=True), {m: medians.get((y, m), np.nan) for m in rule.measures})
        population = store.query_file("floor_population", [int(y), rule.key_stage, MIN_COHORT])
        judged.append(result.merge(population[population["excluded"].isna()][["urn"]], on="urn").assign(year=y))
    judged = pd.concat(judged, ignore_index=True)
    years_below = judged[judged["below_floor"].fillna(False).astype(bool)].groupby("urn").size()
    out = judged[judged["year"] == year].copy()
    if out.empty:
        raise BenchmarkingError(f"No school DfE would judge has the measures for rule {rule.name} in {year}.")
    out["years_below_floor"] = out["urn"].map(years_below).fillna(0).astype(int)
    out["rule"] = rule.name
    out = out.merge(store.query_file("school_names"), on="urn", how="inner")
    uses_median = any(c.below == NATIONAL_MEDIAN for c in rule.all_of + rule.any_of)
    out.attrs["national"] = said.get(year) if uses_median else None
    return out[
        ["urn", "name", "la_name", "year", "rule", "below_floor", "years_below_floor", "missing"]
    ].sort_values(["below_floor", "urn"], ascending=[False, True], na_position="last").reset_index(drop=True)


def schools_of_concern(store: Store, year: int | None = None, z: float = Z95) -> pd.DataFrame:
    """Schools below a floor, with significantly negative value added two years running, or falling
    (value added significantly lower than the year before). One row per school and reason."""
    frame = store.query_file("results_wide_source", [list(VALUE_ADDED)]).dropna(subset=["value", "ci_low", "ci_high"])
    if frame.empty:
        raise BenchmarkingError("The store has no value added to judge.")
    year = year or int(frame["year"].max())
    now = frame[frame["year"] == year].set_index(["urn", "measure"])
    before = frame[frame["year"] == year - 1].set_index(["urn", "measure"])
    both = now.join(before, suffixes=("", "_before"), how="inner")
    reasons = []
    negative = both[(both["ci_high"] < 0) & (both["ci_high_before"] < 0)]
    label = lambda m: MEASURES_BY_CODE[m].label  # noqa: E731
    reasons += [(u, f"{label(m)} significantly below 0 in {year - 1} and {year}") for u, m in negative.index]
    gap = (both["value"] - both["value_before"]) / np.sqrt(
        standard_error(both["ci_low"], both["ci_high"]) ** 2 + standard_error(both["ci_low_before"], both["ci_high_before"]) ** 2)
    reasons += [(u, f"{label(m)} fell significantly from {year - 1} to {year}") for u, m in both[gap < -z].index]
    for rule in PRESETS.values():
        if rule.name.endswith("2016") and year <= FLOOR_LAST_YEAR:
            try:
                report = floor_report(store, rule, year)
            except BenchmarkingError:
                continue
            below = report[report["below_floor"].fillna(False).astype(bool)]
            reasons += [(u, f"Below the floor: {rule.label}") for u in below["urn"]]
    out = pd.DataFrame(reasons, columns=["urn", "reason"])
    names = store.query_file("school_names")
    return out.merge(names, on="urn", how="left")[["urn", "name", "la_name", "reason"]].sort_values(["urn", "reason"]).reset_index(drop=True)
