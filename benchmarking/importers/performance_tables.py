"""DfE's KS4 and KS2 performance-table files ("Find and compare schools in England" downloads), final or
provisional, headline or full-width."""
from __future__ import annotations

import pandas as pd

from ..reference import SCHOOL_TYPES
from .columns import ResultColumns, column_or_blank, long_values, no_repeats, results, urns
from .parsed import FileKind, ParsedFile
from .text import LINE, TextTable, check_widths

SCHOOL_RECTYPES = {"1", "2"}  # 1 mainstream school, 2 special school; 4, 5 and 7 are LA and national rows

KS4_RESULTS = (
    ResultColumns("ks4_att8", ("ATT8SCR",), n=("TPUP",)),
    ResultColumns("ks4_p8", ("P8MEA",), ("P8CILOW",), ("P8CIUPP",), ("P8PUP",)),
    ResultColumns("ks4_p8_band_published", ("P8_BANDING",), n=("P8PUP",)),
    ResultColumns("ks4_basics_94", ("PTL2BASICS_94",), n=("TPUP",)),
    ResultColumns("ks4_basics_95", ("PTL2BASICS_95",), n=("TPUP",)),
    ResultColumns("ks4_ebacc_aps", ("EBACCAPS",), n=("TPUP",)),
    ResultColumns("ks4_ebacc_entry", ("PTEBACC_E_PTQ_EE",), n=("TPUP",)),
    ResultColumns("ks4_ebacc_94", ("PTEBACC_94",), n=("TPUP",)),
    ResultColumns("ks4_ebacc_95", ("PTEBACC_95",), n=("TPUP",)),
)
KS4_CONTEXT = {
    "ks4_cohort": ("TPUP",),
    "ks4_prior_attainment": ("KS2APS",),
    "ks4_cohort_pct_disadvantaged": ("PTFSM6CLA1A",),
    "ks4_cohort_pct_eal": ("PTEALGRP2",),
    "ks4_cohort_pct_sen_support": ("PSENAPK4",),
    "ks4_cohort_pct_ehcp": ("PSENSE4",),
    "pupils_on_roll": ("TOTPUPS",),
}
KS2_RESULTS = (
    ResultColumns("ks2_rwm_expected", ("PTRWM_EXP",), n=("TELIG",)),
    ResultColumns("ks2_rwm_higher", ("PTRWM_HIGH",), n=("TELIG",)),
    ResultColumns("ks2_read_progress", ("READPROG",), ("READPROG_LOWER",), ("READPROG_UPPER",), ("TELIG",)),
    ResultColumns("ks2_writ_progress", ("WRITPROG",), ("WRITPROG_LOWER",), ("WRITPROG_UPPER",), ("TELIG",)),
    ResultColumns("ks2_mat_progress", ("MATPROG",), ("MATPROG_LOWER",), ("MATPROG_UPPER",), ("TELIG",)),
    ResultColumns("ks2_read_average", ("READ_AVERAGE",), n=("TELIG",)),
    ResultColumns("ks2_mat_average", ("MAT_AVERAGE",), n=("TELIG",)),
)
KS2_CONTEXT = {
    "ks2_cohort": ("TELIG",),
    "ks2_prior_attainment": ("TKS1AVERAGE",),
    "ks2_cohort_pct_disadvantaged": ("PTFSM6CLA1A",),
    "ks2_cohort_pct_eal": ("PTEALGRP2",),
    "ks2_cohort_pct_sen_support": ("PSENELK",),
    "ks2_cohort_pct_ehcp": ("PSENELE", "PSENELSE"),
    "pupils_on_roll": ("TOTPUPS",),
}


def school_type_columns(nftype: pd.Series, special_row: pd.Series) -> pd.DataFrame:
    """Type, state funding and mainstream from DfE's NFTYPE code (special rows are never mainstream)."""
    code = nftype.fillna("").str.strip().str.upper()
    known = code.map(lambda c: SCHOOL_TYPES.get(c))
    return pd.DataFrame({
        "nftype": code.where(code != "", None),
        "school_type": known.map(lambda t: t[0] if t else None),
        "state_funded": known.map(lambda t: t[1] if t else None),
        "mainstream": known.map(lambda t: t[2] if t else None).where(~special_row, False),
    })


def _parse(table: TextTable, parsed: ParsedFile, phase: str, results_spec, context_spec) -> None:
    frame = table.frame
    rectype = frame["RECTYPE"].str.strip()
    school = rectype.isin(SCHOOL_RECTYPES) & (frame["URN"].str.strip() != "")
    # DfE's downloads omit trailing empty fields, so short rows are normal; but a short last school row is
    # a file cut off in the middle of that school.
    check_widths(table, parsed.name, short_ok=~(school & (frame[LINE] == table.last_line)))
    parsed.rows_skipped = int((~school).sum())
    rows = frame[school].reset_index(drop=True)
    urn = urns(rows, parsed.name)
    no_repeats(rows, urn, parsed.name)
    special = rectype[school].reset_index(drop=True) == "2"
    types = school_type_columns(column_or_blank(rows, "NFTYPE"), special)
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": rows["SCHNAME"].str.strip(),
        "la_code": pd.to_numeric(rows["LEA"], errors="coerce").astype("Int64") if "LEA" in rows else pd.NA,
        "phase": special.map({True: "special", False: phase}), "phase_rank": 1,
        **{c: types[c] for c in types.columns},
        "is_open": rows["ICLOSE"].str.strip() != "1" if "ICLOSE" in rows else None,
    })
    parsed.tables["results"] = results(rows, urn, parsed.year, results_spec, parsed.name)
    parsed.tables["context"] = long_values(rows, urn, parsed.year, context_spec, parsed.name)
    parsed.keys = pd.DataFrame({"key": urn, "line": rows[LINE]})


def parse_ks4(table: TextTable, parsed: ParsedFile) -> None:
    # DfE's provisional KS4 file is headline-only; the final ("revised") file has every measure.
    parsed.variant = "final" if "KS2APS" in table.frame.columns or table.width > 100 else "provisional"
    _parse(table, parsed, "secondary", KS4_RESULTS, KS4_CONTEXT)


def parse_ks2(table: TextTable, parsed: ParsedFile) -> None:
    _parse(table, parsed, "primary", KS2_RESULTS, KS2_CONTEXT)


KS4 = FileKind("ks4", "KS4 results", frozenset({"RECTYPE", "URN", "ATT8SCR", "P8MEA"}),
               ("RECTYPE", "URN", "SCHNAME", "ATT8SCR", "P8MEA", "P8CILOW", "P8CIUPP", "P8PUP"),
               needs_year=True, parse=parse_ks4, write_order=4)
KS2 = FileKind("ks2", "KS2 results", frozenset({"RECTYPE", "URN", "READPROG", "TELIG"}),
               ("RECTYPE", "URN", "SCHNAME", "TELIG", "READPROG", "READPROG_LOWER", "READPROG_UPPER",
                "WRITPROG", "WRITPROG_LOWER", "WRITPROG_UPPER", "MATPROG", "MATPROG_LOWER", "MATPROG_UPPER"),
               needs_year=True, parse=parse_ks2, write_order=5)
