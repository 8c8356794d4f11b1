"""Who a school admits, as each file spells it: sex of entry (boys, girls or mixed) and admissions
(selective or not). Performance tables, DfE's spine and GIAS use different codes for the same thing."""
from __future__ import annotations

import pandas as pd

SEX_OF_ENTRY = {"BOYS": "boys", "GIRLS": "girls", "MIXED": "mixed"}
# ADMPOL (COMP, SEL, MOD, NSE), ADMPOL_PT (SEL, NON SEL IN HIGHLY SEL AREA, OTHER NON SEL), and GIAS and
# the spine's AdmissionsPolicy (Selective, Non-selective). Unknown or "not applicable": nothing is said.
ADMISSIONS = {"SEL": "selective", "SELECTIVE": "selective", "COMP": "non-selective", "MOD": "non-selective",
              "NSE": "non-selective", "NON SEL IN HIGHLY SEL AREA": "non-selective",
              "OTHER NON SEL": "non-selective", "NON-SELECTIVE": "non-selective"}


def _codes(column: pd.Series, mapping: dict[str, str]) -> pd.Series:
    return column.fillna("").astype(str).str.strip().str.upper().map(mapping).astype(object)


def sex_of_entry(column: pd.Series) -> pd.Series:
    """boys, girls or mixed from EGENDER, GENDER or GIAS's Gender (name); None where not said."""
    return _codes(column, SEX_OF_ENTRY)


def admissions(*columns: pd.Series) -> pd.Series:
    """selective or non-selective from the first of the columns that says (ADMPOL_PT before ADMPOL)."""
    out = pd.Series(None, index=columns[0].index, dtype=object)
    for column in columns:
        out = out.where(out.notna(), _codes(column, ADMISSIONS))
    return out
