"""Years as this tool counts them: the calendar year of the summer tests and exams (2018-19 is 2019)."""
from __future__ import annotations

import datetime

from .errors import BenchmarkingError

FIRST_YEAR = 1990


def last_year() -> int:
    """The latest year a file or command may name: next year (provisional files come out in the autumn)."""
    return datetime.date.today().year + 1


def check_year(year: int | None) -> int | None:
    """The year if it is one this tool can hold (1990 to next year), else a clear error; None passes."""
    if year is None:
        return None
    if not FIRST_YEAR <= int(year) <= last_year():
        raise BenchmarkingError(f"The year must be between {FIRST_YEAR} and {last_year()} (the year of the summer "
                                f"exams: 2018-19 is 2019), not {year}.")
    return int(year)
