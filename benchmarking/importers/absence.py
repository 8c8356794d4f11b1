"""Pupil absence by school: overall absence (the share of sessions missed) and persistent absence (the share of
pupils missing 10% or more of their sessions), for a whole academic year.

Two files give it: DfE's "Pupil absence in schools in England" on Explore Education Statistics (the school
level file, `sess_overall_percent` and `enrolments_pa_10_exact_percent` over `enrolments`), and the older
performance tables' absence file (`england_abs.csv`: PERCTOT and PPERSABS10). The performance tables of a
year publish the year before's absence (2018-19's tables carry 2017-18 absence): it is stored in its own year.
"""
from __future__ import annotations

import pandas as pd

from .columns import ResultColumns, column_or_blank, no_repeats, results, urns
from .ees import GEOGRAPHY, concat, is_total, levels, skipped_note, versions, years_of
from .parsed import FileKind, ParsedFile
from .text import TextTable, check_widths

EES_ABSENCE = (
    ResultColumns("absence_overall", ("sess_overall_percent",), n=("enrolments",)),
    ResultColumns("absence_persistent", ("enrolments_pa_10_exact_percent",), n=("enrolments",)),
)
TABLES_ABSENCE = (ResultColumns("absence_overall", ("PERCTOT",)), ResultColumns("absence_persistent", ("PPERSABS10",)))
ANNUAL = {"academic year", "full academic year", "autumn, spring and summer term"}
PHASE_GROUPS = {"pri": "primary", "sec": "secondary", "spe": "special", "state-funded primary": "primary",
                "state-funded secondary": "secondary", "special": "special"}


def parse_ees_absence(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    level = levels(frame)
    year = years_of(frame, parsed.name)
    annual = column_or_blank(frame, "time_identifier").str.strip().str.lower().isin(ANNUAL) | \
        (column_or_blank(frame, "time_identifier").str.strip() == "")
    phase = column_or_blank(frame, "education_phase").str.strip()
    school = (level == "school") & annual
    whole = school & one_row_per_school(frame[school], phase[school]).reindex(frame.index, fill_value=False)
    national = (level == "national") & annual
    parsed.rows_skipped = int((~(whole | national)).sum())
    parsed.note = skipped_note({"places other than schools": int((level != "school").sum() - national.sum()),
                                "part-year figures": int(((level == "school") & ~annual).sum()),
                                "rows by phase of a school with several (its whole-school or largest row is kept)":
                                    int((school & ~whole).sum())})
    parsed.variant = versions(frame)
    rows = frame[whole].reset_index(drop=True)
    urn = urns(rows, parsed.name, "school_urn")
    row_years = year[whole].reset_index(drop=True)
    no_repeats(rows, urn.astype(str) + " in " + row_years.astype(str), parsed.name, "school_urn", "school and year")
    parsed.tables["results"] = concat([results(rows[(row_years == y).to_numpy()], urn[(row_years == y).to_numpy()],
                                               int(y), EES_ABSENCE, parsed.name) for y in sorted(set(row_years[row_years > 0]))])
    parsed.tables["national_figures"] = national_rows(frame[national], year[national], phase[national],
                                                      EES_ABSENCE, parsed.name)
    parsed.keys = None


def one_row_per_school(rows: pd.DataFrame, phase: pd.Series) -> pd.Series:
    """Which of a school's rows of a year to keep: its row for all its pupils where it has one (an
    all-through school may have rows by phase too), else the row with the most enrolments."""
    enrolments = pd.to_numeric(column_or_blank(rows, "enrolments").str.replace(",", ""), errors="coerce").fillna(-1)
    order = pd.DataFrame({"key": rows["school_urn"].str.strip() + " " + rows["time_period"].astype(str).str.strip(),
                          "total": phase.map(is_total), "enrolments": enrolments}, index=rows.index)
    best = order.sort_values(["total", "enrolments"], ascending=False).drop_duplicates("key").index
    return pd.Series(rows.index.isin(best), index=rows.index)


def national_rows(frame: pd.DataFrame, years: pd.Series, phases: pd.Series, specs, name: str) -> pd.DataFrame | None:
    """England's absence, for all pupils and by phase, as national figures."""
    parts = []
    for (y, phase), part in frame.groupby([years, phases.str.lower()]):
        grouping, grp = ("all", "all") if is_total(phase) or phase == "" else ("phase", PHASE_GROUPS.get(phase, phase))
        found = results(part.head(1), pd.Series([0]), int(y), specs, name)
        if found is not None:
            parts.append(found.dropna(subset=["value"]).assign(grouping=grouping, grp=grp, statistic="average",
                                                               source=name))
    out = concat(parts)
    return None if out is None else out.drop(columns=["urn", "reason"])


def parse_tables_absence(table: TextTable, parsed: ParsedFile) -> None:
    """The performance tables' file: one row per school, then LA and national rows (LA "NAT", ESTAB "PRI" or
    "SEC"); stored in the year before the tables' own."""
    check_widths(table, parsed.name)
    frame = table.frame
    parsed.year = parsed.year - 1
    school = frame["URN"].str.strip().str.fullmatch(r"\d+")
    national = frame["LA"].str.strip().str.upper().eq("NAT")
    parsed.rows_skipped = int((~school).sum())
    parsed.note = (f"absence of {parsed.year - 1}-{str(parsed.year)[2:]} (the performance tables of a year publish "
                   "the year before's absence)")
    rows = frame[school].reset_index(drop=True)
    urn = urns(rows, parsed.name)
    no_repeats(rows, urn, parsed.name)
    parsed.tables["results"] = results(rows, urn, parsed.year, TABLES_ABSENCE, parsed.name)
    parsed.tables["national_figures"] = national_rows(frame[national], pd.Series(parsed.year, index=frame[national].index),
                                                      frame.loc[national, "ESTAB"].str.strip(), TABLES_ABSENCE, parsed.name)
    parsed.keys = pd.DataFrame({"key": urn, "line": rows["_line"]})


ABSENCE = FileKind("absence", "pupil absence (Explore Education Statistics, school level)",
                   frozenset({"time_period", "geographic_level", "school_urn", "sess_overall_percent"}),
                   GEOGRAPHY + ("school_urn", "sess_overall_percent", "enrolments_pa_10_exact_percent"),
                   needs_year=False, parse=parse_ees_absence, write_order=5, key_column="school_urn")
TABLES_ABSENCE_KIND = FileKind("absence", "pupil absence (performance tables)",
                               frozenset({"URN", "PERCTOT", "PPERSABS10"}), ("LA", "URN", "PERCTOT", "PPERSABS10"),
                               needs_year=True, parse=parse_tables_absence, write_order=5)
