"""Import DfE performance-table, census and GIAS files exactly as published.

Each file's kind is detected from its header. Every file is parsed and validated before anything is
written, and all files of one import are written in one transaction: a bad file changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .csvfiles import checksum, read_header, read_text_table
from .dfe_values import parse_numeric
from .errors import BenchmarkingError
from .reference import SCHOOL_TYPES
from .store import Store
from .validation import FileProblem, Problem, checking, report

Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    pass


# -- what each kind of file holds -----------------------------------------------------------------

@dataclass(frozen=True)
class ResultColumns:
    measure: str
    value: tuple[str, ...]  # column aliases across years, first found wins
    ci_low: tuple[str, ...] = ()
    ci_high: tuple[str, ...] = ()
    n: tuple[str, ...] = ()


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
CENSUS_CONTEXT = {
    "pupils_on_roll": ("NOR",),
    "pct_disadvantaged": ("PNUMFSMEVER",),
    "pct_eal": ("PNUMEAL",),
    "pct_sen_support": ("PSENELK",),
    "pct_ehcp": ("PSENELSE",),
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

# (kind, label, columns that must all be in the header, needs a year)
KINDS = (
    ("gias_links", "GIAS links", {"URN", "LinkURN", "LinkType"}, False),
    ("gias", "GIAS establishments", {"URN", "EstablishmentName", "LA (code)"}, False),
    ("ks4", "KS4 results", {"RECTYPE", "URN", "ATT8SCR", "P8MEA"}, True),
    ("ks2", "KS2 results", {"RECTYPE", "URN", "READPROG", "TELIG"}, True),
    ("census", "school census", {"URN", "NOR", "PNUMFSMEVER", "PSENELK"}, True),
    ("spine", "school information (spine)", {"URN", "SCHNAME", "ISPRIMARY", "ISSECONDARY"}, False),
    ("p8_estimates", "Progress 8 national estimates", {"ks2emss_grp", "p8est"}, True),
    ("p8_sd", "Progress 8 national pupil SD", {"Progress 8"}, True),
)
KIND_LABELS = {kind: label for kind, label, _, _ in KINDS} | {"idaci": "area deprivation (IDACI by LSOA)"}


def detect_kind(header: list[str]) -> str | None:
    """The kind of DfE file a header belongs to, or None if this tool does not import it."""
    columns = set(header)
    for kind, _, required, _ in KINDS:
        if required <= columns:
            return kind
    return None


def year_from_path(path: Path) -> int | None:
    """The exam year from a folder named like 2018-2019 (that is 2019) or, failing that, like 2024."""
    parts = list(reversed(path.resolve().parts[:-1]))
    for part in parts:
        match = re.fullmatch(r"(\d{4})-(\d{4})", part)
        if match and int(match.group(2)) == int(match.group(1)) + 1:
            return int(match.group(2))
    for part in parts:
        if re.fullmatch(r"20\d\d", part):
            return int(part)
    return None


# -- parsing --------------------------------------------------------------------------------------

@dataclass
class ParsedFile:
    path: Path
    kind: str
    year: int | None
    checksum: str
    rows_read: int
    rows_skipped: int = 0
    schools: pd.DataFrame | None = None
    context: pd.DataFrame | None = None
    results: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    estimates: pd.DataFrame | None = None
    deprivation: pd.DataFrame | None = None
    national_sd: pd.DataFrame | None = None
    variant: str | None = None  # "final" or "provisional" for KS4 files

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind] + (f" ({self.variant})" if self.variant else "")

    @property
    def rows_stored(self) -> int:
        return self.rows_read - self.rows_skipped


def _first_column(table: pd.DataFrame, aliases: tuple[str, ...]) -> str | None:
    return next((a for a in aliases if a in table.columns), None)


def _numeric(table: pd.DataFrame, column: str, path: Path):
    """Parse one column; every cell that is neither a number nor a DfE code is reported."""
    parsed = parse_numeric(table[column])
    for position in np.flatnonzero(parsed.invalid.to_numpy()):
        report(Problem(path.name, int(table["_line"].iloc[position]), column,
                       "expected a number or a DfE code (SUPP, NE, NP, NA, LOWCOV, NEW...), "
                       f"found {str(table[column].iloc[position])[:30]!r}."))
    return parsed


def _required_numbers(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A column that must hold a number in every row (reference tables: groups, estimates, ranks).
    Gaps and codes are reported like any bad cell; 0 holds their place, as the check rejects the file."""
    parsed = _numeric(table, column, path)
    for position in np.flatnonzero(parsed.reasons.notna().to_numpy()):
        report(Problem(path.name, int(table["_line"].iloc[position]), column,
                       f"expected a number, found {str(table[column].iloc[position])[:30]!r}."))
    return parsed.values.fillna(0)


def _urns(table: pd.DataFrame, path: Path, column: str = "URN") -> pd.Series:
    urn = pd.to_numeric(table[column].str.strip(), errors="coerce")
    bad = urn.isna() | (urn <= 0) | (urn % 1 != 0)
    for position in np.flatnonzero(bad.to_numpy()):
        report(Problem(path.name, int(table["_line"].iloc[position]), column,
                       f"expected a school URN (a whole number), found {str(table[column].iloc[position])[:30]!r}."))
    return urn.where(~bad, 0).astype("int64")


def _long_values(table, urns, year, mapping, path) -> pd.DataFrame:
    """Context measures in long form: one row per school and measure, missing values with reasons."""
    frames = []
    for measure, aliases in mapping.items():
        column = _first_column(table, aliases)
        if column is None:
            continue
        parsed = _numeric(table, column, path)
        frames.append(pd.DataFrame({"urn": urns, "year": year, "measure": measure,
                                    "value": parsed.values, "reason": parsed.reasons}))
    return pd.concat(frames, ignore_index=True) if frames else None


def _results(table, urns, year, specs, path) -> pd.DataFrame:
    frames = []
    for spec in specs:
        column = _first_column(table, spec.value)
        if column is None:
            continue
        parsed = _numeric(table, column, path)
        frame = pd.DataFrame({"urn": urns, "year": year, "measure": spec.measure,
                              "value": parsed.values, "reason": parsed.reasons})
        for target, aliases in (("ci_low", spec.ci_low), ("ci_high", spec.ci_high), ("n", spec.n)):
            source = _first_column(table, aliases)
            frame[target] = _numeric(table, source, path).values if source else float("nan")
        # A confidence limit or pupil count means nothing beside a missing value.
        missing = frame["value"].isna()
        frame.loc[missing, ["ci_low", "ci_high"]] = float("nan")
        frame["n"] = frame["n"].round().astype("Int64")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else None


def _school_type_columns(nftype: pd.Series, special_row: pd.Series) -> pd.DataFrame:
    code = nftype.fillna("").str.strip().str.upper()
    known = code.map(lambda c: SCHOOL_TYPES.get(c))
    return pd.DataFrame({
        "nftype": code.where(code != "", None),
        "school_type": known.map(lambda t: t[0] if t else None),
        "state_funded": known.map(lambda t: t[1] if t else None),
        "mainstream": known.map(lambda t: t[2] if t else None).where(~special_row, False),
    })


def _key_stage_file(table, path, year, school_rectypes, phase, results_spec, context_spec, parsed):
    rectype = table["RECTYPE"].str.strip()
    schools_mask = rectype.isin(school_rectypes) & (table["URN"].str.strip() != "")
    parsed.rows_skipped = int((~schools_mask).sum())
    table = table[schools_mask].reset_index(drop=True)
    urns = _urns(table, path)
    special = rectype[schools_mask].reset_index(drop=True) == "2"
    types = _school_type_columns(table.get("NFTYPE", pd.Series("", index=table.index)), special)
    la = pd.to_numeric(table["LEA"], errors="coerce").astype("Int64") if "LEA" in table else pd.NA
    is_open = table["ICLOSE"].str.strip() != "1" if "ICLOSE" in table else None
    parsed.schools = pd.DataFrame({
        "urn": urns, "name": table["SCHNAME"].str.strip(), "la_code": la,
        "phase": special.map({True: "special", False: phase}), "phase_rank": 1,
        **{c: types[c] for c in types.columns}, "is_open": is_open,
    })
    parsed.results = _results(table, urns, year, results_spec, path)
    parsed.context = _long_values(table, urns, year, context_spec, path)


def _parse_census(table, path, year, parsed):
    urn_text = table["URN"].str.strip()
    is_school = urn_text.str.fullmatch(r"\d+")
    parsed.rows_skipped = int((~is_school).sum())
    table = table[is_school].reset_index(drop=True)
    urns = _urns(table, path)
    parsed.context = _long_values(table, urns, year, CENSUS_CONTEXT, path)
    if "SCHOOLTYPE" in table:
        kinds = table["SCHOOLTYPE"].str.strip().map(CENSUS_PHASES)
        parsed.schools = pd.DataFrame({
            "urn": urns, "name": None,
            "la_code": pd.to_numeric(table["LA"], errors="coerce").astype("Int64"),
            "phase": kinds.map(lambda k: k[0] if isinstance(k, tuple) else None),
            "phase_rank": 2,
            "state_funded": kinds.map(lambda k: k[1] if isinstance(k, tuple) else None),
            "mainstream": kinds.map(lambda k: k[2] if isinstance(k, tuple) else None),
        })
    else:
        parsed.schools = pd.DataFrame({
            "urn": urns, "name": None, "phase_rank": 0,
            "la_code": pd.to_numeric(table["LA"], errors="coerce").astype("Int64"),
        })


def _parse_spine(table, path, parsed):
    urns = _urns(table, path)
    primary = table["ISPRIMARY"].str.strip() == "1"
    secondary = table["ISSECONDARY"].str.strip() == "1"
    special = table.get("MINORGROUP", pd.Series("", index=table.index)).str.contains("Special", na=False)
    phase = pd.Series(None, index=table.index, dtype=object)
    phase[primary] = "primary"
    phase[secondary] = "secondary"
    phase[primary & secondary] = "all-through"
    phase[special] = "special"
    types = _school_type_columns(table.get("NFTYPE", pd.Series("", index=table.index)), special)
    parsed.schools = pd.DataFrame({
        "urn": urns, "name": table["SCHNAME"].str.strip(),
        "la_code": pd.to_numeric(table["LA"], errors="coerce").astype("Int64"),
        "phase": phase, "phase_rank": 2, "is_open": table["ICLOSE"].str.strip() != "1",
        **{c: types[c] for c in types.columns if c in ("school_type", "state_funded", "mainstream")},
    })


def _parse_gias(table, path, parsed):
    urns = _urns(table, path)
    group = table.get("EstablishmentTypeGroup (name)", pd.Series("", index=table.index)).str.strip()
    special = group.str.contains("Special", na=False)
    phase = table["PhaseOfEducation (name)"].str.strip().map(GIAS_PHASES).where(~special, "special")
    parsed.schools = pd.DataFrame({
        "urn": urns, "name": table["EstablishmentName"].str.strip(),
        "la_code": pd.to_numeric(table["LA (code)"], errors="coerce").astype("Int64"),
        "phase": phase, "phase_rank": 3,
        "school_type": table.get("TypeOfEstablishment (name)", pd.Series(None, index=table.index)),
        "state_funded": ~group.isin(["Independent schools", "Other types", "Welsh schools", "Universities"]),
        "is_open": table.get("EstablishmentStatus (name)", pd.Series("", index=table.index)).str.startswith("Open"),
        "lsoa": table.get("LSOA (code)", pd.Series("", index=table.index)).str.strip().replace("", None),
    })


def _parse_links(table, path, parsed):
    urns = _urns(table, path)
    link_urns = _urns(table, path, "LinkURN")
    dates = pd.to_datetime(table.get("LinkEstablishedDate", pd.Series("", index=table.index)),
                           format="%d-%m-%Y", errors="coerce").dt.date
    parsed.links = pd.DataFrame({"urn": urns, "link_urn": link_urns,
                                 "link_type": table["LinkType"].str.strip(), "established": dates})


IDACI_SHEET = "IoD2019 IDACI & IDAOPI"
IDACI_RANK = "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)"
IDACI_DECILE = "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)"


def _parse_idaci(path: Path) -> ParsedFile | None:
    """The English Indices of Deprivation 2019 supplementary file (IDACI by LSOA), or None for any other workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # a damaged or password-protected workbook
        raise BenchmarkingError(f"{path.name}: not a readable Excel workbook ({exc}).") from exc
    try:
        if IDACI_SHEET not in book.sheetnames:
            return None
        rows = book[IDACI_SHEET].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
        if "LSOA code (2011)" not in header or IDACI_RANK not in header:
            return None
        table = pd.DataFrame([r for r in rows if any(v is not None for v in r)], columns=header)
    finally:
        book.close()
    table["_line"] = range(2, len(table) + 2)
    text = table[[IDACI_RANK, IDACI_DECILE]].astype(str).assign(_line=table["_line"])
    rank = _required_numbers(text, IDACI_RANK, path)
    decile = _required_numbers(text, IDACI_DECILE, path)
    count = len(table)
    parsed = ParsedFile(path=path, kind="idaci", year=None, checksum=checksum(path.read_bytes()), rows_read=count)
    parsed.deprivation = pd.DataFrame({
        "lsoa": table["LSOA code (2011)"].astype(str).str.strip(), "idaci_rank": rank.astype(int),
        "idaci_decile": decile.astype(int), "area_deprivation": 100 * (1 - (rank - 1) / max(count - 1, 1)),
    })
    return parsed


def parse_file(path: Path, year: int | None = None) -> ParsedFile | None:
    """Parse and validate one file. None when the file is not a kind this tool imports."""
    if path.suffix.lower() == ".xlsx":
        with checking():
            return _parse_idaci(path)
    header = read_header(path)
    kind = detect_kind(header)
    if kind is None:
        return None
    needs_year = next(n for k, _, _, n in KINDS if k == kind)
    year = year or year_from_path(path)
    if needs_year and year is None:
        raise BenchmarkingError(
            f"{path.name}: cannot tell the year of this {KIND_LABELS[kind]} file. Put it in a folder "
            "named like 2018-2019, or give --year 2019 (the year of the summer exams)."
        )
    raw = path.read_bytes()
    table = read_text_table(path, raw)
    table["_line"] = range(2, len(table) + 2)
    parsed = ParsedFile(path=path, kind=kind, year=year if needs_year else None,
                        checksum=checksum(raw), rows_read=len(table))
    with checking():
        if kind == "ks4":
            # DfE's provisional KS4 file is headline-only; the final ("revised") file has every measure.
            parsed.variant = "final" if "KS2APS" in header or len(header) > 100 else "provisional"
            _key_stage_file(table, path, year, {"1", "2"}, "secondary", KS4_RESULTS, KS4_CONTEXT, parsed)
        elif kind == "ks2":
            _key_stage_file(table, path, year, {"1", "2"}, "primary", KS2_RESULTS, KS2_CONTEXT, parsed)
        elif kind == "census":
            _parse_census(table, path, year, parsed)
        elif kind == "spine":
            _parse_spine(table, path, parsed)
        elif kind == "gias":
            _parse_gias(table, path, parsed)
        elif kind == "gias_links":
            _parse_links(table, path, parsed)
        elif kind == "p8_estimates":
            parsed.estimates = pd.DataFrame({"year": year,
                                             "prior_group": _required_numbers(table, "ks2emss_grp", path).astype(int),
                                             "estimate": _required_numbers(table, "p8est", path)})
        elif kind == "p8_sd":
            parsed.national_sd = pd.DataFrame({"year": [year], "measure": ["ks4_p8"],
                                               "sd": [_required_numbers(table, "Progress 8", path).iloc[0]]})
    return parsed


# -- the import -----------------------------------------------------------------------------------

@dataclass
class ImportReport:
    stored: list[ParsedFile] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def collect_files(paths: list[Path]) -> list[Path]:
    """Every CSV file named, or inside a folder named (recursively), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in (".csv", ".xlsx")))
        elif path.exists():
            files.append(path)
        else:
            raise BenchmarkingError(f"{path}: no such file or folder.")
    return files


# Write order: links and the richest school lists first, so names and phases are right when results land.
_WRITE_ORDER = {"gias_links": 0, "gias": 1, "spine": 2, "census": 3, "ks4": 4, "ks2": 5, "p8_estimates": 6, "p8_sd": 7,
                "idaci": 8}


def import_dfe(store: Store, paths: list[str | Path], year: int | None = None,
               progress: Progress = _quiet) -> ImportReport:
    """Import DfE files and folders: validate them all, then store them all in one transaction."""
    explicit = {Path(p).resolve() for p in paths if Path(p).is_file()}
    files = collect_files([Path(p) for p in paths])
    if not files:
        raise BenchmarkingError("No CSV files found in " + ", ".join(str(p) for p in paths) + ".")
    report = ImportReport()
    parsed_files: list[ParsedFile] = []
    for i, path in enumerate(files):
        progress(0.8 * i / len(files), f"Reading {path.name}")
        try:
            parsed = parse_file(path, year)
        except BenchmarkingError as exc:
            rejected = len({p.row for p in exc.problems}) if isinstance(exc, FileProblem) else 0
            store.log_import(file=str(path), kind="unknown", year=year, checksum=None, rows_read=0,
                             rows_stored=0, rows_skipped=0, rows_rejected=rejected, status="failed", message=str(exc))
            raise
        if parsed is None:
            if path.resolve() in explicit:
                raise BenchmarkingError(
                    f"{path.name}: not a file kind this tool imports. It takes KS4 and KS2 results, "
                    "the school census, school information (spine), GIAS establishments and links, DfE's "
                    "Progress 8 estimates, and the IoD2019 IDACI workbook."
                )
            report.skipped.append((path, "not a kind this tool imports"))
            continue
        parsed_files.append(parsed)
    parsed_files.sort(key=lambda p: _WRITE_ORDER[p.kind])
    with store.transaction():
        for i, parsed in enumerate(parsed_files):
            progress(0.8 + 0.2 * i / max(len(parsed_files), 1), f"Storing {parsed.path.name}")
            store.upsert("school_links", parsed.links)
            store.upsert_schools(parsed.schools)
            store.upsert("context", parsed.context)
            store.upsert("results", parsed.results)
            store.upsert("p8_estimates", parsed.estimates)
            store.upsert("national_sd", parsed.national_sd)
            store.upsert("area_deprivation", parsed.deprivation)
            store.log_import(file=str(parsed.path), kind=" ".join(filter(None, [parsed.kind, parsed.variant])),
                             year=parsed.year, checksum=parsed.checksum,
                             rows_read=parsed.rows_read, rows_stored=parsed.rows_stored,
                             rows_skipped=parsed.rows_skipped, rows_rejected=0, status="stored")
            report.stored.append(parsed)
    progress(1.0, f"Imported {len(report.stored)} files")
    return report
