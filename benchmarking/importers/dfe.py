"""Import DfE and GIAS files exactly as published: detect each file's kind from its header, validate every
file whole, and only then write them all in one write of the store. A bad file changes nothing.

A new kind of file is one module with a `FileKind` and one line in KINDS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import BenchmarkingError
from ..progress import Progress, quiet
from ..writer import writing
from ..years import check_year
from .parsed import FileKind, ParsedFile, Source
from .ees import EES_KS2, EES_KS4, EES_KS4_2324
from .performance_tables import KS2, KS4
from .problems import FileProblem, Problem, checking
from .reference_tables import IDACI, P8_ESTIMATES, P8_SD, SCORE_CAPS, parse_workbook
from .school_lists import CENSUS, GIAS, GIAS_LINKS, SPINE
from .text import check_text, checksum, header_of, read_text_table, require_columns


# In the order headers are tried: the first kind whose columns are all in a header is the file's kind.
KINDS: tuple[FileKind, ...] = (GIAS_LINKS, GIAS, EES_KS4, EES_KS4_2324, EES_KS2, KS4, KS2, CENSUS, SPINE, P8_ESTIMATES,
                               P8_SD, SCORE_CAPS)
KIND_LABELS = {kind.name: kind.label for kind in KINDS + (IDACI,)}


def detect_kind(header: list[str]) -> FileKind | None:
    """The kind of file a header belongs to, or None if this tool does not import it."""
    columns = set(header)
    return next((kind for kind in KINDS if kind.detect <= columns), None)


def year_from_path(path: Path) -> int | None:
    """The exam year from a folder named like 2018-2019 (that is 2019) or, failing that, like 2024."""
    parts = list(reversed(Path(path).resolve().parts[:-1]))
    for part in parts:
        match = re.fullmatch(r"(\d{4})-(\d{4})", part)
        if match and int(match.group(2)) == int(match.group(1)) + 1:
            return int(match.group(2))
    for part in parts:
        if re.fullmatch(r"(19|20)\d\d", part):
            return int(part)
    return None


def parse_source(source: Source, year: int | None = None) -> ParsedFile | None:
    """Parse and validate one file. None when the file is not a kind this tool imports."""
    if not source.raw.strip():
        raise BenchmarkingError(f"{source.name}: the file is empty.")
    if source.suffix in (".xlsx", ".xlsm"):
        with checking():
            return parse_workbook(source)
    check_text(source.raw, source.name)
    header = header_of(source.raw)
    kind = detect_kind(header)
    if kind is None:
        return None
    require_columns(header, kind.required, source.name, kind.label)
    year = check_year(year or source.folder_year) if kind.needs_year else None
    if kind.needs_year and year is None:
        raise BenchmarkingError(
            f"{source.name}: cannot tell the year of this {kind.label} file. Put it in a folder named like "
            "2018-2019, or give the year (--year 2019: the year of the summer exams).")
    table = read_text_table(Path(source.name), source.raw, source.name)
    if not len(table):
        raise BenchmarkingError(f"{source.name}: the file has a header but no rows.")
    parsed = ParsedFile(name=source.name, kind=kind, year=year, checksum=checksum(source.raw), rows_read=len(table))
    with checking():
        kind.parse(table, parsed)
    return parsed


def collect_files(paths: list[Path]) -> list[Source]:
    """Every CSV or workbook named, or inside a folder named (recursively), in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")))
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise BenchmarkingError(f"{path}: not a file or folder.")
        else:
            raise BenchmarkingError(f"{path}: no such file or folder.")
    sources = []
    for path in files:
        try:
            sources.append(Source(path.name, path.read_bytes(), year_from_path(path)))
        except OSError as exc:
            raise BenchmarkingError(f"{path}: cannot be read ({exc.strerror}).") from None
    return sources


def repeats_across_files(parsed_files: list[ParsedFile]) -> None:
    """The same school (or group) in two files of one kind and year is an error naming both lines. (Files
    without a year, such as GIAS extracts, are snapshots: a later one updates an earlier one.)"""
    problems = []
    groups: dict[tuple[str, int | None], list[ParsedFile]] = {}
    for parsed in parsed_files:
        if parsed.keys is not None and parsed.year is not None:
            groups.setdefault((parsed.kind.name, parsed.year), []).append(parsed)
    for (_, year), files in groups.items():
        if len(files) < 2:
            continue
        keys = pd.concat([f.keys.assign(file=f.name) for f in files], ignore_index=True)
        repeated = keys[keys["key"].duplicated(keep=False)]
        for key, rows in repeated.groupby("key", sort=True):
            first = rows.iloc[0]
            for other in rows.iloc[1:].itertuples():
                problems.append(Problem(other.file, int(other.line), files[0].kind.key_column,
                                        f"this {files[0].kind.key_label} ({key}) is also in {first['file']}, line "
                                        f"{int(first['line'])}, for {year or 'the same year'}: each may appear once."))
    if problems:
        raise FileProblem(problems[:1000])


@dataclass
class ImportReport:
    stored: list[ParsedFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # file name, why
    created: bool = False  # the import made a new store


def validate(sources: list[Source], year: int | None = None, explicit: set[str] | None = None,
             progress: Progress = quiet) -> ImportReport:
    """Parse and validate every file; nothing is written. Files named on their own must be a known kind."""
    if not sources:
        raise BenchmarkingError("No CSV files to import.")
    year = check_year(year)
    report = ImportReport()
    for i, source in enumerate(sources):
        progress(0.7 * i / len(sources), f"Checking {source.name}")
        parsed = parse_source(source, year)
        if parsed is None:
            if explicit is None or source.name in explicit:
                raise BenchmarkingError(
                    f"{source.name}: not a file kind this tool imports. It takes KS4 and KS2 results (performance tables or "
                    "Explore Education Statistics), the school census, school information (spine), GIAS establishments and links, DfE's Progress 8 estimates "
                    "and SD, DfE's lowest pupil scores (caps), and the IoD2019 IDACI workbook.")
            report.skipped.append((source.name, "not a kind this tool imports"))
            continue
        report.stored.append(parsed)
    repeats_across_files(report.stored)
    report.stored.sort(key=lambda p: p.kind.write_order)
    return report


def write_parsed(db: Path | None, report: ImportReport, progress: Progress = quiet, wait: float = 0.0) -> ImportReport:
    """Write validated files in one write of the store (made if there is none yet)."""
    if not report.stored:
        return report
    report.created = db is not None and not Path(db).exists()
    with writing(db, create=True, wait=wait) as store:
        for i, parsed in enumerate(report.stored):
            progress(0.7 + 0.3 * i / len(report.stored), f"Storing {parsed.name}")
            for table, rows in parsed.tables.items():
                if table == "schools":
                    store.upsert_schools(rows)
                else:
                    store.upsert(table, rows)
            store.log_import(file=parsed.name, kind=" ".join(filter(None, [parsed.kind.name, parsed.variant])),
                             year=parsed.year, checksum=parsed.checksum, rows_read=parsed.rows_read,
                             rows_stored=parsed.rows_stored, rows_skipped=parsed.rows_skipped, message=parsed.note)
        progress(0.99, "Working out what depends on the new data")
    progress(1.0, f"Imported {len(report.stored)} file{'s' if len(report.stored) != 1 else ''}")
    return report


def import_dfe(db: Path | None, paths: list[str | Path], year: int | None = None,
               progress: Progress = quiet) -> ImportReport:
    """Import DfE files and folders into the store at `db`: validate them all, then store them all."""
    paths = [Path(p) for p in paths]
    sources = collect_files(paths)
    if not sources:
        raise BenchmarkingError("No CSV files found in " + ", ".join(str(p) for p in paths) + ".")
    explicit = {p.name for p in paths if p.is_file()}
    return write_parsed(db, validate(sources, year, explicit, progress), progress)


def import_uploads(db: Path | None, uploads: list[Source], year: int | None = None,
                   progress: Progress = quiet, wait: float = 60.0) -> ImportReport:
    """Import files uploaded to the dashboard, read in memory (nothing is saved to disk but the store)."""
    return write_parsed(db, validate(uploads, year, None, progress), progress, wait)
