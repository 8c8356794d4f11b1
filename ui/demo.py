"""The store the dashboard serves, made ready on first start: the demo built when there is none, and a
store from an older version of the tool upgraded (both through the one writer)."""
from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import streamlit as st

from benchmarking.errors import BenchmarkingError
from benchmarking.store import SCHEMA_VERSION, default_db_path, file_version, open_store
from benchmarking.synthetic import build_demo_store
from benchmarking.writer import clean_leftovers, writing

from .data.memo import Memo


def demo_scale() -> str:
    """Scale of the demo built on first start: national, or small where BENCHMARKING_DEMO_SCALE says so (tests)."""
    return os.environ.get("BENCHMARKING_DEMO_SCALE", "national")


class DemoBuild:
    """The one demo-store build of this process, run in a background thread so that it finishes even
    if the visitor who started it leaves; every session shows its progress."""

    def __init__(self, path: Path, scale: str):
        self.fraction, self.message, self.error = 0.0, "Starting", None
        self.done = threading.Event()
        threading.Thread(target=self._run, args=(path, scale), daemon=True).start()

    def _run(self, path: Path, scale: str) -> None:
        try:
            build_demo_store(path, scale=scale, progress=self._progress)
        except Exception as exc:  # shown to every waiting session, not lost in a thread
            self.error = exc
        finally:
            self.done.set()

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message


@Memo
def _demo_build(path: str, scale: str) -> DemoBuild:
    return DemoBuild(Path(path), scale)


@Memo
def _clean_once(path: str) -> int:
    """Once per server process: remove what a killed demo build or import left behind."""
    return clean_leftovers(Path(path)) if Path(path).parent.exists() else 0


@functools.partial(Memo, max_entries=8)
def _schema_checked(path: str, version: str) -> int | None:
    """The schema version of one version of the store's file: checked once, not on every page run."""
    return _schema_version(Path(path))


def _schema_version(path: Path) -> int | None:
    """The store's schema version, without refusing an older one (None when it cannot be read)."""
    try:
        with open_store(path) as store:
            return store.schema_version()
    except BenchmarkingError as exc:
        return 0 if "older version" in str(exc) else None


def ensure_store() -> None:
    """Build the demo store when there is none yet, or upgrade an older store, showing progress."""
    path = default_db_path()
    _clean_once(str(path))
    if not path.exists():
        build = _demo_build(str(path), demo_scale())
        bar = st.progress(0.0, text="No store yet: building the synthetic demo store (about 20 seconds)...")
        while not build.done.wait(timeout=0.25):
            bar.progress(build.fraction, text=build.message)
        bar.empty()
        if build.error is not None:
            _demo_build.clear()
            raise BenchmarkingError(f"Building the demo store failed: {build.error}")
        return
    if _schema_checked(str(path), file_version(path)) == 0:  # made by an older version of the tool: upgrade it once
        with st.spinner(f"Upgrading the store to schema {SCHEMA_VERSION}..."):
            with writing(path, wait=120):
                pass
