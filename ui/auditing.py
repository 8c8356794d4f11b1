"""Recording who saw or downloaded which school's pupil-level data (benchmarking.audit)."""
from __future__ import annotations

import streamlit as st

from benchmarking import audit
from benchmarking.access import Viewer

from . import data


def _who(viewer: Viewer) -> str:
    return viewer.email or viewer.label


def viewed(viewer: Viewer, action: str, urn: int, year: int) -> None:
    """Record a view once per session, school, year and kind of data (a page reruns often)."""
    key = ("_audited", action, urn, year)
    if not st.session_state.get(key):
        audit.record(data.store().path, _who(viewer), action, urn, year)
        st.session_state[key] = True


def on_download(viewer: Viewer, action: str, urn: int, year: int):
    """What records a download, called as the file is made (outside the page's run: the store's path and the
    viewer are taken now)."""
    path, who = data.store().path, _who(viewer)
    return lambda: audit.record(path, who, action, urn, year)
