"""The DuckDB store: where it lives, read-only readers, and the connection every query goes through.

Readers never write and never migrate: each attaches the file READ_ONLY into its own in-memory DuckDB,
so any number of processes can read at once, and a reader opened after a write sees the new file while
older readers keep a consistent view of the old one. Writes go through `benchmarking.writer.writing`,
which builds a new copy of the store and atomically replaces the file.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from .errors import BenchmarkingError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "benchmarking.duckdb"
SQL_DIR = Path(__file__).resolve().parent / "sql"
SCHOOL_COLUMNS = ["urn", "name", "la_code", "phase", "phase_rank", "nftype", "school_type",
                  "state_funded", "mainstream", "is_open", "lsoa", "sex_of_entry", "admissions"]
SCHEMA_VERSION = 12
ALL_YEARS = (1900, 2999)  # the year range that means every year in the store

# The part of the store each table belongs to: a write that changes a table gives its part a new revision.
PARTS = {"context": "data", "results": "data", "school_links": "data", "synthetic_truth": "data", "synthetic_club_truth": "clubs",
         "local_authorities": "data", "p8_estimates": "data", "national_sd": "data", "area_deprivation": "data",
         "schools": "data", "pupils": "data", "import_log": "data", "group_results": "data",
         "national_figures": "data", "score_caps": "data", "targets": "targets", "clubs": "clubs",
         "users": "access"}
# Tables a caller may name in the generic write helpers: never user input, always one of these.
KEYS = {
    "context": ("urn", "year", "measure"),
    "results": ("urn", "year", "measure"),
    "school_links": ("urn", "link_urn", "link_type"),
    "synthetic_truth": ("urn", "year", "measure"),
    "local_authorities": ("la_code",),
    "p8_estimates": ("year", "prior_group"),
    "national_sd": ("year", "measure"),
    "targets": ("urn", "year", "measure", "level"),
    "area_deprivation": ("index_name", "lsoa"),
    "group_results": ("urn", "year", "measure", "grouping", "grp"),
    "national_figures": ("year", "measure", "grouping", "grp", "statistic"),
    "score_caps": ("year", "measure", "prior_group"),
    "synthetic_club_truth": ("club", "measure"),
}


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of benchmarking/sql/NAME.sql, read once per process (pages run queries on every rerun)."""
    return (SQL_DIR / f"{name}.sql").read_text()


def default_db_path() -> Path:
    """The store's path: $BENCHMARKING_DB if set, else data/benchmarking.duckdb in the project."""
    env = os.environ.get("BENCHMARKING_DB")
    return Path(env) if env else DEFAULT_DB


def file_version(path: Path) -> str:
    """What identifies one version of the store's file: a write replaces the file, and so changes this."""
    info = os.stat(path)
    return f"{info.st_ino:x}-{info.st_mtime_ns:x}-{info.st_size:x}"


@dataclass
class Changes:
    """What a write changed, so that derived tables are worked out again for those years only."""
    pupils: dict[str, set[int]] = field(default_factory=dict)  # key stage -> years
    estimate_years: set[int] = field(default_factory=set)  # years of DfE's published estimates or SD
    result_years: set[int] = field(default_factory=set)  # years of school results or context written

    def __bool__(self) -> bool:
        return bool(self.pupils or self.estimate_years or self.result_years)


class Store:
    """An open store: read-only (`open_store`), or the private copy a write builds (`writer.writing`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool, version: str | None = None):
        self.con = con
        self.path = path
        self.read_only = read_only
        self.version = version  # the file version a reader opened; None while writing
        self.changes = Changes()
        self.touched: set[str] = set()  # parts of the store this write changed
        self._revisions: dict[str, str] | None = None
        self._lock = threading.RLock()

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        if self.query_file("has_schema_version")["n"][0] == 0:
            return 0
        return int(self.query_file("schema_version")["version"][0])

    # -- reads -----------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a read query with bound parameters and return a DataFrame (safe from several threads)."""
        if not self.read_only:
            with self._lock:
                return self.con.execute(sql, params or []).df()
        cursor = self.con.cursor()  # one connection per query: dashboard sessions read at once
        try:
            cursor.execute("USE store")
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    def query_file(self, name: str, params: list | None = None) -> pd.DataFrame:
        """Run a named query from benchmarking/sql/NAME.sql."""
        return self.query(sql_text(name), params)

    def revision(self, part: str) -> str:
        """The part's revision token: it changes with every write that changes the part (cache keys)."""
        if self._revisions is None:
            self._revisions = dict(self.query_file("revisions").itertuples(index=False))
        return self._revisions.get(part, "")

    def latest_year(self) -> int:
        """The latest year with results: the default year of every command and page."""
        year = self.query_file("latest_year")["year"][0]
        if pd.isna(year):
            raise BenchmarkingError(f"The store {self.path} holds no results yet. Build the demo store with "
                                    "`python -m benchmarking demo`, or import DfE files with `import-dfe`.")
        return int(year)

    # -- writes (only on the copy a write builds) ------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise BenchmarkingError("This store was opened for reading only.")

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        """One write statement; returns its rows (for RETURNING)."""
        self._writable()
        with self._lock:
            return self.con.execute(sql, params or []).fetchall()

    def execute_file(self, name: str, params: list | None = None) -> list[tuple]:
        """Run a named write statement from benchmarking/sql/NAME.sql."""
        return self.execute(sql_text(name), params)

    def touch(self, *tables_or_parts: str) -> None:
        """Mark what a write changed, by table (or part) name."""
        self.touched.update(PARTS.get(name, name) for name in tables_or_parts)

    def execute_many(self, sql: str, rows: list[list]) -> None:
        self._writable()
        with self._lock:
            self.con.executemany(sql, rows)

    def upsert(self, table: str, frame: pd.DataFrame | None) -> int:
        """Insert rows, replacing any with the same key: re-importing never duplicates."""
        if table not in KEYS:
            raise ValueError(f"not a writable table: {table}")
        if frame is None or frame.empty:
            return 0
        self._writable()
        frame = frame.drop_duplicates(subset=list(KEYS[table]), keep="last")
        self.touch(table)
        with self.registered("incoming_rows", frame):
            self.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM incoming_rows")
        if table in ("p8_estimates", "national_sd", "score_caps"):
            self.changes.estimate_years.update(int(y) for y in frame["year"].unique())
        if table in ("results", "context"):
            self.changes.result_years.update(int(y) for y in frame["year"].unique())
        return len(frame)

    def upsert_schools(self, frame: pd.DataFrame | None) -> int:
        """Add or update schools, keeping the phase from the most authoritative source.

        A primary phase and a secondary phase from equally authoritative sources make an all-through school.
        """
        if frame is None or frame.empty:
            return 0
        frame = frame.drop_duplicates(subset=["urn"], keep="last").copy()
        for column in SCHOOL_COLUMNS:
            if column not in frame:
                frame[column] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        frame["phase_rank"] = pd.to_numeric(frame["phase_rank"]).fillna(0).astype(int)
        frame = frame[SCHOOL_COLUMNS].astype(object).where(frame[SCHOOL_COLUMNS].notna(), None)
        self.touch("schools")
        with self.registered("incoming_schools", frame):
            self.execute_file("upsert_schools")
        return len(frame)

    def log_import(self, *, file: str, kind: str, year: int | None, checksum: str | None, rows_read: int,
                   rows_stored: int, rows_skipped: int, message: str | None = None) -> None:
        """Record a file stored by an import (its name only, never a server path; a zip's member as
        "zip/member", the zip named only)."""
        self.touch("import_log")
        name = file if ".zip/" in file and "/" not in file.split(".zip/")[0] else Path(file).name
        self.execute_file("log_import", [name, kind, year, checksum, rows_read,
                                         rows_stored, rows_skipped, message])

    @contextmanager
    def registered(self, name: str, frame) -> Iterator[None]:
        """Expose a DataFrame to SQL as `name` for the block only."""
        with self._lock:
            self.con.register(name, frame)
            try:
                yield
            finally:
                try:
                    self.con.unregister(name)
                except duckdb.Error:
                    pass  # an aborted statement can refuse this; the block's own error is what matters


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_store(path: str | Path | None = None) -> Store:
    """Open the store at `path` (or the default path) for reading. It must exist and be at this tool's
    schema: readers never create, write or migrate."""
    path = Path(path) if path else default_db_path()
    if not path.is_file():
        raise BenchmarkingError(
            f"No store at {path}. Build the demo store with `python -m benchmarking demo`, "
            "or import DfE files with `python -m benchmarking import-dfe PATH`."
        )
    version = file_version(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"ATTACH {_sql_literal(str(path))} AS store (READ_ONLY)")
        con.execute("USE store")
    except duckdb.Error as exc:
        con.close()
        raise BenchmarkingError(f"{path} is not a store this tool can read ({str(exc).splitlines()[0]}).") from exc
    store = Store(con, path, read_only=True, version=version)
    check_schema(store)
    return store


def check_schema(store: Store) -> None:
    """Refuse a store this version of the tool cannot read as it is."""
    version = store.schema_version()
    if version > SCHEMA_VERSION:
        store.close()
        raise BenchmarkingError(
            f"The store {store.path} was made by a newer version of this tool (schema {version}, "
            f"this tool knows {SCHEMA_VERSION}). Update the tool.")
    if version < SCHEMA_VERSION:
        store.close()
        if version == 0:
            raise BenchmarkingError(f"{store.path} is not a store made by this tool.")
        raise BenchmarkingError(
            f"The store {store.path} was made by an older version of this tool (schema {version}). "
            "Upgrade it with `python -m benchmarking migrate` (the dashboard does this when it starts).")


class StoreReader:
    """A long-lived reader (the dashboard's): `current()` is the store as it is now, reopened when a
    write has replaced the file. Older readers are never closed here: a query still running on one
    finishes on its consistent, older view, and the connection closes when nothing holds it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._store: Store | None = None
        self._lock = threading.Lock()

    def current(self) -> Store:
        with self._lock:
            if self._store is None or file_version(self.path) != self._store.version:
                self._store = open_store(self.path)
            return self._store
