"""Every write to the store, in one place: build a new copy of the store, write to it, work out the
derived tables, and atomically replace the file.

Readers never wait and never see a half-written store: until the rename they read the old file, after it
the new one. A write killed at any moment leaves the old file as it was (its temporary copy is removed by
the next write). One write at a time: a second writer is told at once who holds the store.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from . import derived
from .errors import BenchmarkingError
from .measures import MEASURES
from .reference import LOCAL_AUTHORITIES
from .store import SCHEMA_VERSION, Store, default_db_path, sql_text


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def writer_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the store's write lock for the block; after `wait` seconds, fail with who holds it."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BenchmarkingError(f"Cannot write to the store's folder {path.parent}: {exc.strerror}.") from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    raise BenchmarkingError(
                        f"Another write to the store {path} is under way (process {holder}). "
                        "Wait for it to finish, then run this again.") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def leftovers(path: Path) -> list[Path]:
    """Temporary copies of earlier writes that never finished (killed, or the machine stopped)."""
    return sorted(p for p in path.parent.glob(f"{path.name}.*.tmp*") if p.is_file())


def clean_leftovers(path: Path) -> int:
    """Remove what killed writes left behind, if no write is under way (and the folder can be written):
    the dashboard does this when it starts. Returns how many files went."""
    try:
        with writer_lock(path):
            stale = leftovers(path)
            for p in stale:
                p.unlink()
            return len(stale)
    except BenchmarkingError:
        return 0


def _temporary(path: Path) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _disk_full(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)) or (
        isinstance(exc, duckdb.Error) and any(s in str(exc) for s in ("No space left", "Disk quota", "File too large")))


@contextmanager
def writing(path: str | Path | None = None, create: bool = False, fresh: bool = False,
            wait: float = 0.0) -> Iterator[Store]:
    """A store to write to; on leaving the block without an error, it replaces the store at `path`.

    create: a missing store may be made (imports and the demo; other writes need an existing store).
    fresh: start from an empty store rather than a copy of the current one (the demo build).
    wait: seconds to wait for another write to finish before failing.
    """
    path = Path(path) if path else default_db_path()
    if not path.exists() and not (create or fresh):
        raise BenchmarkingError(
            f"No store at {path}. Build the demo store with `python -m benchmarking demo`, "
            "or import DfE files with `python -m benchmarking import-dfe PATH`.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BenchmarkingError(f"Cannot make the store's folder {path.parent}: {exc.strerror}.") from exc
    with writer_lock(path, wait):
        for stale in leftovers(path):
            stale.unlink()
        temporary = _temporary(path)
        try:
            if path.exists() and not fresh:
                shutil.copyfile(path, temporary)
            con = duckdb.connect(str(temporary))
            store = Store(con, path, read_only=False)
            try:
                con.execute("SET enable_progress_bar = false")
                migrate(store)
                yield store
                derived.refresh(store, store.changes)
                if store.touched:
                    store.execute_file("touch_revisions", [sorted(store.touched)])
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _fsync(temporary)
            os.replace(temporary, path)
            _fsync(path.parent)
        except BaseException as exc:
            _remove(temporary)
            if _disk_full(exc):
                raise BenchmarkingError(
                    f"The disk holding {path} is full: nothing was changed. A write needs free space of about "
                    "the store's size again; free some space and try again.") from None
            raise


@contextmanager
def scratch_copy(path: str | Path) -> Iterator[Store]:
    """A private, writable copy of the store, thrown away afterwards: for measuring writes (bench) without
    changing the store."""
    path = Path(path)
    temporary = _temporary(path)
    shutil.copyfile(path, temporary)
    con = duckdb.connect(str(temporary))
    try:
        yield Store(con, path, read_only=False)
    finally:
        con.close()
        _remove(temporary)


def migrate(store: Store) -> None:
    """Create or upgrade the schema to SCHEMA_VERSION, and refresh the views."""
    version = store.schema_version()
    if version > SCHEMA_VERSION:
        raise BenchmarkingError(
            f"The store {store.path} was made by a newer version of this tool "
            f"(schema {version}, this tool knows {SCHEMA_VERSION}). Update the tool.")
    if version < 1:
        store.execute(sql_text("schema"))
        store.execute_many(sql_text("insert_local_authorities"), [list(la) for la in LOCAL_AUTHORITIES])
        store.execute_file("record_schema_version", [1])
    steps = range(max(version, 1) + 1, SCHEMA_VERSION + 1)
    for step in steps:
        store.execute(sql_text(f"migrate_{step}"))
        if step == 5:
            derived.set_prior_groups(store)
        store.execute_file("record_schema_version", [step])
    store.execute(sql_text("views"))
    if version >= 1 and any(step in (6, 9) for step in steps):
        # School value added is stored from schema 6 on, and capped by group size or DfE's caps from 9.
        derived.refresh_value_added(store, derived.all_years(store))
    # The measures catalogue is the code's: a new measure reaches every store at its next write.
    store.execute_many(sql_text("upsert_measures"),
                       [[m.code, m.label, m.key_stage, m.kind, m.unit, m.higher_is_better] for m in MEASURES])
