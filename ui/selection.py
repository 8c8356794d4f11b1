"""The sidebar's selection, shared by every page: the school (by name, URN or LA), the year, projector
mode and anonymised mode. The school and year live in the URL, so a link opens the same view."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.anonymise import Anonymiser
from benchmarking.school_view import default_school

from . import data
from .demo import ensure_store
from .navigation import page_file
from .widgets import PROJECTOR_CSS

PHASES = ["secondary", "primary"]


@dataclass
class Selection:
    urn: int
    name: str
    la_name: str
    phase: str
    year: int
    years: list[int]
    projector: bool
    anonymise: bool

    @property
    def theme(self):
        return charts.theme(self.projector)


def _adopt_query_params(directory: pd.DataFrame) -> None:
    """A link or deep link (?urn=...&year=...) chooses the school and year."""
    params = st.query_params
    urn = params.get("urn")
    if urn and urn != st.session_state.get("_written_urn"):
        if urn.isdigit() and int(urn) in set(directory["urn"]):
            st.session_state["urn"] = int(urn)
            year = params.get("year")
            st.session_state["year"] = int(year) if year and year.isdigit() else None
        else:
            st.session_state["_bad_link"] = urn


def sidebar() -> Selection | None:
    """The shared sidebar: find a school (name, URN or LA), year, phase, projector and anonymise. None
    when the store has no school with results yet (pages then lead to the Data page)."""
    schools = data.directory()
    if schools.empty:
        return None
    _adopt_query_params(schools)
    if "urn" not in st.session_state:
        st.session_state["urn"] = default_school(schools)
    by_urn = schools.set_index("urn")
    current = by_urn.loc[st.session_state["urn"]]
    with st.sidebar:
        st.markdown("### Your school")
        if st.session_state.pop("_bad_link", None):
            st.warning("The link named a school that is not in the store; showing another school.")
        phase = st.radio("Phase", PHASES, horizontal=True,
                         index=PHASES.index(current["phase"]) if current["phase"] in PHASES else 0)
        search = st.text_input("Find a school", placeholder="Name, URN or LA", help="Type part of a name, a URN or an LA")
        pool = schools[schools["phase"] == phase] if phase in PHASES else schools
        if search:
            pool = pool[pool["label"].str.contains(search.strip(), case=False, regex=False)]
        options = pool["urn"].head(300).tolist()
        if st.session_state["urn"] not in options:
            options = [st.session_state["urn"]] + options
        labels = by_urn["label"]
        urn = st.selectbox("School", options, index=options.index(st.session_state["urn"]),
                           format_func=lambda u: labels[u], help="Matches for your search; type to narrow the list")
        if urn != st.session_state["urn"]:
            st.session_state["urn"], st.session_state["year"] = urn, None
        current = by_urn.loc[urn]
        years = [int(y) for y in current["years"]]
        wanted = st.session_state.get("year")
        year = st.selectbox("Year", years[::-1], index=years[::-1].index(wanted) if wanted in years else 0,
                            help="The year of the summer tests and exams: 2023-24 is 2024")
        st.session_state["year"] = year
        st.markdown("### Display")
        projector = st.toggle("Projector mode", key="projector", help="Large type and markers for a meeting room")
        anonymise = st.toggle("Anonymise other schools", key="anonymise",
                              help="Every school but yours becomes School A, School B...")
    wanted = {"urn": str(urn), "year": str(year)}
    if {k: st.query_params.get(k) for k in wanted} != wanted:  # write only changes: each write is a browser navigation
        st.query_params.update(wanted)
    st.session_state["_written_urn"] = str(urn)
    if projector:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    return Selection(urn=int(urn), name=current["name"], la_name=current["la_name"],
                     phase=current["phase"] if current["phase"] in PHASES else "secondary",
                     year=int(year), years=years, projector=projector, anonymise=anonymise)


def selection() -> Selection | None:
    """This run's selection (None on a store without schools). The entry script sets it; a page run on its
    own (as Streamlit's AppTest runs a chosen page) draws the sidebar itself."""
    if "selection" not in st.session_state:
        ensure_store()
        st.session_state["selection"] = sidebar()
    return st.session_state["selection"]


def school_selection() -> Selection:
    """The selection, for pages about a school: on a store without schools, a way to the Data page instead."""
    chosen = selection()
    if chosen is None:
        st.info("The store has no schools with results yet. Import DfE files (or a pupil file) on the Data page.")
        st.page_link(page_file("data"), label="Go to the Data page to import files")
        st.stop()
    return chosen


def anonymiser(host: int, enabled: bool) -> Anonymiser:
    """The session's anonymiser for this host school: letters stay the same across pages."""
    key = f"_anonymiser_{host}"
    if key not in st.session_state:
        st.session_state[key] = Anonymiser(host_urn=host)
    anon = st.session_state[key]
    anon.enabled = enabled
    return anon
