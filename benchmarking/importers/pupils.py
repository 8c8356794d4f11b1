"""Import a pupil-level CSV in the project's template (docs/data.md), for an LA's or a school's own data.

Pupil rows are personal data: messages name the line and column of a problem, never a pupil's id or
values, and ids that look like a UPN or a name are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import derived
from ..errors import BenchmarkingError
from ..store import open_store
from ..writer import writing
from ..years import check_year
from .parsed import Source
from .problems import Problem, checking, report
from .text import LINE, check_widths, checksum, read_text_table

TEMPLATE_COLUMNS = ("pupil_id", "urn", "key_stage", "prior_attainment", "attainment8", "english_grade",
                    "maths_grade", "ks2_read", "ks2_writ", "ks2_mat", "disadvantaged", "sen", "eal", "sex")
REQUIRED = ("pupil_id", "urn", "key_stage", "prior_attainment", "disadvantaged", "sen", "eal", "sex")
# Allowed ranges: (lowest, highest, whole numbers only).
RANGES = {
    ("KS4", "prior_attainment"): (59, 120, False),   # KS2 average scaled score in reading and maths
    ("KS2", "prior_attainment"): (0, 30, False),     # KS1 average point score
    ("KS4", "attainment8"): (0, 90, False),
    ("KS4", "english_grade"): (0, 9, True),
    ("KS4", "maths_grade"): (0, 9, True),
    ("KS2", "ks2_read"): (80, 120, False),
    ("KS2", "ks2_writ"): (80, 120, False),
    ("KS2", "ks2_mat"): (80, 120, False),
}
YES = {"1", "Y", "YES", "TRUE"}
NO = {"0", "N", "NO", "FALSE"}
# A pupil id must be pseudonymous: never a UPN (a letter and 12 digits) nor what looks like a name.
UPN = r"[A-Za-z]\d{12}"
NAME = r"[A-Za-z'\- ]*[A-Za-z] [A-Za-z'\- ]*[A-Za-z]"
# A key stage's pupils cannot be at a school of the other phase.
WRONG_PHASE = {"KS4": "primary", "KS2": "secondary"}


@dataclass
class PupilImport:
    name: str
    year: int
    rows: int
    schools: int


def parse_pupils(source: Source, year: int, school_phases: dict[int, str | None]) -> pd.DataFrame:
    """Validate every row of a pupil CSV against the schools in the store (URN -> phase). Every problem is
    reported by line and column (never by pupil); with any problem, the file is rejected whole."""
    table = read_text_table(Path(source.name), source.raw, source.name)
    frame = table.frame
    frame.columns = [c.strip().lower() if not c.startswith("_") else c for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BenchmarkingError(f"{source.name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
                                f"The template's columns are: {', '.join(TEMPLATE_COLUMNS)}.")
    if frame.empty:
        raise BenchmarkingError(f"{source.name}: the file has a header but no pupils.")
    for column in TEMPLATE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    text = frame[list(TEMPLATE_COLUMNS)].fillna("").apply(lambda s: s.str.strip())

    def bad(mask: pd.Series, column: str, what: str) -> None:
        for line in frame.loc[mask.fillna(False).astype(bool), LINE]:
            report(Problem(source.name, int(line), column, what))

    with checking():
        check_widths(table, source.name)
        ids = text["pupil_id"]
        bad(ids == "", "pupil_id", "every pupil needs a pseudonymous id.")
        bad(ids.duplicated() & (ids != ""), "pupil_id", "this pupil id appears on an earlier line; each pupil must appear once.")
        bad(ids.str.fullmatch(UPN), "pupil_id", "this id looks like a UPN; use a pseudonymous id (UPNs identify pupils).")
        bad(ids.str.fullmatch(NAME), "pupil_id", "this id looks like a name; use a pseudonymous id.")
        urn = pd.to_numeric(text["urn"], errors="coerce")
        not_urn = urn.isna() | (urn % 1 != 0) | (urn <= 0) | (urn > 2**31 - 1)
        bad(not_urn, "urn", "expected a school URN (a whole number).")
        known = ~not_urn & urn.isin(list(school_phases))
        bad(~not_urn & ~known, "urn", "this URN is not in the store; import the school's DfE files first, or check the URN.")
        stage = text["key_stage"].str.upper()
        bad(~stage.isin(["KS4", "KS2"]), "key_stage", "expected KS4 or KS2.")
        phase = urn.map(school_phases)
        for stage_name, other in WRONG_PHASE.items():
            bad(known & (stage == stage_name) & (phase == other), "key_stage",
                f"{stage_name} pupils cannot be at a {other} school; check the URN or the key stage.")
        out = pd.DataFrame({"pupil_id": ids, "urn": urn.where(~not_urn, 0).astype("int64"), "year": year, "key_stage": stage})
        for column in ("prior_attainment", "attainment8", "english_grade", "maths_grade", "ks2_read", "ks2_writ", "ks2_mat"):
            values = pd.to_numeric(text[column], errors="coerce")
            bad((values.isna() & (text[column] != "")) | np.isinf(values), column, "expected a number or a blank.")
            values = values.where(np.isfinite(values))
            for stage_name in ("KS4", "KS2"):
                rule = RANGES.get((stage_name, column))
                rows = stage == stage_name
                if rule is None:
                    bad(rows & values.notna(), column, f"this column is not used for {stage_name} pupils; leave it blank.")
                    continue
                low, high, whole = rule
                outside = rows & values.notna() & ((values < low) | (values > high) | ((values % 1 != 0) if whole else False))
                bad(outside, column, f"must be {'a whole number ' if whole else ''}between {low} and {high} for {stage_name} pupils.")
            out[column] = values
        for column in ("disadvantaged", "eal"):
            flag = text[column].str.upper()
            bad(~flag.isin(YES | NO), column, "expected Y or N.")
            out[column] = flag.isin(YES)
        sen = text["sen"].str.upper()
        bad(~sen.isin(["N", "K", "E"]), "sen", "expected N (none), K (SEN support) or E (EHC plan).")
        sex = text["sex"].str.upper()
        bad(~sex.isin(["F", "M"]), "sex", "expected F or M.")
    out["sen"], out["sex"] = sen, sex
    out["english_grade"] = out["english_grade"].astype("Int64")
    out["maths_grade"] = out["maths_grade"].astype("Int64")
    return out


def school_phases(db: Path | None) -> dict[int, str | None]:
    """Every school in the store and its phase (what a pupil file is checked against)."""
    with open_store(db) as store:
        frame = store.query_file("school_phases")
    return dict(zip(frame["urn"].astype(int), frame["phase"].where(frame["phase"].notna(), None)))


def import_pupil_source(db: Path | None, source: Source, year: int, wait: float = 0.0) -> PupilImport:
    """Validate a pupil file, then replace those schools' pupils for that year and key stage in one write."""
    year = check_year(year)
    pupils = parse_pupils(source, year, school_phases(db))
    with writing(db, wait=wait) as store:
        derived.write_pupils(store, pupils)
        store.log_import(file=source.name, kind="pupils", year=year, checksum=checksum(source.raw),
                         rows_read=len(pupils), rows_stored=len(pupils), rows_skipped=0)
    return PupilImport(name=source.name, year=year, rows=len(pupils), schools=int(pupils["urn"].nunique()))


def import_pupils(db: Path | None, path: str | Path, year: int) -> PupilImport:
    """import_pupil_source for a file on disk."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkingError(f"{path}: no such file.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BenchmarkingError(f"{path}: cannot be read ({exc.strerror}).") from None
    return import_pupil_source(db, Source(path.name, raw), year)
