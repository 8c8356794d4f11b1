"""Import DfE and GIAS files exactly as published: detect each file's kind from its header, validate every
file whole, and only then write them all in one write of the store. A bad file changes nothing.

A new kind of file is one module with a `FileKind` and one line in KINDS.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from ..errors import BenchmarkingError
from ..progress import Progress, quiet
from ..reference import ALL_ENGLAND_LAS
from ..writer import writing
from ..years import check_year
from .absence import ABSENCE, TABLES_ABSENCE_KIND
from .deprivation import IDACI, idaci_columns, parse_workbook
from .ees import EES_KS2, EES_KS4, EES_KS4_2324
from .ees_context import KS2_INFO, SEN, SPC
from .ees_ks2 import EES_KS2_SUBJECTS
from .parsed import FileKind, ParsedFile, Source
from .performance_tables import KS2, KS4
from .problems import FileProblem, Problem, checking
from .reference_tables import P8_ESTIMATES, P8_SD, SCORE_CAPS
from .school_lists import CENSUS, GIAS, GIAS_LINKS, SPINE
from .text import check_text, checksum, header_of, read_text_table, require_columns


# In the order headers are tried: the first kind whose columns are all in a header is the file's kind.
KINDS: tuple[FileKind, ...] = (GIAS_LINKS, GIAS, EES_KS4, EES_KS4_2324, EES_KS2_SUBJECTS, EES_KS2, KS2_INFO, ABSENCE,
                               SPC, SEN, KS4, KS2, CENSUS, SPINE, TABLES_ABSENCE_KIND, P8_ESTIMATES, P8_SD, SCORE_CAPS)
KIND_LABELS = {kind.name: kind.label for kind in KINDS + (IDACI,)}
WHAT_IMPORTS = ("KS4 and KS2 results and school information (performance tables or Explore Education Statistics), "
                "the school census (performance tables, or the school-level data of Schools, pupils and their "
                "characteristics), SEN by school, pupil absence by school, school information (spine), GIAS "
                "establishments and links, DfE's Progress 8 estimates and SD, DfE's lowest pupil scores (caps), and "
                "the IDACI file of the Indices of Deprivation 2019 or 2025")
ZIP_LIMIT = 4 * 1024 ** 3  # uncompressed bytes a zip may hold: EES's largest "download all" is far below
TEXT_SUFFIXES = (".csv", ".xlsx")
VERSIONS = {"provisional": 0, "revised": 1, "final": 2}  # which of two releases of the same figures is later


def detect_kind(header: list[str]) -> FileKind | None:
    """The kind of file a header belongs to, or None if this tool does not import it."""
    columns = set(header)
    lower = {h.lower() for h in header}
    found = next((kind for kind in KINDS if kind.detect <= (lower if kind.case_insensitive else columns)), None)
    if found is None and idaci_columns(header) is not None:
        return IDACI
    return found


def year_from_path(path: Path) -> int | None:
    """The exam year from the folders a file sits in (see year_from_folders)."""
    return year_from_folders(Path(path).resolve().parts[:-1])


def year_from_folders(folders) -> int | None:
    """The exam year from a folder named like 2018-2019 or 2018-19 (that is 2019), or ending so (EES names its
    zips like school-pupils-and-their-characteristics_2024-25), or failing that, named like 2024; the folder
    nearest the file first."""
    parts = list(reversed(list(folders)))
    for part in parts:
        match = re.search(r"(?:^|[_ ])((?:19|20)\d\d)-(\d{4}|\d\d)$", part)
        if match and int(match.group(2)) % 100 == (int(match.group(1)) + 1) % 100:
            return int(match.group(1)) + 1
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
    if kind.case_insensitive:
        header = [h.lower() for h in header]
    require_columns(header, kind.required, source.name, kind.label)
    year_given = year
    year = check_year(year or source.folder_year) if kind.needs_year else None
    if kind.needs_year and year is None:
        raise BenchmarkingError(
            f"{source.name}: cannot tell the year of this {kind.label} file. Put it in a folder named like "
            "2018-2019, or give the year (--year 2019: the year of the summer exams).")
    table = read_text_table(Path(source.name), source.raw, source.name)
    if not len(table):
        raise BenchmarkingError(f"{source.name}: the file has a header but no rows.")
    if kind.case_insensitive:
        table.frame.columns = [c if c.startswith("_") else c.lower() for c in table.frame.columns]
    parsed = ParsedFile(name=source.name, kind=kind, year=year, checksum=checksum(source.raw), rows_read=len(table),
                        variant=Path(source.name).stem if kind is IDACI else None,
                        given_year=check_year(year_given or source.folder_year))
    with checking():
        kind.parse(table, parsed)
    return parsed


def collect_files(paths: list[Path]) -> list[Source]:
    """Every CSV or workbook named, or inside a folder named (recursively), or inside a zip as Explore Education
    Statistics gives it ("download all data": data/*.csv beside its data guidance), in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in TEXT_SUFFIXES + (".zip",)))
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise BenchmarkingError(f"{path}: not a file or folder.")
        else:
            raise BenchmarkingError(f"{path}: no such file or folder.")
    sources = []
    for path in files:
        try:
            if path.suffix.lower() == ".zip":
                sources.extend(zip_members(path.name, path.read_bytes(), path))
            else:
                sources.append(Source(path.name, path.read_bytes(), year_from_path(path)))
        except OSError as exc:
            raise BenchmarkingError(f"{path}: cannot be read ({exc.strerror}).") from None
    return sources


def zip_members(name: str, raw: bytes, where: Path | None = None) -> list[Source]:
    """The CSVs and workbooks inside a zip's bytes, each named "zip/member" and with the year its folders, the
    zip's own name or the folder it sits in (`where`) give; the data guidance and other documents are not data."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise BenchmarkingError(f"{name}: not a readable zip file. Download it again.") from None
    stem = Path(name).stem
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and PurePosixPath(m.filename).suffix.lower() in TEXT_SUFFIXES
                   and not PurePosixPath(m.filename).name.startswith(".")]
        if sum(m.file_size for m in members) > ZIP_LIMIT:
            raise BenchmarkingError(f"{name}: the zip unpacks to more than {ZIP_LIMIT // 1024 ** 3} GB; "
                                    "unpack it and import the files you need.")
        sources = []
        for member in sorted(members, key=lambda m: m.filename):
            if member.flag_bits & 0x1:
                raise BenchmarkingError(f"{name}: {member.filename} is encrypted; unpack it and import the file.")
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                raise BenchmarkingError(f"{name}: {member.filename} cannot be read ({exc}). Download the zip "
                                        "again.") from None
            year = year_from_folders((stem, *PurePosixPath(member.filename).parts[:-1])) or (
                year_from_path(where) if where else None)
            sources.append(Source(f"{name}/{member.filename}", data, year))
    if not sources:
        raise BenchmarkingError(f"{name}: the zip holds no CSV files.")
    return sources


def expand_zips(sources: list[Source]) -> list[Source]:
    """Uploaded files, with every zip among them replaced by the files inside it."""
    return [inner for source in sources
            for inner in (zip_members(source.name, source.raw) if source.suffix == ".zip" else [source])]


def standing(parsed: ParsedFile) -> tuple[int, int]:
    """Which of two files holding the same schools' figures wins (the higher is written later, over the other):
    the later release (final over revised over provisional, a full-width file over a headline one), then the
    narrower file (an LA's own over one covering all of England)."""
    version = VERSIONS.get((parsed.variant or "").split(",")[-1].strip(), 1)
    schools = parsed.tables.get("schools")
    england_wide = schools is not None and "la_code" in schools and schools["la_code"].nunique() >= ALL_ENGLAND_LAS
    return version, 0 if england_wide else 1


def repeats_across_files(parsed_files: list[ParsedFile]) -> None:
    """The same school (or group) in two files of one kind and year: the file of higher standing wins, and both
    files' notes say so; between files of equal standing (the same file twice, say) it is an error naming both
    lines. (Files without a year, such as GIAS extracts, are snapshots: a later one updates an earlier one.)"""
    problems = []
    groups: dict[tuple[str, int | None], list[ParsedFile]] = {}
    for parsed in parsed_files:
        if parsed.keys is not None and parsed.year is not None:
            groups.setdefault((parsed.kind.name, parsed.year), []).append(parsed)
    for (_, year), files in groups.items():
        if len(files) < 2:
            continue
        ranks = {f.name: standing(f) for f in files}
        keys = pd.concat([f.keys.assign(file=f.name) for f in files], ignore_index=True)
        repeated = keys[keys["key"].duplicated(keep=False)]
        # A school in files of different standing is resolved (the higher wins); in files of equal standing, not.
        distinct = repeated.groupby("key")["file"].agg(lambda names: names.map(ranks).nunique() == len(names))
        resolved = repeated["key"].map(distinct).fillna(False).astype(bool).to_numpy()
        _note_overlaps(files, repeated.loc[resolved], ranks)
        for key, rows in repeated.loc[~resolved].groupby("key", sort=True):
            first = rows.iloc[0]
            for other in rows.iloc[1:].itertuples():
                problems.append(Problem(other.file, int(other.line), files[0].kind.key_column,
                                        f"this {files[0].kind.key_label} ({key}) is also in {first['file']}, line "
                                        f"{int(first['line'])}, for {year or 'the same year'}: each may appear once."))
    if problems:
        raise FileProblem(problems[:1000])


def _note_overlaps(files: list[ParsedFile], repeated: pd.DataFrame, ranks: dict) -> None:
    """Tell each file of a resolved overlap which figures were kept, and why."""
    notes: dict[str, list[str]] = {}
    for winner in sorted(ranks, key=ranks.get, reverse=True):
        mine = set(repeated.loc[repeated["file"] == winner, "key"])
        for loser in (name for name in ranks if ranks[name] < ranks[winner]):
            shared = len(mine & set(repeated.loc[repeated["file"] == loser, "key"]))
            if shared:
                reason = "a later release" if ranks[winner][0] > ranks[loser][0] else "the LA's own file"
                notes.setdefault(winner, []).append(f"{shared:,} schools also in {loser}: this file's figures are "
                                                    f"kept ({reason})")
                notes.setdefault(loser, []).append(f"{shared:,} schools' figures replaced by {winner}'s ({reason})")
    for parsed in files:
        if parsed.name in notes:
            parsed.overlap = "; ".join(notes[parsed.name]) + "."


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
                raise BenchmarkingError(f"{source.name}: not a file kind this tool imports. It takes {WHAT_IMPORTS}.")
            report.skipped.append((source.name, "not a kind this tool imports"))
            continue
        report.stored.append(parsed)
    repeats_across_files(report.stored)
    # Within a kind, provisional figures are written before revised and final ones, which replace them.
    report.stored.sort(key=lambda p: (p.kind.write_order, standing(p)))
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
                             rows_stored=parsed.rows_stored, rows_skipped=parsed.rows_skipped,
                             message=" ".join(filter(None, [parsed.note, parsed.overlap])) or None)
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
    return write_parsed(db, validate(expand_zips(uploads), year, None, progress), progress, wait)
