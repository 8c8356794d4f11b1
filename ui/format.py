"""Numbers and intervals as people read them."""
from __future__ import annotations

import re

import pandas as pd

# Characters Markdown (and Streamlit's extensions: :emoji:, :red[...], $maths$) would read as formatting.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def plain(text) -> str:
    """Text from a file (a school's name, say), escaped so that Streamlit shows it as written: never as
    Markdown, a link, an image or HTML."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def fmt(value, digits: int = 2, sign: bool = False) -> str:
    """A number for people: a dash where it is missing, and never "-0.00"."""
    if value is None or pd.isna(value):
        return "–"
    if round(float(value), digits) == 0:
        value = 0.0
    return f"{value:+.{digits}f}" if sign else f"{value:,.{digits}f}"


def ci_text(low, high, digits: int = 2) -> str:
    """A 95% confidence interval, "−0.45 to +0.06"; a dash where there is none."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "–"
    return f"{fmt(low, digits, sign=True)} to {fmt(high, digits, sign=True)}"
