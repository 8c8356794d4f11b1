"""Shared dashboard plumbing: the store (one per process), cached reads, the sidebar's selection (kept in
the URL), anonymised mode, projector mode, and tables and charts with downloads.

Not a page itself: dashboard.py registers only the page files. Every number comes from `benchmarking`.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.anonymise import Anonymiser
from benchmarking.errors import BenchmarkingError
from benchmarking.partners import partner_candidates
from benchmarking.school_view import default_school, school_directory
from benchmarking.similarity import DEFAULT_WEIGHTS, FEATURES, SimilarityIndex, load_features
from benchmarking.store import Store, default_db_path, open_store
from benchmarking.summary import store_summary
from benchmarking.synthetic import build_demo_store
from benchmarking.floor import PRESETS, floor_report, schools_of_concern
from benchmarking.va_report import (SUBJECTS, group_comparison, national_groups, pool_rows, pupil_value_added,
                                    pupils_exist, school_value_added_table)

PAGES = {
    "my_school": "pages/my_school.py",
    "similar": "pages/similar_schools.py",
    "value_added": "pages/value_added.py",
    "la": "pages/la_overview.py",
    "meeting": "pages/club_meeting.py",
    "data": "pages/data.py",
    "methodology": "pages/methodology.py",
}


# -- the store ------------------------------------------------------------------------------------

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
    return open_store(path)


def db_key() -> str:
    return str(default_db_path())


def get_store() -> Store:
    """The process's one connection to the store (reads are thread-safe; writes are locked)."""
    return _open(db_key())


def clear_caches() -> None:
    """After a write (an import), every cached read is stale."""
    st.cache_data.clear()
    st.cache_resource.clear()


# -- cached reads ---------------------------------------------------------------------------------

@st.cache_data(show_spinner=False)
def summary(path: str) -> dict:
    return store_summary(_open(path))


# Large tables are cached as resources: shared, never copied, so pages must treat them as read-only
# (filtering or merging makes new frames; nothing assigns into them).

@st.cache_resource(show_spinner=False)
def directory(path: str) -> pd.DataFrame:
    return school_directory(_open(path))


@st.cache_resource(show_spinner=False)
def school_names(path: str) -> pd.DataFrame:
    return _open(path).query_file("school_names").merge(_open(path).query("SELECT urn, la_code FROM schools"), on="urn")


@st.cache_resource(show_spinner=False)
def year_results(path: str, year: int) -> pd.DataFrame:
    return _open(path).query_file("year_results", [year])


@st.cache_resource(show_spinner="Working out value added...")
def va_table(path: str, year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    return school_value_added_table(_open(path), year, phase, lens=lens)


@st.cache_resource(show_spinner=False)
def pooled(path: str, urn: int, phase: str, years: tuple[int, ...]) -> pd.DataFrame:
    return pool_rows(pd.concat([va_table(path, y, phase) for y in years], ignore_index=True), urn)


@st.cache_resource(show_spinner=False)
def floor(path: str, rule_name: str, year: int) -> pd.DataFrame:
    return floor_report(_open(path), PRESETS[rule_name], year)


@st.cache_resource(show_spinner=False)
def concern(path: str, year: int) -> pd.DataFrame:
    return schools_of_concern(_open(path), year)


@st.cache_resource(show_spinner="Loading the pool of schools...")
def _index(path: str, year: int, phase: str, weights: tuple) -> SimilarityIndex:
    return SimilarityIndex(load_features(_open(path), year, phase), dict(weights))


def _weights_key(weights: dict | None) -> tuple:
    """Weights as a cache key: every feature, in order (the defaults where none are given)."""
    weights = weights or DEFAULT_WEIGHTS
    return tuple((f, float(weights[f])) for f in FEATURES)


def similarity_index(year: int, phase: str, weights: dict | None = None) -> SimilarityIndex:
    return _index(db_key(), year, phase, _weights_key(weights))


@st.cache_resource(show_spinner="Working out pupils' value added...")
def _pupil_va(path: str, year: int, measure: str, lens: str):
    return pupil_value_added(_open(path), year, measure, lens)


@st.cache_resource(show_spinner=False)
def school_pupils(path: str, year: int, measure: str, urn: int) -> pd.DataFrame:
    """One school's pupils with their scores (empty when the store has none): for its own view only."""
    va = _pupil_va(path, year, measure, "official") if _has_pupils(path, year, measure) else None
    return va.for_school(urn) if va is not None else pd.DataFrame()


@st.cache_resource(show_spinner=False)
def _has_pupils(path: str, year: int, measure: str) -> bool:
    return pupils_exist(_open(path), year, SUBJECTS[measure].key_stage)


@st.cache_resource(show_spinner=False)
def _national_groups(path: str, year: int, measure: str) -> pd.DataFrame:
    return national_groups(_pupil_va(path, year, measure, "official"))


@st.cache_resource(show_spinner=False)
def _pupil_groups(path: str, urn: int, year: int, measure: str, club: tuple[int, ...]) -> pd.DataFrame:
    return group_comparison(_pupil_va(path, year, measure, "official"), urn, list(club),
                            _national_groups(path, year, measure))


def pupil_groups(urn: int, year: int, measure: str, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups against the same groups nationally (worked out once) and in its club."""
    return _pupil_groups(db_key(), urn, year, measure, tuple(club))


@st.cache_resource(show_spinner=False, max_entries=200)
def funnel_figure(path: str, year: int, phase: str, measure: str, host: int, projector: bool, anonymise: bool):
    """The funnel plot of every school's score against cohort size (built once per view: thousands of points)."""
    import numpy as np

    from benchmarking.value_added import funnel_limits, recover_national_sd

    official = va_table(path, year, phase)
    official = official[official["measure"] == measure]
    points = official.merge(school_names(path), on="urn")
    points["is_host"] = points["urn"] == host
    if anonymise:
        points["name"] = np.where(points["is_host"], points["name"], "A school")
    national_sd = recover_national_sd(points["ci_low"], points["ci_high"], points["n"])
    return charts.funnel(points, funnel_limits(int(points["n"].max()), national_sd),
                         "Scores against cohort size, all schools", charts.theme(projector))


@st.cache_resource(show_spinner=False)
def partners(path: str, urn: int, year: int, phase: str, k: int) -> pd.DataFrame:
    index = _index(path, year, phase, _weights_key(None))
    return partner_candidates(_open(path), index.neighbours(urn, k))


# -- the selection (sidebar, URL) -----------------------------------------------------------------

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


def _adopt_query_params(directory_frame: pd.DataFrame) -> None:
    """A link or deep link (?urn=...&year=...) chooses the school and year."""
    params = st.query_params
    urn = params.get("urn")
    if urn and urn != st.session_state.get("_written_urn"):
        if urn.isdigit() and int(urn) in set(directory_frame["urn"]):
            st.session_state["urn"] = int(urn)
            year = params.get("year")
            st.session_state["year"] = int(year) if year and year.isdigit() else None
        else:
            st.session_state["_bad_link"] = urn


def sidebar() -> Selection:
    """The shared sidebar: find a school (name, URN or LA), year, phase, projector and anonymise."""
    schools = directory(db_key())
    if schools.empty:
        raise BenchmarkingError("The store has no schools with results yet. Import DfE files on the Data page.")
    _adopt_query_params(schools)
    if "urn" not in st.session_state:
        st.session_state["urn"] = default_school(schools)
    by_urn = schools.set_index("urn")
    current = by_urn.loc[st.session_state["urn"]]
    with st.sidebar:
        st.markdown("### Your school")
        if st.session_state.pop("_bad_link", None):
            st.warning("The link named a school that is not in the store; showing another school.")
        phase_options = ["secondary", "primary"]
        phase = st.radio("Phase", phase_options, horizontal=True,
                         index=phase_options.index(current["phase"]) if current["phase"] in phase_options else 0)
        search = st.text_input("Find a school", placeholder="Name, URN or LA", help="Type part of a name, a URN or an LA")
        pool = schools[schools["phase"] == phase] if phase in phase_options else schools
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
                     phase=current["phase"] if current["phase"] in phase_options else "secondary",
                     year=int(year), years=years, projector=projector, anonymise=anonymise)


def selection() -> Selection:
    """This run's selection. The entry script sets it; a page run on its own (as Streamlit's AppTest
    runs a chosen page) draws the sidebar itself."""
    if "selection" not in st.session_state:
        ensure_store()
        st.session_state["selection"] = sidebar()
    return st.session_state["selection"]


def anonymiser(host: int, enabled: bool) -> Anonymiser:
    """The session's anonymiser for this host school: letters stay the same across pages."""
    key = f"_anonymiser_{host}"
    if key not in st.session_state:
        st.session_state[key] = Anonymiser(host_urn=host)
    anon = st.session_state[key]
    anon.enabled = enabled
    return anon


# Streamlit sizes text in rem, so scaling the root scales everything together, headings included.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.15rem !important; padding: 0.45rem 0.8rem !important; }
</style>
"""


# -- drawing --------------------------------------------------------------------------------------

def table(frame: pd.DataFrame, file_name: str, projector: bool = False, empty: str = "Nothing to show.",
          key: str | None = None, column_config: dict | None = None) -> None:
    """A table with a CSV download of exactly what is shown; a clear message when there is nothing."""
    if frame is None or frame.empty:
        st.info(empty)
        return
    if projector:
        st.table(frame.style.format(lambda v: f"{v:,.6g}" if isinstance(v, float) else v, na_rep="–"))
    else:
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    st.download_button("Download CSV", frame.to_csv(index=False).encode(), file_name=file_name, mime="text/csv",
                       key=key or f"download_{file_name}")


@st.cache_resource(show_spinner=False, max_entries=400)
def _cached_figure(key: tuple, _build):
    return _build()


def figure(key: tuple, build, anonymised: bool):
    """A chart built once per set of inputs (`key` must name them all): plotly spends far longer building
    a figure than sending it. Anonymised charts are built each time, as their letters belong to one session."""
    return build() if anonymised else _cached_figure((db_key(),) + key, build)


def chart(fig, key: str, on_select: str = "ignore"):
    """A plotly chart with its own PNG export (the toolbar's camera)."""
    return st.plotly_chart(fig, width="stretch", key=key, on_select=on_select,
                           config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})


def fmt(value, digits: int = 2, sign: bool = False) -> str:
    """A number for people: a dash where it is missing."""
    if value is None or pd.isna(value):
        return "–"
    return f"{value:+.{digits}f}" if sign else f"{value:,.{digits}f}"


def ci_text(low, high) -> str:
    return "–" if pd.isna(low) or pd.isna(high) else f"{low:+.2f} to {high:+.2f}"
