"""The frame every page is drawn inside: the page set-up, sign-in, the navigation and the shared sidebar.

dashboard.py runs it. Streamlit also treats a `pages/` folder beside the entry script as an old-style
multipage app until some script calls st.navigation, so a new server's first visitor arriving by a deep
link has the page file run alone: every page therefore begins with require_entry(), which then runs the
frame (and the page within it) itself.
"""
from __future__ import annotations

import copy
import threading

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import access
from ui.cpu_log import page_view_cpu
from ui.demo import ensure_store
from ui.errors import guarded
from ui.navigation import pages_for
from ui.selection import sidebar
from ui.server_settings import tune_server_process
from ui.watch import watch_store

_run = threading.local()  # each script run has a thread of its own


def run_app() -> None:
    """One run of the dashboard: the frame, then the page the visitor asked for within it."""
    tune_server_process()
    # A projector link opens with the sidebar collapsed: the slides have the whole screen.
    st.set_page_config(page_title="School Benchmarking Club", layout="wide",
                       initial_sidebar_state="collapsed" if st.query_params.get("projector") == "1" else "auto")
    _run.inside = True
    try:
        with page_view_cpu(st.query_params.get("urn", "")):
            _frame()
    finally:
        _run.inside = False


_MADE: dict[tuple, dict] = {}  # each set of pages' st.Page, made once per process (and entry script's folder)


def _pages(specs) -> dict:
    """The session's st.Page of each page it may see. Making one resolves its file on disk (eight pages took most
    of a millisecond of a session's first view), so each set is made once per process and each session holds
    copies of its own: navigation marks the page it runs on the session's copy, never on another's."""
    made = st.session_state.get("_pages")
    if made is None or tuple(made) != specs:
        key = (specs, str(get_script_run_ctx().pages_manager.main_script_parent))  # where page files resolve from
        if key not in _MADE:
            _MADE[key] = {page: st.Page(page.file, title=page.title, default=page.key == "my_school") for page in specs}
        made = st.session_state["_pages"] = {page: copy.copy(made_page) for page, made_page in _MADE[key].items()}
    return made


@guarded
def _frame() -> None:
    ensure_store()
    viewer = st.session_state["viewer"] = access.current_viewer()  # looked up each run: tests replace it
    made = _pages(pages_for(viewer.may_manage or viewer.role == "demo"))
    sections: dict[str, list] = {}
    for page, made_page in made.items():
        sections.setdefault(page.section, []).append(made_page)
    navigation = st.navigation(sections)
    arriving = st.session_state.get("_page") != navigation.url_path  # not a rerun of the page already open
    st.session_state["_page"] = navigation.url_path
    if arriving and any(spec.opens_anonymised and made[spec].url_path == navigation.url_path for spec in made):
        # A club meeting opens anonymised: switched on before the sidebar draws the switch, so the first run
        # already shows it so (no second run). Switched off there, it stays off until the visitor comes back.
        st.session_state["_anonymise_requested"] = True
    access.account(viewer)
    st.session_state["selection"] = sidebar()
    with st.sidebar:
        watch_store()
    guarded(navigation.run)()


def require_entry() -> None:
    """Called first by every page: when Streamlit ran the page file alone, run the whole app instead."""
    if getattr(_run, "inside", False):
        return
    run_app()
    st.stop()
