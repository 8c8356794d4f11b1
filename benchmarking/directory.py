"""Which schools the store holds, and the one decision of a school's phase in each year: the pool every
page, command and document compares it in (sql/school_directory.sql decides it)."""
from __future__ import annotations

import pandas as pd

from .errors import BenchmarkingError
from .phases import VALUE_ADDED
from .store import Store


def school_directory(store: Store, urn: int | None = None) -> pd.DataFrame:
    """Every school with results (or one): urn, name, la_code, la_name, phase (its latest year's), mainstream,
    is_open, years, phases (each year's), has_value_added, and a label to search by: "Name (URN, LA)". Each
    year's phase is the one every page, command and document compares the school in that year
    (sql/school_directory.sql decides it; phase_in_year reads it)."""
    frame = store.query_file("school_directory", [urn, list(VALUE_ADDED)])
    frame["label"] = frame["name"] + " (" + frame["urn"].astype(str) + ", " + frame["la_name"] + ")"
    return frame


def phase_in_year(row, year: int) -> str:
    """A school's phase in one of its years (a row of school_directory): the pool it is compared in that year."""
    years = [int(y) for y in row["years"]]
    return str(row["phases"][years.index(int(year))]) if int(year) in years else str(row["phase"])


def default_school(directory: pd.DataFrame) -> int:
    """The school to open with: the first secondary with value added, else any school with it, else any."""
    for candidates in (directory[(directory["phase"] == "secondary") & directory["has_value_added"]],
                       directory[directory["has_value_added"]], directory):
        if len(candidates):
            return int(candidates["urn"].min())
    raise ValueError("the directory is empty")


def school_phase_and_year(store: Store, urn: int, year: int | None) -> tuple[str, int]:
    """The phase of a school's pool and the year to use (school_pool)."""
    phase, year, _ = school_pool(store, urn, year)
    return phase, year


def school_pool(store: Store, urn: int, year: int | None) -> tuple[str, int, bool]:
    """The pool a school belongs to (its phase, as the dashboard's school directory decides it, and mainstream
    or special: special schools are compared with special schools) and the year to use (its latest by default);
    a clear error for unknown URNs or years. Every command and document asks this, so a school is compared in the
    same phase everywhere."""
    school = school_directory(store, urn)
    if school.empty:
        known = bool(store.query_file("school_exists", [urn])["found"][0])
        raise BenchmarkingError(f"URN {urn} has no results in the store." if known else f"URN {urn} is not in the store.")
    years = [int(y) for y in school["years"][0]]
    if year is None:
        year = years[-1]
    elif year not in years:
        raise BenchmarkingError(f"URN {urn} has no results for {year} (it has {', '.join(map(str, years))}).")
    return phase_in_year(school.iloc[0], year), year, bool(school["mainstream"][0])
