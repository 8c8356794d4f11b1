"""Shared dashboard plumbing: the one store connection per process, and cached reads.

Not a page itself: dashboard.py registers only the page files.
"""
from __future__ import annotations

import os

import streamlit as st

from benchmarking.errors import BenchmarkingError
from benchmarking.store import Store, default_db_path, open_store
from benchmarking.summary import store_summary
from benchmarking.synthetic import build_demo_store


def demo_scale() -> str:
    """Scale of the demo built on first start: national, or small where BENCHMARKING_DEMO_SCALE says so (tests)."""
    return os.environ.get("BENCHMARKING_DEMO_SCALE", "national")


def ensure_store() -> None:
    """Build the demo store, showing progress, when there is no store yet."""
    path = default_db_path()
    if path.exists():
        return
    bar = st.progress(0.0, text="No store yet: building the synthetic demo store (about 20 seconds)...")
    build_demo_store(path, scale=demo_scale(), progress=lambda fraction, message: bar.progress(fraction, text=message))
    bar.empty()


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
