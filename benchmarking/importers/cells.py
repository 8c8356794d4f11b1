"""Turn DfE cells ("66.2%", "1,234", "SUPP", "") into numbers, keeping why a value is missing."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..reference import MISSING_CODES


@dataclass
class ParsedColumn:
    values: pd.Series  # float, NaN where missing
    reasons: pd.Series  # object: a MISSING_CODES key where missing, None where present
    invalid: pd.Series  # bool: neither a number nor a known code


def parse_numeric(cells: pd.Series) -> ParsedColumn:
    """Parse a column of DfE cells. `%` and thousands separators are stripped; codes become reasons."""
    text = cells.fillna("").astype(str).str.strip()
    upper = text.str.upper()
    reasons = pd.Series(np.where(upper.isin(list(MISSING_CODES)), upper, None), index=cells.index, dtype=object)
    reasons[text == ""] = "BLANK"
    cleaned = text.str.replace("%", "", regex=False).str.replace(",", "", regex=False)
    values = pd.to_numeric(cleaned.where(reasons.isna()), errors="coerce")
    invalid = values.isna() & reasons.isna()
    return ParsedColumn(values=values.astype(float), reasons=reasons, invalid=invalid)
