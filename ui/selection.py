"""The sidebar's selection, shared by every page: the school (by name, URN or LA), the year, projector
mode and anonymised mode. All of it lives in the URL (?urn=...&year=...&projector=1&anonymise=1), so a
link, or a reload in the middle of a meeting, opens the same view.

Anonymised mode is one switch, held by the session: a page may turn it on (the club meeting does), never
off. While it is on, the sidebar names no other school: the school cannot be changed until it is off.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.anonymise import Anonymiser
from benchmarking.directory import default_school, phase_in_year

from . import data
from .demo import ensure_store
from .format import plain
from .navigation import page_file
from .widgets import PROJECTOR_CSS, page_script
from benchmarking import phases

PHASES = list(phases.PHASES)
# Kept in the URL as name=1. Anonymised, other schools' LAs are hidden and their context rounded unless a viewer
# names the LAs or asks for exact figures: protection is the default.
SWITCHES = ("projector", "anonymise", "name_las", "exact_context")


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
    mainstream: bool = True  # special schools are compared with special schools
    hide_las: bool = False
    round_context: bool = False
    is_open: bool = True

    @property
    def theme(self):
        return charts.theme(self.projector)


def request_anonymise() -> None:
    """Turn anonymised mode on from a page (the club meeting): it takes effect at once, in a new run."""
    st.session_state["_anonymise_requested"] = True
    st.query_params["anonymise"] = "1"
    if notice := st.session_state.get("_link_notice"):  # what a bad link said is still said in the new run
        st.session_state["_bad_link"] = notice
    st.rerun()


def open_school(urn: int, year: int | None = None) -> None:
    """Open another school on the same page (a button's callback): the URL changes with it, so a reload
    stays on the new school, and the page opens at its top."""
    st.query_params["urn"] = str(urn)
    if year is not None:
        st.query_params["year"] = str(year)
    st.session_state["_scroll_top"] = True


def scroll_to_top() -> None:
    """After another school was opened, show its page from the top (Streamlit keeps the scroll position)."""
    if st.session_state.pop("_scroll_top", False):
        page_script("<script>const main = window.parent.document.querySelector('[data-testid=\"stMain\"]');"
                    "if (main) { main.scrollTo(0, 0); } window.parent.scrollTo(0, 0);</script>")


def _adopt_query_params() -> None:
    """A link or deep link chooses the school, the year and the switches."""
    params = st.query_params
    for switch in SWITCHES:
        if switch not in st.session_state:
            st.session_state[switch] = params.get(switch) == "1"
    if st.session_state.pop("_anonymise_requested", False):
        st.session_state["anonymise"] = True
    urn = params.get("urn")
    if urn and urn != st.session_state.get("_written_urn"):
        if urn.isdigit() and data.directory_record(int(urn)) is not None:
            st.session_state["urn"] = int(urn)
            year = params.get("year")
            st.session_state["year"] = int(year) if year and year.isdigit() else None
            st.session_state["_linked_year"] = st.session_state["year"]
        elif urn.isdigit() and bool(data.store().query_file("school_exists", [int(urn)])["found"][0]):
            st.session_state["_bad_link"] = f"URN {urn} has no results in the store; showing another school."
        else:
            st.session_state["_bad_link"] = f"The link named a school that is not in the store ({plain(urn)}); showing another school."


def _choose_school(schools: pd.DataFrame, anonymise: bool) -> int:
    """The school picker: by phase, then a search; locked while anonymised (it would name other schools)."""
    current = data.directory_record(st.session_state["urn"])
    if anonymise:
        st.markdown(f"**{plain(current['name'])}**")
        st.caption("Anonymised mode is on: switch it off below to choose another school.")
        return int(st.session_state["urn"])
    phase = st.radio("Phase", PHASES, horizontal=True,
                     index=PHASES.index(current["phase"]) if current["phase"] in PHASES else 0)
    if phase != current["phase"] and current["phase"] in PHASES:  # another phase: a school of that phase
        st.session_state["urn"], st.session_state["year"] = default_school(data.phase_directory(phase)), None
    search = st.text_input("Find a school", placeholder="Name, URN or LA", help="Type part of a name, a URN or an LA")
    pool = data.phase_directory(phase) if phase in PHASES else schools
    if search:
        found = pool[pool["label"].str.contains(search.strip(), case=False, regex=False)]
        if found.empty:
            st.info(f"No {phase} school matches “{plain(search.strip())}”.")
        options = found["urn"].head(300).tolist()
    else:  # the phase's first 300, held
        options = (data.phase_urns(phase) if phase in PHASES else schools["urn"].tolist())[:300]
    if st.session_state["urn"] not in options:
        options = [st.session_state["urn"]] + options
    urn = st.selectbox("School", options, index=options.index(st.session_state["urn"]),
                       format_func=data.school_labels().__getitem__, help="Matches for your search; type to narrow the list")
    if urn != st.session_state["urn"]:
        st.session_state["urn"], st.session_state["year"] = urn, None
    return int(urn)


def sidebar() -> Selection | None:
    """The shared sidebar. None when the store has no school with results yet (pages then lead to the
    Data page)."""
    schools = data.directory()
    if schools.empty:
        return None
    _adopt_query_params()
    if "urn" not in st.session_state:
        st.session_state["urn"] = default_school(schools)
    with st.sidebar:
        st.markdown("### Your school")
        message = st.session_state["_link_notice"] = st.session_state.pop("_bad_link", None)
        if message:
            st.warning(message)
        urn = _choose_school(schools, bool(st.session_state.get("anonymise")))
        current = data.directory_record(urn)
        years = [int(y) for y in current["years"]]
        wanted = st.session_state.get("year")
        linked = st.session_state.pop("_linked_year", None)
        if linked is not None and linked not in years:
            st.warning(f"{plain(current['name'])} has no results for {linked}; showing {years[-1]}.")
        year = st.selectbox("Year", years[::-1], index=years[::-1].index(wanted) if wanted in years else 0,
                            help="The year of the summer tests and exams: 2023-24 is 2024")
        st.session_state["year"] = year
        st.markdown("### Display")
        projector = st.toggle("Projector mode", key="projector", help="Large type and markers for a meeting room")
        anonymise = st.toggle("Anonymise other schools", key="anonymise",
                              help="Every school but yours becomes School A, School B... on every page, chart and download")
        name_las = exact_context = False
        if anonymise:
            name_las = st.toggle("Name other schools' LAs", key="name_las",
                                 help="Off, against re-identification: no school's LA is named but yours")
            exact_context = st.toggle("Exact context figures", key="exact_context",
                                      help="Off, against re-identification: other schools' % disadvantaged, EAL and SEN "
                                           "to the nearest 5, and pupils on roll to the nearest 100")
    wanted = {"urn": str(urn), "year": str(year)} | {s: "1" for s, on in
                                                     (("projector", projector), ("anonymise", anonymise),
                                                      ("name_las", name_las), ("exact_context", exact_context)) if on}
    now = {k: v for k, v in st.query_params.to_dict().items() if k in ("urn", "year") + SWITCHES}
    if now != wanted:  # write only changes: each write is a browser navigation
        for key in set(now) - set(wanted):
            del st.query_params[key]
        st.query_params.update(wanted)
    st.session_state["_written_urn"] = str(urn)
    if projector:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    return Selection(urn=urn, name=current["name"], la_name=current["la_name"],
                     phase=phase_in_year(current, year),  # the pool it is compared in that year
                     year=int(year), years=years, projector=projector, anonymise=anonymise,
                     mainstream=bool(current["mainstream"]), hide_las=anonymise and not name_las,
                     round_context=anonymise and not exact_context, is_open=bool(current["is_open"]))


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


def anonymiser(sel: Selection, host: int | None = None) -> Anonymiser:
    """The session's anonymiser for the host school (the selected one unless a page says otherwise):
    letters stay the same across pages."""
    host = sel.urn if host is None else host
    key = f"_anonymiser_{host}"
    if key not in st.session_state:
        st.session_state[key] = Anonymiser(host_urn=host)
    anon = st.session_state[key]
    anon.enabled, anon.hide_las, anon.round_context = sel.anonymise, sel.hide_las, sel.round_context
    return anon
