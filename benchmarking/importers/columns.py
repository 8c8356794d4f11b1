"""Reading columns of a DfE file into the store's long tables, checking every cell on the way: numbers or
DfE codes only, plausible values for each measure (the measures catalogue), confidence limits around
their score, URNs that are whole numbers, and no school twice."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..measures import COUNT, MEASURES_BY_CODE, PERCENT
from .cells import ParsedColumn, parse_numeric
from .problems import Problem, report
from .text import LINE


@dataclass(frozen=True)
class ResultColumns:
    """Where a result measure lives in a file: its value and, where published, its CI and pupil count
    (column aliases across years: the first found wins)."""
    measure: str
    value: tuple[str, ...]
    ci_low: tuple[str, ...] = ()
    ci_high: tuple[str, ...] = ()
    n: tuple[str, ...] = ()
    coverage: tuple[str, ...] = ()  # % of the n column in the measure (KS2 progress): n becomes that share


def first_column(frame: pd.DataFrame, aliases: tuple[str, ...]) -> str | None:
    return next((a for a in aliases if a in frame.columns), None)


def _cell(frame: pd.DataFrame, column: str, position: int) -> str:
    return repr(str(frame[column].iloc[position])[:30])


def numeric(frame: pd.DataFrame, column: str, name: str,
            plausible: tuple[float | None, float | None, bool] | None = None) -> ParsedColumn:
    """Parse one column; every cell that is neither a number nor a DfE code, or is outside the plausible
    values, is reported with its line."""
    parsed = parse_numeric(frame[column])
    for position in np.flatnonzero(parsed.invalid.to_numpy()) if parsed.invalid.any() else ():
        report(Problem(name, int(frame[LINE].iloc[position]), column,
                       "expected a number or a DfE code (SUPP, NE, NP, NA, LOWCOV, NEW, x, c, z, low...), "
                       f"found {_cell(frame, column, position)}."))
    if plausible is not None:
        low, high, whole = plausible
        values = parsed.values.to_numpy()
        with np.errstate(invalid="ignore"):
            bad = np.zeros(len(values), dtype=bool)
            if low is not None:
                bad |= values < low
            if high is not None:
                bad |= values > high
            if whole:
                bad |= values % 1 != 0
        bad &= ~np.isnan(values)
        for position in np.flatnonzero(bad):
            report(Problem(name, int(frame[LINE].iloc[position]), column,
                           f"{_describe(plausible)}, found {_cell(frame, column, position)}."))
    return parsed


def _describe(plausible) -> str:
    low, high, whole = plausible
    what = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"expected {what} from {low:g} to {high:g}"
    if low is not None:
        return f"expected {what} of {low:g} or more"
    return f"expected {what}"


def required_numbers(frame: pd.DataFrame, column: str, name: str,
                     plausible: tuple[float | None, float | None, bool] = (None, None, False)) -> pd.Series:
    """A column that must hold a plausible number in every row (reference tables: groups, estimates, ranks).
    Gaps and codes are reported like any bad cell; 0 holds their place, as the check rejects the file."""
    parsed = numeric(frame, column, name, plausible)
    for position in np.flatnonzero(parsed.reasons.notna().to_numpy()):
        report(Problem(name, int(frame[LINE].iloc[position]), column,
                       f"expected a number, found {_cell(frame, column, position)}."))
    return parsed.values.fillna(0)


def urns(frame: pd.DataFrame, name: str, column: str = "URN") -> pd.Series:
    """School URNs: whole numbers above 0, every other cell reported."""
    urn = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = urn.isna() | (urn <= 0) | (urn % 1 != 0) | (urn > 2**31 - 1)
    for position in np.flatnonzero(bad.to_numpy()):
        report(Problem(name, int(frame[LINE].iloc[position]), column,
                       f"expected a school URN (a whole number), found {_cell(frame, column, position)}."))
    return urn.where(~bad, 0).astype("int64")


def no_repeats(frame: pd.DataFrame, keys: pd.Series, name: str, column: str = "URN", what: str = "school") -> None:
    """Each key (a school's URN) once in a file: a repeat names both lines."""
    repeated = keys.duplicated(keep=False) & (keys != 0)
    if not repeated.any():
        return
    lines = frame[LINE].to_numpy()
    first_line: dict = {}
    for key, line, again in zip(keys, lines, repeated):
        if not again:
            continue
        if key in first_line:
            report(Problem(name, int(line), column, f"this {what} ({key}) is also on line {first_line[key]}; "
                                                    "each may appear once."))
        else:
            first_line[key] = int(line)


def long_values(frame: pd.DataFrame, urn: pd.Series, year: int, mapping: dict[str, tuple[str, ...]],
                name: str) -> pd.DataFrame | None:
    """Context measures in long form (urn, year, measure, value, reason), each checked against its
    plausible values."""
    frames = []
    for measure, aliases in mapping.items():
        column = first_column(frame, aliases)
        if column is None:
            continue
        parsed = numeric(frame, column, name, MEASURES_BY_CODE[measure].plausible)
        frames.append(pd.DataFrame({"urn": urn, "year": year, "measure": measure,
                                    "value": parsed.values, "reason": parsed.reasons}))
    return pd.concat(frames, ignore_index=True) if frames else None


def results(frame: pd.DataFrame, urn: pd.Series, year: int, specs: tuple[ResultColumns, ...],
            name: str) -> pd.DataFrame | None:
    """Result measures in long form (urn, year, measure, value, ci_low, ci_high, n, reason), each value
    plausible, each confidence interval around its score, each pupil count a whole number of 0 or more."""
    out = []
    urns_ = np.asarray(urn)
    for spec in specs:
        column = first_column(frame, spec.value)
        if column is None:
            continue
        parsed = numeric(frame, column, name, MEASURES_BY_CODE[spec.measure].plausible)
        value = parsed.values.to_numpy()
        extra = {}
        for target, aliases in (("ci_low", spec.ci_low), ("ci_high", spec.ci_high), ("n", spec.n)):
            source = first_column(frame, aliases)
            extra[target] = (numeric(frame, source, name, COUNT if target == "n" else None).values.to_numpy()
                             if source else np.full(len(value), np.nan))
        coverage = first_column(frame, spec.coverage)
        if coverage is not None:
            # DfE publishes a progress measure's coverage, not its count: eligible pupils x coverage.
            extra["n"] = np.round(extra["n"] * numeric(frame, coverage, name, PERCENT).values.to_numpy() / 100)
        low, high = extra["ci_low"], extra["ci_high"]
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(value) & ((low > value) | (high < value))
        for position in np.flatnonzero(outside):
            report(Problem(name, int(frame[LINE].iloc[position]), column,
                           f"the score {value[position]:g} is outside its own confidence interval "
                           f"({low[position]:g} to {high[position]:g})."))
        # A confidence limit means nothing beside a missing value.
        missing = np.isnan(value)
        out.append(pd.DataFrame({
            "urn": urns_, "year": year, "measure": spec.measure, "value": value, "reason": parsed.reasons.to_numpy(),
            "ci_low": np.where(missing, np.nan, low), "ci_high": np.where(missing, np.nan, high),
            "n": pd.array(np.round(extra["n"]), dtype="Float64").astype("Int64"),
        }))
    return pd.concat(out, ignore_index=True) if out else None


def column_or_blank(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column, or blanks where the file does not have it."""
    return frame[column] if column in frame else pd.Series("", index=frame.index, dtype=object)
