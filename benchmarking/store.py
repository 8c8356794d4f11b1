"""The DuckDB store: where it lives, its schema and migrations, and every write.

Reads for pages and commands go through the query functions here too, so no other module writes SQL
against the store's tables except through a `Store`.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import pandas as pd

from .errors import BenchmarkingError
from .measures import MEASURES
from .reference import LOCAL_AUTHORITIES
from .value_added import SUBJECTS, Subject, prior_groups

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "benchmarking.duckdb"
SQL_DIR = Path(__file__).resolve().parent / "sql"
SCHEMA_VERSION = 6
ALL_YEARS = (1900, 2999)  # the year range that means every year in the store
KEY_STAGES = tuple(sorted({subject.key_stage for subject in SUBJECTS.values()}))  # of pupils with value added
SCHOOL_COLUMNS = ["urn", "name", "la_code", "phase", "phase_rank", "nftype", "school_type",
                  "state_funded", "mainstream", "is_open", "lsoa"]

# Tables a caller may name in the generic write helpers: never user input, always one of these.
_WRITABLE = {"context", "results", "school_links", "synthetic_truth", "local_authorities", "p8_estimates",
             "national_sd", "targets", "area_deprivation"}
# DfE's published Progress 8 estimates and SD: writing them changes every stored school value added.
_CHANGES_VALUE_ADDED = {"p8_estimates", "national_sd"}
_KEYS = {
    "context": ("urn", "year", "measure"),
    "results": ("urn", "year", "measure"),
    "school_links": ("urn", "link_urn", "link_type"),
    "synthetic_truth": ("urn", "year", "measure"),
    "local_authorities": ("la_code",),
    "p8_estimates": ("year", "prior_group"),
    "national_sd": ("year", "measure"),
    "targets": ("urn", "year", "measure", "level"),
    "area_deprivation": ("lsoa",),
}


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of benchmarking/sql/NAME.sql, read once per process (pages run queries on every rerun)."""
    return (SQL_DIR / f"{name}.sql").read_text()


def school_value_added_query(subject: Subject, years: tuple[int, int]) -> tuple[str, list]:
    """The query, and its parameters, of every school's official value added in one measure for the years
    from years[0] to years[1] (the outcome column comes from SUBJECTS, never from user input)."""
    sql = sql_text("school_value_added_from_pupils").replace("{outcome}", subject.outcome).rstrip().rstrip(";")
    return sql, [*years, subject.key_stage, subject.measure, subject.scale, subject.cap]


def default_db_path() -> Path:
    """The store's path: $BENCHMARKING_DB if set, else data/benchmarking.duckdb in the project."""
    env = os.environ.get("BENCHMARKING_DB")
    return Path(env) if env else DEFAULT_DB


class Store:
    """An open DuckDB store. Use `open_store` to get one."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only
        # One store may serve several threads (dashboard sessions): writes take the lock, and reads
        # outside a transaction each use their own cursor.
        self._lock = threading.RLock()
        self._local = threading.local()

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self) -> None:
        """Create or upgrade the schema to SCHEMA_VERSION, and refresh the views."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise BenchmarkingError(
                f"The store {self.path} was made by a newer version of this tool "
                f"(schema {version}, this tool knows {SCHEMA_VERSION}). Update the tool."
            )
        if version < 1:
            with self.transaction():
                self.con.execute(sql_text("schema"))
                self.con.executemany(
                    "INSERT INTO local_authorities VALUES (?, ?, ?)", [list(la) for la in LOCAL_AUTHORITIES]
                )
                self.con.executemany(
                    "INSERT INTO measures VALUES (?, ?, ?, ?, ?, ?)",
                    [[m.code, m.label, m.key_stage, m.kind, m.unit, m.higher_is_better] for m in MEASURES],
                )
                self.con.execute("INSERT INTO schema_version (version) VALUES (1)")
        for step in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                self.con.execute(sql_text(f"migrate_{step}"))
                if step == 5:
                    self._set_prior_groups()
                if step == 6:
                    self.con.execute(sql_text("views"))  # the refresh reads value_added_estimates
                    self.refresh_value_added()
                self.con.execute("INSERT INTO schema_version (version) VALUES (?)", [step])
        self.con.execute(sql_text("views"))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit if the block finishes, roll back if it raises."""
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            self._local.in_transaction = True
            try:
                yield
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            else:
                self.con.execute("COMMIT")
            finally:
                self._local.in_transaction = False

    def execute(self, sql: str, params: list | None = None) -> None:
        """One write statement, on its own or inside the current transaction."""
        with self._lock:
            self.con.execute(sql, params or [])

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, table: str, frame: pd.DataFrame) -> int:
        """Insert rows, replacing any with the same key: re-importing never duplicates."""
        if table not in _WRITABLE:
            raise ValueError(f"not a writable table: {table}")
        if frame is None or frame.empty:
            return 0
        frame = frame.drop_duplicates(subset=list(_KEYS[table]), keep="last")
        with self._atomic(), self._registered("incoming_rows", frame):
            self.con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM incoming_rows")
            if table in _CHANGES_VALUE_ADDED:
                self._refresh_school_value_added((int(frame["year"].min()), int(frame["year"].max())))
        return len(frame)

    def upsert_schools(self, frame: pd.DataFrame) -> int:
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
        with self._registered("incoming_schools", frame):
            self.con.execute(sql_text("upsert_schools"))
        return len(frame)

    def replace_pupils(self, frame: pd.DataFrame) -> int:
        """Replace the pupils of each school, year and key stage in `frame` with its rows, setting each
        pupil's prior-attainment group and refreshing the national estimates they change."""
        return self._write_pupils(frame, "SELECT * FROM incoming_pupils")

    def add_synthetic_pupils(self, frame: pd.DataFrame, seed: int) -> int:
        """Write the generator's pupils, numbered 0..n-1 in pupil_id, under pseudonymous ids: an
        odd-multiplier permutation of the number, unique and unordered (made in SQL: fast at 3.6M)."""
        return self._write_pupils(frame, """
            SELECT 'SYN' || upper(lpad(to_hex(((pupil_id + 1) * 678223072849 + ?) % 1099511627776), 10, '0')) AS pupil_id,
                   * EXCLUDE (pupil_id)
            FROM incoming_pupils""", [seed])

    def _write_pupils(self, frame: pd.DataFrame, select: str, params: list | None = None) -> int:
        frame = frame.assign(prior_group=_stored_groups(frame["key_stage"], frame["prior_attainment"]))
        with self._atomic(), self._registered("incoming_pupils", frame):
            self.con.execute(
                """
                DELETE FROM pupils
                WHERE (urn, year, key_stage) IN (SELECT DISTINCT urn, year, key_stage FROM incoming_pupils)
                """
            )
            self.con.execute(f"INSERT INTO pupils BY NAME {select}", params or [])
            # DfE's method: a year's pupils set that year's national estimates, and so every school's score.
            self.refresh_value_added((int(frame["year"].min()), int(frame["year"].max())), set(frame["key_stage"]))
        return len(frame)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """The block in the current transaction, or in its own if there is none."""
        if getattr(self._local, "in_transaction", False):
            yield
        else:
            with self.transaction():
                yield

    def refresh_value_added(self, years: tuple[int, int] = ALL_YEARS, key_stages: Iterable[str] = KEY_STAGES) -> None:
        """Work out again, from the pupils in the store, the national estimates and then every school's
        official value added of the years from years[0] to years[1] and the key stages (after a write of pupils)."""
        key_stages = sorted(key_stages)
        with self._lock:
            self.con.execute("DELETE FROM pupil_estimates WHERE year BETWEEN ? AND ? AND list_contains(?, key_stage)",
                             [*years, key_stages])
            self.con.execute(sql_text("refresh_pupil_estimates"), [*years, key_stages])
            self._refresh_school_value_added(years, key_stages)

    def _refresh_school_value_added(self, years: tuple[int, int], key_stages: Iterable[str] = KEY_STAGES) -> None:
        """Every school's official value added for those years and key stages' measures, from its pupils
        (sql/school_value_added_from_pupils.sql)."""
        with self._lock:
            for subject in SUBJECTS.values():
                if subject.key_stage not in key_stages:
                    continue
                self.con.execute("DELETE FROM school_value_added WHERE year BETWEEN ? AND ? AND measure = ?",
                                 [*years, subject.measure])
                sql, params = school_value_added_query(subject, years)
                self.con.execute(f"INSERT INTO school_value_added BY NAME SELECT * FROM ({sql})", params)

    def _set_prior_groups(self) -> None:
        """Set the prior-attainment group of every pupil stored before the store kept it (migration 5)."""
        pupils = self.con.execute("SELECT rowid AS row, key_stage, prior_attainment FROM pupils").df()
        if pupils.empty:
            return
        groups = pd.DataFrame({"row": pupils["row"], "prior_group": _stored_groups(pupils["key_stage"], pupils["prior_attainment"])})
        with self._registered("pupil_groups", groups):
            self.con.execute("UPDATE pupils SET prior_group = g.prior_group FROM pupil_groups g WHERE pupils.rowid = g.row")

    @contextmanager
    def _registered(self, name: str, frame) -> Iterator[None]:
        """Expose a DataFrame to SQL as `name` for the block only."""
        self.con.register(name, frame)
        try:
            yield
        finally:
            try:
                self.con.unregister(name)
            except duckdb.Error:
                pass  # an aborted transaction refuses this; the block's own error is what matters

    def log_import(self, *, file: str, kind: str, year: int | None, checksum: str | None, rows_read: int,
                   rows_stored: int, rows_skipped: int, rows_rejected: int, status: str,
                   message: str | None = None) -> None:
        self.execute(
            """
            INSERT INTO import_log (file, kind, year, checksum, rows_read, rows_stored, rows_skipped,
                                    rows_rejected, status, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [file, kind, year, checksum, rows_read, rows_stored, rows_skipped, rows_rejected, status, message],
        )

    # -- reads -----------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a read query with bound parameters and return a DataFrame."""
        if getattr(self._local, "in_transaction", False):
            return self.con.execute(sql, params or []).df()
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    def latest_year(self) -> int:
        """The latest year with results: the default year of every command and page."""
        year = self.query("SELECT max(year) AS y FROM results")["y"][0]
        if pd.isna(year):
            raise BenchmarkingError(f"The store {self.path} holds no results yet. Build the demo store with "
                                    "`python -m benchmarking demo`, or import DfE files with `import-dfe`.")
        return int(year)

    def query_file(self, name: str, params: list | None = None) -> pd.DataFrame:
        """Run a named query from benchmarking/sql/NAME.sql."""
        return self.query(sql_text(name), params)


def _stored_groups(key_stage: pd.Series, prior: pd.Series) -> pd.Series:
    """Prior-attainment groups as the store keeps them: NULL, not 0, where the prior attainment is missing."""
    groups = prior_groups(key_stage.to_numpy(), pd.to_numeric(prior, errors="coerce").to_numpy(dtype=float))
    return pd.Series(groups, index=key_stage.index, dtype="Int8").mask(groups == 0)


def open_store(path: str | Path | None = None, read_only: bool = False) -> Store:
    """Open (and create or migrate, unless read-only) the store at `path` or the default path."""
    path = Path(path) if path else default_db_path()
    if read_only and not path.exists():
        raise BenchmarkingError(
            f"No store at {path}. Build the demo store with `python -m benchmarking demo`, "
            "or import DfE files with `python -m benchmarking import-dfe PATH`."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise BenchmarkingError(f"Cannot open the store {path}: {exc}") from exc
    con.execute("SET enable_progress_bar = false")
    store = Store(con, path, read_only)
    if not read_only:
        store.migrate()
    elif store.schema_version() < SCHEMA_VERSION:
        # An older store: migrate it once with a writing connection, then reopen it for reading.
        store.close()
        open_store(path).close()
        return open_store(path, read_only=True)
    elif store.schema_version() > SCHEMA_VERSION:
        version = store.schema_version()
        store.close()
        raise BenchmarkingError(
            f"The store {path} was made by a newer version of this tool (schema {version}, "
            f"this tool knows {SCHEMA_VERSION}). Update the tool."
        )
    return store
