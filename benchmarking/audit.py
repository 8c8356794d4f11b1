"""The audit log: who viewed or downloaded which school's pupil-level data, and when.

It lives in an SQLite file beside the store (STORE.audit.sqlite), not in the store itself: every page view
of pupil data appends to it, from every dashboard process at once, and an append must not rewrite the store.
It never holds a pupil's id or values: only who, what, which school and when.
"""
from __future__ import annotations

import datetime
import sqlite3
import threading
from pathlib import Path

import pandas as pd

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    at     TEXT NOT NULL,     -- UTC, ISO 8601
    email  TEXT NOT NULL,     -- who (or "open demo" / "command line")
    action TEXT NOT NULL,     -- viewed pupils, downloaded pupils, viewed pupil groups, ...
    urn    INTEGER NOT NULL,  -- whose pupils
    year   INTEGER,
    detail TEXT
)
"""


def audit_path(store_path: Path) -> Path:
    return Path(store_path).with_name(Path(store_path).name + ".audit.sqlite")


def _connect(store_path: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    con = sqlite3.connect(audit_path(store_path), timeout=10, check_same_thread=check_same_thread)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(SCHEMA)
    return con


# One open connection per audit file in each process, used under a lock: an append is then one committed insert,
# not a connect, a schema check and a checkpoint of the log on close (several ms of every view of pupils).
_APPENDERS: dict[Path, tuple[sqlite3.Connection, threading.Lock]] = {}
_APPENDERS_LOCK = threading.Lock()


def _appender(store_path: Path) -> tuple[sqlite3.Connection, threading.Lock]:
    path = audit_path(store_path).resolve()
    with _APPENDERS_LOCK:
        if path not in _APPENDERS or not path.exists():  # a log removed since (a new store): open it again
            if path in _APPENDERS:
                _APPENDERS[path][0].close()
            _APPENDERS[path] = (_connect(store_path, check_same_thread=False), threading.Lock())
        return _APPENDERS[path]


def record(store_path: Path, email: str, action: str, urn: int, year: int | None = None, detail: str = "") -> None:
    """Append one entry, committed before it returns (safe from many processes and threads at once)."""
    at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    con, lock = _appender(store_path)
    with lock, con:
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)", [at, email, action, int(urn), year, detail])


def entries(store_path: Path) -> pd.DataFrame:
    """Every entry, newest first (empty when nothing has been recorded)."""
    if not audit_path(store_path).exists():
        return pd.DataFrame(columns=["at", "email", "action", "urn", "year", "detail"])
    con = _connect(store_path)
    try:
        return pd.read_sql_query("SELECT * FROM audit_log ORDER BY at DESC, rowid DESC", con)
    finally:
        con.close()
