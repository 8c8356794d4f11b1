"""Showing new data without a restart: every few seconds each open page checks whether a write has
replaced the store's file, and if so runs again on the new data."""
from __future__ import annotations

import streamlit as st

from . import data

CHECK_EVERY = "4s"


@st.fragment(run_every=CHECK_EVERY)
def watch_store() -> None:
    """Rerun the page when the store's file has changed since this session last drew it."""
    now = data.file_version()
    seen = st.session_state.setdefault("_store_version", now)
    if now != seen:
        st.session_state["_store_version"] = now
        st.rerun()
