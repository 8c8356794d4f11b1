"""Turn DfE cells ("66.2%", "1,234", "SUPP", "") into numbers, keeping why a value is missing."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..reference import MISSING_CODES

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass
class ParsedColumn:
    values: pd.Series  # float, NaN where missing
    reasons: pd.Series  # object: a MISSING_CODES key where missing, None where present
    invalid: pd.Series  # bool: neither a number nor a known code


def parse_cell(cell: str) -> tuple[float, str | None, bool]:
    """(value, reason it is missing, invalid) for one cell: `%` and thousands separators are stripped."""
    text = cell.strip()
    if text == "":
        return np.nan, "BLANK", False
    if text.upper() in MISSING_CODES:
        return np.nan, text.upper(), False
    cleaned = text.replace("%", "").replace(",", "")
    if NUMBER.fullmatch(cleaned):
        return float(cleaned), None, False
    return np.nan, None, True


def parse_numeric(cells: pd.Series) -> ParsedColumn:
    """Parse a column of DfE cells, each distinct cell once (a column holds few distinct texts, and
    full-width files have hundreds of columns)."""
    codes, distinct = pd.factorize(cells.fillna(""), sort=False)
    parsed = [parse_cell(str(text)) for text in distinct]
    values = np.array([p[0] for p in parsed], dtype=float)[codes] if parsed else np.zeros(0)
    reasons = np.array([p[1] for p in parsed], dtype=object)[codes] if parsed else np.zeros(0, dtype=object)
    invalid = np.array([p[2] for p in parsed], dtype=bool)[codes] if parsed else np.zeros(0, dtype=bool)
    return ParsedColumn(values=pd.Series(values, index=cells.index, dtype=float),
                        reasons=pd.Series(reasons, index=cells.index, dtype=object),
                        invalid=pd.Series(invalid, index=cells.index, dtype=bool))
