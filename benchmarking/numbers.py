"""Numbers as people read them, the same on every page, CSV, document and chart label: a dash where a value is
missing, thousands separated, a real minus sign (−), and never "−0.00"."""
from __future__ import annotations

import pandas as pd

MINUS = "\u2212"
MISSING = "–"


def number(value, digits: int = 2, sign: bool = False) -> str:
    """1,357 · 45.2 · −0.20 · with `sign`, +0.21 (zero shows no sign: 0.00)."""
    if value is None or pd.isna(value):
        return MISSING
    value = float(value)
    if round(value, digits) == 0:
        return f"{0:.{digits}f}"
    text = f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
    return text.replace("-", MINUS)


def rounded(values: pd.Series, digits: int) -> pd.Series:
    """Numbers rounded as shown, for a table that sorts by them: never −0.0."""
    return values.astype(float).round(digits) + 0.0


def interval(low, high, digits: int = 2) -> str:
    """A 95% confidence interval, "−0.45 to +0.06"; a dash where there is none."""
    if MISSING in (number(low, digits), number(high, digits)):
        return MISSING
    return f"{number(low, digits, sign=True)} to {number(high, digits, sign=True)}"



def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
