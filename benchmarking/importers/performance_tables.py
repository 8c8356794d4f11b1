"""DfE's KS4 and KS2 performance-table files ("Find and compare schools in England" downloads), final or
provisional, headline or full-width."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..measures import MEASURES_BY_CODE
from ..reference import ALL_ENGLAND_LAS, SCHOOL_TYPES
from .admissions import admissions, sex_of_entry
from .columns import ResultColumns, column_or_blank, long_values, no_repeats, results, urns
from .parsed import FileKind, ParsedFile
from .pupil_groups import KS2_SPECS, KS4_SPECS, group_results
from .text import LINE, TextTable, check_widths

SCHOOL_RECTYPES = {"1", "2"}  # 1 mainstream school, 2 special school; the others are LA and national rows
# England's state-funded schools: RECTYPE 7 in KS4 files, 5 in KS2 files (4 and 5 in KS4 are all schools and
# LA rows; 3 and 4 in KS2).
NATIONAL_RECTYPE = {"secondary": "7", "primary": "5"}

KS4_RESULTS = (
    ResultColumns("ks4_att8", ("ATT8SCR",), n=("TPUP",)),
    ResultColumns("ks4_p8", ("P8MEA",), ("P8CILOW",), ("P8CIUPP",), ("P8PUP",)),
    ResultColumns("ks4_p8_uncapped", ("P8MEA_ORIG",), ("P8CILOW_ORIG",), ("P8CIUPP_ORIG",), ("P8PUP",)),
    ResultColumns("ks4_p8_english", ("P8MEAENG",), ("P8MEAENG_CILOW",), ("P8MEAENG_CIUPP",), ("P8PUP",)),
    ResultColumns("ks4_p8_maths", ("P8MEAMAT",), ("P8MEAMAT_CILOW",), ("P8MEAMAT_CIUPP",), ("P8PUP",)),
    ResultColumns("ks4_att8_english", ("ATT8SCRENG",), n=("TPUP",)),
    ResultColumns("ks4_att8_maths", ("ATT8SCRMAT",), n=("TPUP",)),
    ResultColumns("ks4_p8_band_published", ("P8_BANDING",), n=("P8PUP",)),
    ResultColumns("ks4_basics_94", ("PTL2BASICS_94",), n=("TPUP",)),
    ResultColumns("ks4_basics_95", ("PTL2BASICS_95",), n=("TPUP",)),
    ResultColumns("ks4_5em_94", ("PT5EM_94",), n=("TPUP",)),
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
    # A progress measure's pupils are the eligible pupils it covers (READCOV ...), not all of TELIG.
    ResultColumns("ks2_read_progress", ("READPROG",), ("READPROG_LOWER",), ("READPROG_UPPER",), ("TELIG",), ("READCOV",)),
    ResultColumns("ks2_writ_progress", ("WRITPROG",), ("WRITPROG_LOWER",), ("WRITPROG_UPPER",), ("TELIG",), ("WRITCOV",)),
    ResultColumns("ks2_mat_progress", ("MATPROG",), ("MATPROG_LOWER",), ("MATPROG_UPPER",), ("TELIG",), ("MATCOV",)),
    ResultColumns("ks2_read_band_published", ("READPROG_DESCR",), n=("TELIG",), coverage=("READCOV",)),
    ResultColumns("ks2_writ_band_published", ("WRITPROG_DESCR",), n=("TELIG",), coverage=("WRITCOV",)),
    ResultColumns("ks2_mat_band_published", ("MATPROG_DESCR",), n=("TELIG",), coverage=("MATCOV",)),
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


def national_figures(frame: pd.DataFrame, rectype: pd.Series, parsed: ParsedFile, phase: str, results_spec,
                     group_specs) -> pd.DataFrame | None:
    """England's figures from the file's national row for state-funded schools (statistic 'average')."""
    rows = frame[rectype == NATIONAL_RECTYPE[phase]].head(1).reset_index(drop=True)
    if rows.empty:
        return None
    key = pd.Series([0] * len(rows))
    # National rows carry 0.0 to 0.0 in the CI columns: England's figure has no interval.
    no_ci = lambda spec: replace(spec, ci_low=(), ci_high=())  # noqa: E731
    parts = [results(rows, key, parsed.year, tuple(no_ci(s) for s in results_spec), parsed.name),
             group_results(rows, key, parsed.year, [(g, no_ci(s)) for g, s in group_specs], parsed.name)]
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    for column in ("grouping", "grp"):
        out[column] = out[column].astype(object).fillna("all") if column in out else "all"
    return out.assign(statistic="average", source=parsed.name)[
        ["year", "measure", "grouping", "grp", "statistic", "value", "ci_low", "ci_high", "n", "source"]]


def england_medians(schools: pd.DataFrame, results_rows: pd.DataFrame | None, parsed: ParsedFile) -> pd.DataFrame | None:
    """The median of England's state-funded mainstream schools, for each measure, when the file covers all
    of England (statistic 'median'); None for an LA's file, whose schools say nothing about England."""
    if results_rows is None or schools["la_code"].nunique() < ALL_ENGLAND_LAS:
        return None
    in_scope = schools.loc[(schools["state_funded"] == True) & (schools["mainstream"] == True), "urn"]  # noqa: E712
    rows = results_rows[results_rows["urn"].isin(in_scope) & results_rows["value"].notna()]
    rows = rows[rows["measure"].map(lambda m: MEASURES_BY_CODE[m].unit != "band")]
    medians = rows.groupby("measure").agg(value=("value", "median"), n=("value", "size")).reset_index()
    return medians.assign(year=parsed.year, grouping="all", grp="all", statistic="median", ci_low=None, ci_high=None,
                          source=parsed.name)


def _parse(table: TextTable, parsed: ParsedFile, phase: str, results_spec, context_spec, group_specs) -> None:
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
        "sex_of_entry": sex_of_entry(column_or_blank(rows, "EGENDER")),
        "admissions": admissions(column_or_blank(rows, "ADMPOL_PT"), column_or_blank(rows, "ADMPOL")),
    })
    parsed.tables["results"] = results(rows, urn, parsed.year, results_spec, parsed.name)
    parsed.tables["group_results"] = group_results(rows, urn, parsed.year, group_specs, parsed.name)
    parsed.tables["context"] = long_values(rows, urn, parsed.year, context_spec, parsed.name)
    national = [national_figures(frame, rectype, parsed, phase, results_spec, group_specs),
                england_medians(parsed.tables["schools"], parsed.tables["results"], parsed)]
    national = [part for part in national if part is not None]
    parsed.tables["national_figures"] = pd.concat(national, ignore_index=True) if national else None
    parsed.keys = pd.DataFrame({"key": urn, "line": rows[LINE]})


def parse_ks4(table: TextTable, parsed: ParsedFile) -> None:
    # DfE's provisional KS4 file is headline-only; the final ("revised") file has every measure.
    parsed.variant = "final" if "KS2APS" in table.frame.columns or table.width > 100 else "provisional"
    _parse(table, parsed, "secondary", KS4_RESULTS, KS4_CONTEXT, KS4_SPECS)


def parse_ks2(table: TextTable, parsed: ParsedFile) -> None:
    _parse(table, parsed, "primary", KS2_RESULTS, KS2_CONTEXT, KS2_SPECS)


KS4 = FileKind("ks4", "KS4 results", frozenset({"RECTYPE", "URN", "ATT8SCR", "P8MEA"}),
               ("RECTYPE", "URN", "SCHNAME", "ATT8SCR", "P8MEA", "P8CILOW", "P8CIUPP", "P8PUP"),
               needs_year=True, parse=parse_ks4, write_order=4)
KS2 = FileKind("ks2", "KS2 results", frozenset({"RECTYPE", "URN", "READPROG", "TELIG"}),
               ("RECTYPE", "URN", "SCHNAME", "TELIG", "READPROG", "READPROG_LOWER", "READPROG_UPPER",
                "WRITPROG", "WRITPROG_LOWER", "WRITPROG_UPPER", "MATPROG", "MATPROG_LOWER", "MATPROG_UPPER"),
               needs_year=True, parse=parse_ks2, write_order=5)
