"""The dashboard's access to the store: one read-only reader per process, reopened when a write replaces
the file, and cached reads keyed by the revision of the part of the store they read. A write changes only
its parts' revisions, so saving a club leaves every value-added table cached.

Every cache is bounded (max_entries, ttl). Cached frames are shared across sessions: pages never change
them (filtering and merging make new frames), and tests/test_pages.py checks that they do not.
"""
from __future__ import annotations

import functools
import threading
import time
import weakref
from contextlib import nullcontext

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from benchmarking.store import Store, StoreReader, default_db_path
from benchmarking.store import file_version as file_version_of

from .memo import Memo

HOUR = 3600
# Every object a shared cache has handed out and that is still alive (for the test that none changes): held
# weakly, so an entry goes when its object does, and the record stays as small as the caches.
_SHARED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def shared(show_spinner: str | bool = False, max_entries: int | None = None, ttl: float = HOUR):
    """A bounded, expiring cache (memo.Memo) whose values all sessions share (never copied): pages must treat
    them as read-only, and tests/test_pages.py checks that no page changes one. `show_spinner`: the words a
    page shows while a value is worked out."""
    def while_computing():
        return st.spinner(show_spinner) if isinstance(show_spinner, str) and get_script_run_ctx() else nullcontext()

    def wrap(fn):
        @functools.wraps(fn)
        def recorded(*args, **kwargs):
            value = fn(*args, **kwargs)
            try:
                _SHARED[id(value)] = value
            except TypeError:  # bools and other values that cannot be changed anyway
                pass
            return value
        return functools.wraps(fn)(Memo(recorded, max_entries=max_entries, ttl=ttl, while_computing=while_computing))
    return wrap


def shared_values() -> list:
    """Every value a shared cache has handed out that is still alive."""
    return list(_SHARED.values())


def urns_key(urns) -> tuple[int, ...]:
    """Schools (a club, in its order) as part of a cache key."""
    return tuple(int(u) for u in urns)


YEARS = 32  # entries for caches keyed by year, phase and measure
SCHOOLS = 300  # entries for caches keyed by school


@functools.lru_cache(maxsize=8)
def _reader(path: str) -> StoreReader:
    """One reader per store file for the whole process (a plain cache: a page asks for it dozens of times)."""
    return StoreReader(path)


def store() -> Store:
    """The store as it is now: the process's read-only reader, reopened after a write."""
    return _reader(str(default_db_path())).current()


def store_exists() -> bool:
    return default_db_path().exists()


def file_version() -> str | None:
    """The store file's version now (a write replaces the file), or None when there is no store."""
    path = default_db_path()
    return file_version_of(path) if path.exists() else None


def revision(*parts: str) -> str:
    """A cache key for data read from these parts of the store (and this store file)."""
    current = store()
    return f"{current.path}|" + "|".join(current.revision(p) for p in parts)


_run = threading.local()  # each page run has its own thread: what it has read of the store's revision


def data_key() -> str:
    """The cache key of the store's data as it is now. A page run asks for it dozens of times: it is read once
    per run (each run is a thread of its own), and again after a second at most."""
    now = time.monotonic()
    if getattr(_run, "until", 0.0) > now:
        return _run.key
    _run.key, _run.until = revision("data"), now + 1.0
    return _run.key
