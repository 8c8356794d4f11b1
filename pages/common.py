"""Shared dashboard plumbing: the one store connection per process, and cached reads.

Not a page itself: dashboard.py registers only the page files.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import streamlit as st

from benchmarking.errors import BenchmarkingError
from benchmarking.store import Store, default_db_path, open_store
from benchmarking.summary import store_summary
from benchmarking.synthetic import build_demo_store


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


@st.cache_resource
def _demo_build(path: str, scale: str) -> DemoBuild:
    return DemoBuild(Path(path), scale)


def ensure_store() -> None:
    """Build the demo store when there is none yet, showing the build's progress."""
    path = default_db_path()
    if path.exists():
        return
    build = _demo_build(str(path), demo_scale())
    bar = st.progress(0.0, text="No store yet: building the synthetic demo store (about 20 seconds)...")
    while not build.done.wait(timeout=0.25):
        bar.progress(build.fraction, text=build.message)
    bar.empty()
    if build.error is not None:
        _demo_build.clear()
        raise BenchmarkingError(f"Building the demo store failed: {build.error}")


@st.cache_resource
def _open(path: str) -> Store:
    return open_store(path, read_only=True)


def get_store() -> Store:
    """The process's one read-only connection to the store at the configured path."""
    return _open(str(default_db_path()))


@st.cache_data(show_spinner=False)
def _summary(path: str) -> dict:
    return store_summary(_open(path))


def cached_summary() -> dict:
    return _summary(str(default_db_path()))


def show_error(exc: BenchmarkingError) -> None:
    st.error(str(exc))
