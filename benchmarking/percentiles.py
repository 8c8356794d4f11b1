"""A school's national percentile among state-funded mainstream schools, and the percentile's 95% interval: counts
in the year's values held sorted, so that each look-up is a binary search rather than a pass over every school's."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .measures import MEASURES_BY_CODE
from .phases import phase as phase_named
from .reference import ALL_ENGLAND_LAS
from .value_added import Z95


@dataclass(frozen=True)
class Scored:
    """A measure's values that year, sorted, missing ones left out; `rows`: how many schools have a row for it,
    with a value or without."""
    values: np.ndarray
    rows: int

    @classmethod
    def of(cls, values) -> "Scored":
        values = np.asarray(values, dtype=float)
        return cls(np.sort(values[~np.isnan(values)]), len(values))

    def percentile(self, value: float, higher_is_better: bool) -> float | None:
        """The share of schools (0-100) the value does better than, or as well as."""
        if np.isnan(value) or self.values.size == 0:
            return None
        if higher_is_better:  # those at or below the value
            beaten = int(np.searchsorted(self.values, value, side="right"))
        else:  # those at or above it
            beaten = self.values.size - int(np.searchsorted(self.values, value, side="left"))
        return float(100 * (beaten / self.values.size))

    def interval(self, value: float, error: float, higher_is_better: bool) -> tuple[float, float]:
        """The percentile's 95% interval: where the ends of the school's own 95% interval (value ± 1.96 × its
        standard error) fall among the schools' values; (NaN, NaN) without a value or an error."""
        if value is None or error is None or np.isnan(value) or np.isnan(error):
            return np.nan, np.nan
        ends = [self.percentile(value + side * Z95 * error, higher_is_better) for side in (-1, 1)]
        if None in ends:
            return np.nan, np.nan
        return min(ends), max(ends)


def national_percentile(values: pd.Series, value: float, higher_is_better: bool) -> float | None:
    """The share of schools (0-100) among `values` the value does better than, or as well as."""
    return Scored.of(values).percentile(value, higher_is_better)


def percentile_interval(values: pd.Series, value: float, error: float, higher_is_better: bool) -> tuple[float, float]:
    """Scored.interval among `values`."""
    return Scored.of(values).interval(value, error, higher_is_better)


def median_of_known(values: np.ndarray) -> float:
    """The median of the values there are, NaN when there are none (np.nanmedian's, without its warning): a club's
    median of a measure or of a context feature."""
    known = np.sort(values[~np.isnan(values)])  # a club's few values: sorted, np.median's answer at a fifth of its cost
    if not known.size:
        return np.nan
    middle = known.size // 2
    return float(known[middle]) if known.size % 2 else float((known[middle - 1] + known[middle]) / 2)


def percentile_among(schools: int, las: int) -> str:
    """What a percentile is among: England, when the schools span all of England, else the store's schools."""
    if las >= ALL_ENGLAND_LAS:
        return "England"
    return f"the store's {schools:,} schools in {las} LA{'s' if las != 1 else ''}"


def compared_among(national: dict[str, pd.Series], measure: str, phase: str) -> pd.Series:
    """The schools' values a measure is compared among (`national`: school_view.values_by_measure): a whole-school
    measure (absence) among schools of the same phase, those with its key stage's results that year."""
    empty = pd.Series(dtype=float)
    data = national.get(measure, empty)
    if MEASURES_BY_CODE[measure].key_stage == "school":
        data = data[data.index.isin(national.get(phase_named(phase).headline[0], empty).index)]
    return data


def national_scored(national: dict[str, pd.Series], phase: str) -> dict[str, Scored]:
    """Each of the phase's headline measures among the schools its percentile is worked out from
    (compared_among), sorted once a year and read by every school's headline."""
    return {measure: Scored.of(compared_among(national, measure, phase)) for measure in phase_named(phase).headline}
