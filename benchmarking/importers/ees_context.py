"""What DfE publishes today about each school's pupils, beside its results: the school census ("Schools,
pupils and their characteristics", school-level underlying data), the SEN release's school-level data
("Special educational needs in England"), and the KS2 school information file (each school's cohort at the
end of KS2: its size, disadvantage, EAL, SEN and KS1 prior attainment).

The census and SEN files name their columns in plain English ("headcount of pupils", "% of pupils known to
be eligible for free school meals", "Total pupils", "EHC plan", "SEN support"), in either case across years
(`URN` in one release, `urn` in the next): they are read without regard to case. A school's figures of an
academic year are the census of January of that year: 202425 is the census of January 2025, stored as 2025,
beside the summer 2025 results.
"""
from __future__ import annotations

import pandas as pd

from ..errors import BenchmarkingError
from .columns import column_or_blank, long_values, no_repeats, numeric, urns
from .ees import REQUIRED, concat, la_codes, levels, skipped_note, versions, years_of
from .parsed import FileKind, ParsedFile
from .school_lists import CENSUS_PHASES
from .text import TextTable, check_widths

SPC_CONTEXT = {
    "pupils_on_roll": ("headcount of pupils",),
    "pct_fsm": ("% of pupils known to be eligible for free school meals",),
    "pct_eal": ("% of pupils whose first language is known or believed to be other than english",),
}
SPC_PHASES = CENSUS_PHASES | {"State-funded AP school": ("alternative provision", True, False),
                              "State-funded special": ("special", True, False)}
KS2_INFORMATION = {
    "ks2_cohort": ("telig",),
    "ks2_cohort_pct_disadvantaged": ("ptfsm6cla1a",),
    "ks2_cohort_pct_eal": ("ptealgrp2",),
    "ks2_cohort_pct_sen_support": ("psenelk",),
    "ks2_cohort_pct_ehcp": ("psenele",),
    "ks2_prior_attainment": ("tks1average",),
    "pupils_on_roll": ("totpups",),
}


def row_years(frame: pd.DataFrame, parsed: ParsedFile) -> pd.Series:
    """Each row's year: its `time_period` where the file has one, else the year its folder (or --year) gives."""
    if "time_period" in frame:
        return years_of(frame, parsed.name)
    if parsed.given_year is None:
        raise BenchmarkingError(
            f"{parsed.name}: this {parsed.kind.label} file has no time_period column, so its year is unknown. Put "
            "it in a folder named like 2024-2025, or give the year (--year 2025: the January census of 2024-25).")
    return pd.Series(parsed.given_year, index=frame.index)


def by_year(rows: pd.DataFrame, urn: pd.Series, years: pd.Series, mapping: dict, name: str) -> pd.DataFrame | None:
    """Context measures of every row, each in its own year."""
    return concat([long_values(rows[(years == y).to_numpy()], urn[(years == y).to_numpy()], int(y), mapping, name)
                   for y in sorted(set(years[years > 0]))])


def school_rows(table: TextTable, parsed: ParsedFile, urn_column: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The rows about schools (a school URN, at school level where the file says), their URNs and years,
    each school once a year; the others are counted as skipped."""
    check_widths(table, parsed.name)
    frame = table.frame
    school = frame[urn_column].str.strip().str.fullmatch(r"\d+")
    if "geographic_level" in frame:
        school &= levels(frame) == "school"
    parsed.rows_skipped = int((~school).sum())
    parsed.note = skipped_note({"places other than schools": parsed.rows_skipped})
    parsed.variant = versions(frame)
    rows = frame[school].reset_index(drop=True)
    urn = urns(rows, parsed.name, urn_column)
    years = row_years(rows, parsed).reset_index(drop=True)
    no_repeats(rows, urn.astype(str) + " in " + years.astype(str), parsed.name, urn_column, "school and year")
    return rows, urn, years


def parse_spc(table: TextTable, parsed: ParsedFile) -> None:
    rows, urn, years = school_rows(table, parsed, "urn")
    parsed.tables["context"] = by_year(rows, urn, years, SPC_CONTEXT, parsed.name)
    kinds = column_or_blank(rows, "phase_type_grouping").str.strip().map(SPC_PHASES)
    part = lambda i: kinds.map(lambda k: k[i] if isinstance(k, tuple) else None)  # noqa: E731
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": column_or_blank(rows, "school_name").str.strip().replace("", None),
        "la_code": la_codes(rows.rename(columns={"laestab": "school_laestab"})), "phase_rank": 2,
        "phase": part(0), "state_funded": part(1), "mainstream": part(2)}).drop_duplicates("urn", keep="last")
    parsed.keys = None  # each school once a year is checked above


def parse_sen(table: TextTable, parsed: ParsedFile) -> None:
    rows, urn, years = school_rows(table, parsed, "urn")
    total = numeric(rows, "total pupils", parsed.name, (0, None, True))
    parts = []
    for measure, column in (("pct_sen_support", "sen support"), ("pct_ehcp", "ehc plan")):
        count = numeric(rows, column, parsed.name, (0, None, True))
        share = 100 * count.values / total.values.where(total.values > 0)
        reason = count.reasons.fillna(total.reasons).fillna("NA")
        parts.append(pd.DataFrame({"urn": urn, "year": years, "measure": measure, "value": share.clip(0, 100),
                                   "reason": reason.where(share.isna(), None)}))
    frame = pd.concat(parts, ignore_index=True)
    parsed.tables["context"] = frame[frame["year"] > 0]
    parsed.keys = None


def parse_ks2_information(table: TextTable, parsed: ParsedFile) -> None:
    rows, urn, years = school_rows(table, parsed, "school_urn")
    parsed.tables["context"] = by_year(rows, urn, years, KS2_INFORMATION, parsed.name)
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": column_or_blank(rows, "school_name").str.strip().replace("", None),
        "la_code": la_codes(rows), "phase": None, "phase_rank": 0}).drop_duplicates("urn", keep="last")
    parsed.keys = None


SPC = FileKind("spc", "school census (Schools, pupils and their characteristics, school level)",
               frozenset({"urn", "headcount of pupils", "% of pupils known to be eligible for free school meals"}),
               ("urn", "headcount of pupils", "% of pupils known to be eligible for free school meals"),
               needs_year=False, parse=parse_spc, write_order=3, key_column="urn", case_insensitive=True)
SEN = FileKind("sen", "SEN in schools (Special educational needs in England, school level)",
               frozenset({"urn", "total pupils", "ehc plan", "sen support"}),
               ("urn", "total pupils", "ehc plan", "sen support"),
               needs_year=False, parse=parse_sen, write_order=3, key_column="urn", case_insensitive=True)
KS2_INFO = FileKind("ks2_information", "KS2 school information (Explore Education Statistics)",
                    frozenset({"time_period", "geographic_level", "school_urn", "telig", "ptfsm6cla1a"}),
                    REQUIRED + ("telig",), needs_year=False, parse=parse_ks2_information, write_order=3,
                    key_column="school_urn")
