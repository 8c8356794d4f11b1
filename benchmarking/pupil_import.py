"""Import a pupil-level CSV in the project's template (see the README), for an LA's or a school's own data.

Pupil rows are personal data: messages name the row and column of a problem, never a pupil's id or values.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .csvfiles import checksum, read_text_table
from .errors import BenchmarkingError
from .store import Store
from .validation import FileProblem, Problem, checking, report

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


@dataclass
class PupilImport:
    path: Path
    year: int
    rows: int
    schools: int


def parse_pupils(path: Path, year: int, known_urns: set[int]) -> pd.DataFrame:
    """Validate every row of a pupil CSV. Every problem is reported by row and column (never by pupil);
    with any problem, the file is rejected whole."""
    table = read_text_table(path)
    table.columns = [c.strip().lower() for c in table.columns]
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise BenchmarkingError(f"{path.name}: missing column(s) {', '.join(missing)}. "
                                f"The template's columns are: {', '.join(TEMPLATE_COLUMNS)}.")
    for column in TEMPLATE_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    lines = pd.Series(range(2, len(table) + 2), index=table.index)
    text = table[list(TEMPLATE_COLUMNS)].fillna("").apply(lambda s: s.str.strip())

    def bad(mask: pd.Series, column: str, what: str) -> None:
        for line in lines[mask.fillna(False).astype(bool)]:
            report(Problem(path.name, int(line), column, what))

    with checking():
        bad(text["pupil_id"] == "", "pupil_id", "every pupil needs a pseudonymous id.")
        bad(text["pupil_id"].duplicated() & (text["pupil_id"] != ""), "pupil_id",
            "this pupil id appears on an earlier row; each pupil must appear once.")
        urn = pd.to_numeric(text["urn"], errors="coerce")
        not_urn = urn.isna() | (urn % 1 != 0)
        bad(not_urn, "urn", "expected a school URN (a whole number).")
        bad(~not_urn & ~urn.isin(known_urns), "urn",
            "this URN is not in the store; import the school's DfE files first, or check the URN.")
        stage = text["key_stage"].str.upper()
        bad(~stage.isin(["KS4", "KS2"]), "key_stage", "expected KS4 or KS2.")
        out = pd.DataFrame({"pupil_id": text["pupil_id"], "urn": urn.where(~not_urn, 0).astype("int64"),
                            "year": year, "key_stage": stage})
        for column in ("prior_attainment", "attainment8", "english_grade", "maths_grade", "ks2_read", "ks2_writ", "ks2_mat"):
            values = pd.to_numeric(text[column], errors="coerce")
            bad(values.isna() & (text[column] != ""), column, "expected a number or a blank.")
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


def import_pupils(store: Store, path: str | Path, year: int) -> PupilImport:
    """Validate a pupil CSV, then replace those schools' pupils for that year and key stage in one transaction."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkingError(f"{path}: no such file.")
    known = set(store.query("SELECT urn FROM schools")["urn"].tolist())
    raw = path.read_bytes()
    try:
        pupils = parse_pupils(path, year, known)
    except BenchmarkingError as exc:
        rejected = len({p.row for p in exc.problems}) if isinstance(exc, FileProblem) else 0
        store.log_import(file=str(path), kind="pupils", year=year, checksum=checksum(raw), rows_read=0,
                         rows_stored=0, rows_skipped=0, rows_rejected=rejected, status="failed", message=str(exc))
        raise
    with store.transaction():
        store.replace_pupils(pupils)
        store.log_import(file=str(path), kind="pupils", year=year, checksum=checksum(raw), rows_read=len(pupils),
                         rows_stored=len(pupils), rows_skipped=0, rows_rejected=0, status="stored")
    return PupilImport(path=path, year=year, rows=len(pupils), schools=int(pupils["urn"].nunique()))
