"""Files that say what each school is and where: the January school census, DfE's school information
(spine), GIAS establishment extracts and GIAS links (URN changes)."""
from __future__ import annotations

import pandas as pd

from .admissions import admissions, sex_of_entry
from .columns import column_or_blank, long_values, no_repeats, urns
from .parsed import FileKind, ParsedFile
from .performance_tables import school_type_columns
from .text import LINE, TextTable, check_widths

CENSUS_CONTEXT = {
    "pupils_on_roll": ("NOR",),
    "pct_disadvantaged": ("PNUMFSMEVER",),
    "pct_eal": ("PNUMEAL",),
    "pct_sen_support": ("PSENELK",),
    "pct_ehcp": ("PSENELSE",),
    "pct_girls": ("PNORG",),
}
CENSUS_PHASES = {
    "State-funded primary": ("primary", True, True),
    "State-funded secondary": ("secondary", True, True),
    "State-funded special school": ("special", True, False),
    "State-funded nursery": ("nursery", True, True),
    "Pupil referral unit": ("alternative provision", True, False),
    "Independent school": (None, False, None),
    "Non-maintained special school": ("special", False, False),
}
GIAS_PHASES = {
    "Primary": "primary", "Middle deemed primary": "primary", "Secondary": "secondary",
    "Middle deemed secondary": "secondary", "All-through": "all-through", "Nursery": "nursery",
    "16 plus": "16 plus",
}


def _la(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("Int64")


def parse_census(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    is_school = frame["URN"].str.strip().str.fullmatch(r"\d+")
    parsed.rows_skipped = int((~is_school).sum())
    rows = frame[is_school].reset_index(drop=True)
    urn = urns(rows, parsed.name)
    no_repeats(rows, urn, parsed.name)
    parsed.tables["context"] = long_values(rows, urn, parsed.year, CENSUS_CONTEXT, parsed.name)
    if "SCHOOLTYPE" in rows:
        kinds = rows["SCHOOLTYPE"].str.strip().map(CENSUS_PHASES)
        parsed.tables["schools"] = pd.DataFrame({
            "urn": urn, "name": None, "la_code": _la(rows, "LA"), "phase_rank": 2,
            "phase": kinds.map(lambda k: k[0] if isinstance(k, tuple) else None),
            "state_funded": kinds.map(lambda k: k[1] if isinstance(k, tuple) else None),
            "mainstream": kinds.map(lambda k: k[2] if isinstance(k, tuple) else None),
        })
    else:
        parsed.tables["schools"] = pd.DataFrame({"urn": urn, "name": None, "phase_rank": 0, "la_code": _la(rows, "LA")})
    parsed.keys = pd.DataFrame({"key": urn, "line": rows[LINE]})


def parse_spine(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    urn = urns(frame, parsed.name)
    no_repeats(frame, urn, parsed.name)
    primary = frame["ISPRIMARY"].str.strip() == "1"
    secondary = frame["ISSECONDARY"].str.strip() == "1"
    special = column_or_blank(frame, "MINORGROUP").str.contains("Special", na=False)
    phase = pd.Series(None, index=frame.index, dtype=object)
    phase[primary] = "primary"
    phase[secondary] = "secondary"
    phase[primary & secondary] = "all-through"
    phase[special] = "special"
    types = school_type_columns(column_or_blank(frame, "NFTYPE"), special)
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": frame["SCHNAME"].str.strip(), "la_code": _la(frame, "LA"),
        "phase": phase, "phase_rank": 2, "is_open": frame["ICLOSE"].str.strip() != "1",
        "sex_of_entry": sex_of_entry(column_or_blank(frame, "GENDER")),
        "admissions": admissions(column_or_blank(frame, "ADMPOL")),
        **{c: types[c] for c in ("school_type", "state_funded", "mainstream")},
    })
    parsed.keys = pd.DataFrame({"key": urn, "line": frame[LINE]})


def parse_gias(table: TextTable, parsed: ParsedFile) -> None:
    # GIAS extracts carry unnamed extra trailing fields (more linked establishments): allowed.
    check_widths(table, parsed.name, long_ok=True)
    frame = table.frame
    urn = urns(frame, parsed.name)
    no_repeats(frame, urn, parsed.name)
    group = column_or_blank(frame, "EstablishmentTypeGroup (name)").str.strip()
    special = group.str.contains("Special", na=False)
    phase = column_or_blank(frame, "PhaseOfEducation (name)").str.strip().map(GIAS_PHASES).where(~special, "special")
    type_name = column_or_blank(frame, "TypeOfEstablishment (name)").str.strip()
    state_funded = ~group.isin(["Independent schools", "Other types", "Welsh schools", "Universities", "Colleges"])
    # Special schools, pupil referral units and alternative provision are not mainstream.
    not_mainstream = special | type_name.str.contains("pupil referral|alternative provision", case=False, na=False)
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": frame["EstablishmentName"].str.strip(), "la_code": _la(frame, "LA (code)"),
        "phase": phase, "phase_rank": 3, "school_type": type_name.where(type_name != "", None),
        "state_funded": state_funded, "mainstream": (~not_mainstream).where(state_funded & (group != ""), None),
        "is_open": column_or_blank(frame, "EstablishmentStatus (name)").str.startswith("Open"),
        "lsoa": column_or_blank(frame, "LSOA (code)").str.strip().replace("", None),
        "sex_of_entry": sex_of_entry(column_or_blank(frame, "Gender (name)")),
        "admissions": admissions(column_or_blank(frame, "AdmissionsPolicy (name)")),
    })
    parsed.keys = pd.DataFrame({"key": urn, "line": frame[LINE]})


def parse_links(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    urn = urns(frame, parsed.name)
    link_urn = urns(frame, parsed.name, "LinkURN")
    link_type = frame["LinkType"].str.strip()
    no_repeats(frame, urn.astype(str) + " to " + link_urn.astype(str) + " (" + link_type + ")", parsed.name,
               "LinkURN", "link")
    dates = pd.to_datetime(column_or_blank(frame, "LinkEstablishedDate"), format="%d-%m-%Y", errors="coerce").dt.date
    parsed.tables["school_links"] = pd.DataFrame({"urn": urn, "link_urn": link_urn, "link_type": link_type,
                                                  "established": dates})


CENSUS = FileKind("census", "school census", frozenset({"URN", "NOR", "PNUMFSMEVER", "PSENELK"}),
                  ("URN", "LA", "NOR", "PNUMFSMEVER", "PNUMEAL", "PSENELK", "PSENELSE"),
                  needs_year=True, parse=parse_census, write_order=3)
SPINE = FileKind("spine", "school information (spine)", frozenset({"URN", "SCHNAME", "ISPRIMARY", "ISSECONDARY"}),
                 ("URN", "SCHNAME", "LA", "ISPRIMARY", "ISSECONDARY", "ICLOSE"),
                 needs_year=False, parse=parse_spine, write_order=2)
GIAS = FileKind("gias", "GIAS establishments", frozenset({"URN", "EstablishmentName", "LA (code)"}),
                ("URN", "EstablishmentName", "LA (code)"), needs_year=False, parse=parse_gias, write_order=1)
GIAS_LINKS = FileKind("gias_links", "GIAS links", frozenset({"URN", "LinkURN", "LinkType"}),
                      ("URN", "LinkURN", "LinkType"), needs_year=False, parse=parse_links, write_order=0)
