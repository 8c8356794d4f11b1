"""CSV downloads that open safely and correctly in Excel."""
from __future__ import annotations

import re

import pandas as pd

from .numbers import MINUS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as the pages write it (1,357 · −0.52 · +0.21 · 45.2%): a spreadsheet must read it as a number.
NUMBER = re.compile(rf"[+\-{MINUS}]?(\d{{1,3}}(,\d{{3}})+|\d+)(\.\d+)?%?")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice); a
    cell that is a number is written as a plain number (ASCII minus, no thousands separator), so that Excel
    sorts and sums it; everything else is left as it is."""
    if not isinstance(value, str):
        return value
    if NUMBER.fullmatch(value):
        return value.replace(MINUS, "-").replace(",", "").removeprefix("+")
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV: formula-like text neutralised, UTF-8 with a BOM so that Excel reads "–" and "é"."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")
