"""Every dashboard page under Streamlit's AppTest, on a small demo store.

Under AppTest, once st.navigation has run, later runs execute only the page and not the entry script
(a real browser reruns both; the browser tests check that), so each test opens a fresh app directly on
its page with the sidebar's settings already in session state.
"""
import json
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from benchmarking.store import open_store

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = {
    "pages/my_school.py": ["Value added", "Headline results", "Context against the club", "Similar schools that do better"],
    "pages/similar_schools.py": ["The group of 20", "Why they are alike", "Context against outcome", "Save as a club"],
    "pages/value_added.py": ["Official and contextual, side by side", "Against the club", "Funnel plot", "In detail"],
    "pages/la_overview.py": ["Every school against its own club", "Below floor standards and of concern", "Against the most similar LAs"],
    "pages/club_meeting.py": [],
    "pages/club_impact.py": ["Year by year", "Members"],
    "pages/data.py": ["Import DfE files", "Import pupils", "Import log"],
    "pages/methodology.py": [],
}


@pytest.fixture(scope="module")
def app_db(small_demo_path, tmp_path_factory):
    """The app's own copy of the demo store: the dashboard keeps a writing connection open for the whole
    process, so the tests read the original instead."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(small_demo_path, path)
    return path


@pytest.fixture
def open_page(app_db, monkeypatch):
    """open_page(page, urn=None, year=None, **session_state) -> a run AppTest on that page."""
    monkeypatch.setenv("BENCHMARKING_DB", str(app_db))

    def opener(page="pages/my_school.py", urn=None, year=None, **state):
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        if urn is not None:
            at.query_params["urn"] = str(urn)
        if year is not None:
            at.query_params["year"] = str(year)
        for key, value in state.items():
            at.session_state[key] = value
        return at.switch_page(page).run()

    return opener


@pytest.fixture(scope="module")
def school_names(small_demo_path):
    with open_store(small_demo_path) as store:
        return store.query("SELECT urn, name, phase FROM schools")


def first_secondary(school_names) -> int:
    return int(school_names.loc[school_names["phase"] == "secondary", "urn"].min())


def page_text(at) -> str:
    """Everything a visitor can read or download: text, tables and the data inside charts."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value.to_csv() for e in at.dataframe] + [str(e.value) for e in at.table]
    parts += [e.proto.spec for e in at.get("plotly_chart")]
    parts += [str(e.value) for e in at.metric]
    return "\n".join(map(str, parts))


# In a year without a progress measure (the demo's latest, 2026, and 2025), the pages answer with attainment.
GAP_HEADERS = {**PAGES, "pages/my_school.py": ["Attainment in context", "Headline results", "Context against the club",
                                                  "Similar schools that do better"],
               "pages/value_added.py": ["Attainment in context", "Against the club", "Funnel plot", "In detail"]}
# Sections of detail that open on request (a collapsed expander each): their keys and labels.
SECTIONS = {"pages/value_added.py": {"va_pupils": "This school's pupils", "va_published": "Pupil groups as DfE published them",
                                     "va_inclusion": "Inclusion", "va_pooled": "Several years pooled"}}


@pytest.mark.parametrize("page, headers", PAGES.items())
def test_every_page_runs_cleanly_with_its_sections(open_page, page, headers, school_names):
    at = open_page(page, urn=first_secondary(school_names), year=2024)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = [h.value for h in at.header]
    for header in headers:
        assert header in shown, header
    assert [e.label for e in at.expander if e.label in SECTIONS.get(page, {}).values()] == list(SECTIONS.get(page, {}).values())
    for chart in at.get("plotly_chart"):  # figures are built unvalidated: each is a valid figure all the same
        go.Figure(json.loads(chart.proto.spec), skip_invalid=False)


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("page, headers", GAP_HEADERS.items())
def test_in_a_year_without_progress_8_every_page_says_why_and_shows_attainment(open_page, page, headers, year,
                                                                                school_names):
    at = open_page(page, urn=first_secondary(school_names), year=year)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = [h.value for h in at.header]
    for header in headers:
        assert header in shown, header
    if page in ("pages/my_school.py", "pages/value_added.py", "pages/la_overview.py"):
        assert any(f"DfE published no Progress 8 for {year}" in i.value for i in at.info)
    if page == "pages/my_school.py":
        # "Attainment 8 40.2: 13th of 21 similar schools, 1.3 below their median."
        assert any(s.value.startswith("Attainment 8 ") and "of 21 similar schools" in s.value for s in at.subheader)
        assert any("Not a progress measure" in m.value for m in at.markdown)
    if page == "pages/value_added.py":
        assert any("not a progress measure" in s.value for s in at.subheader)


def test_a_deep_link_selects_the_school_and_year(open_page, school_names):
    primary = school_names[school_names["phase"] == "primary"].iloc[3]
    at = open_page(urn=primary["urn"], year=2023)
    assert at.title[0].value == primary["name"]
    assert any("2023" in c.value for c in at.caption)
    assert at.session_state["selection"].urn == primary["urn"] and at.session_state["selection"].phase == "primary"


def test_the_picker_offers_the_phases_schools_in_order_and_reads_each_schools_own_row(open_page, app_db):
    from ui import data

    at = open_page()
    schools = data.directory()
    offered = next(s for s in at.sidebar.selectbox if s.label == "School")
    phase = at.sidebar.radio[0].value
    in_phase = schools.loc[schools["phase"] == phase, "urn"].astype(int).tolist()
    assert data.phase_urns(phase) == in_phase and offered.options == [data.school_labels()[u] for u in in_phase[:300]]
    for row in schools.itertuples():
        record = data.directory_record(row.urn)
        assert (record["name"], record["la_name"], record["phase"], record["mainstream"], record["is_open"]) == (
            row.name, row.la_name, row.phase, row.mainstream, row.is_open)
        assert list(record["years"]) == list(row.years) and list(record["phases"]) == list(row.phases)
    assert data.directory_record(999999999) is None


def test_a_link_to_an_unknown_school_warns_and_carries_on(open_page):
    at = open_page(urn=999999999)
    assert not at.exception and any("not in the store" in w.value for w in at.warning)


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("pages/data.py", "pages/methodology.py")])
def test_anonymise_leaves_no_other_schools_name_anywhere(open_page, school_names, page):
    at = open_page(page, anonymise=True)
    assert not at.exception and at.session_state["selection"].anonymise
    host = at.session_state["selection"].name
    text = page_text(at)
    leaked = [n for n in school_names["name"] if n != host and n in text]
    assert leaked == []
    assert "School A" in text or page == "pages/club_meeting.py"


def test_projector_mode_enlarges_charts(open_page):
    normal = json.loads(open_page().get("plotly_chart")[0].proto.spec)
    at = open_page(projector=True)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert normal["layout"]["font"]["size"] < 20 and spec["layout"]["font"]["size"] >= 24
    assert any("html { font-size: 22px; }" in m.value for m in at.markdown)


def test_the_club_meeting_opens_anonymised_stays_as_switched_and_steps_through_its_slides(open_page):
    at = open_page("pages/club_meeting.py")
    sel = at.session_state["selection"]
    assert sel.anonymise and sel.hide_las and sel.round_context and at.query_params["anonymise"] == "1"
    assert not any(b.label == "Anonymise every school but the host" for b in at.button)
    at.sidebar.toggle(key="anonymise").set_value(False).run()  # switched off in the meeting: it stays off
    assert not at.session_state["selection"].anonymise and "anonymise" not in at.query_params
    [b for b in at.button if b.label == "Anonymise every school but the host"][0].click().run()
    assert at.session_state["selection"].anonymise and at.query_params["anonymise"] == "1"
    at.sidebar.toggle(key="name_las").set_value(True).run()
    sel = at.session_state["selection"]
    assert not sel.hide_las and sel.round_context and at.query_params["name_las"] == "1"
    def title():
        return next(m.value for m in at.markdown if m.value.startswith("### "))

    first = title()
    next_button = [b for b in at.button if b.label == "Next ▶"][0]
    next_button.click().run()
    assert title() != first and title().startswith("### Ranked")
    assert at.query_params["slide"] == "2"
    [b for b in at.button if b.label == "◀ Previous"][0].click().run()
    assert title() == first


def test_arriving_at_the_club_meeting_draws_it_once_already_anonymised(open_page, monkeypatch):
    from ui import access

    runs = []
    account = access.account
    monkeypatch.setattr(access, "account", lambda viewer: (runs.append(1), account(viewer))[1])  # once a run
    at = open_page()  # My school first, as a head arrives
    assert not at.session_state["selection"].anonymise and len(runs) == 1
    at.switch_page("pages/club_meeting.py").run()
    assert at.session_state["selection"].anonymise and at.query_params["anonymise"] == "1"
    assert len(runs) == 2  # one run for the meeting, not a second to switch anonymised mode on
    at.sidebar.toggle(key="anonymise").set_value(False).run()
    at.switch_page("pages/my_school.py").run()
    assert not at.session_state["selection"].anonymise  # off where it was switched off, on other pages too
    at.switch_page("pages/club_meeting.py").run()
    assert at.session_state["selection"].anonymise  # a meeting opened again opens anonymised again


def test_pupil_rows_appear_only_for_the_chosen_school(open_page, small_demo_path, school_names):
    at = open_page("pages/value_added.py", urn=first_secondary(school_names), year=2024, va_pupils=True)
    urn = at.session_state["selection"].urn
    text = page_text(at)
    with open_store(small_demo_path) as store:
        ids = store.query("SELECT pupil_id, urn FROM pupils WHERE year = 2024")
    shown = ids[ids["pupil_id"].map(lambda p: p in text)]
    assert len(shown) > 10 and set(shown["urn"]) == {urn}


def test_first_start_builds_the_demo_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKING_DB", str(tmp_path / "new.duckdb"))
    monkeypatch.setenv("BENCHMARKING_DEMO_SCALE", "small")
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception
    assert (tmp_path / "new.duckdb").exists()
    assert at.header[0].value == "Attainment in context"  # the demo's latest year, 2026, has no Progress 8


def test_a_school_without_census_context_still_gets_its_own_figures(small_demo_path, tmp_path, monkeypatch):
    import duckdb

    db = tmp_path / "gap.duckdb"
    shutil.copy(small_demo_path, db)
    con = duckdb.connect(str(db))
    urn = con.execute("SELECT min(urn) FROM schools WHERE phase = 'secondary'").fetchone()[0]
    con.execute("DELETE FROM context WHERE urn = ? AND measure LIKE '%disadvantaged'", [urn])
    con.close()
    monkeypatch.setenv("BENCHMARKING_DB", str(db))
    for page in ("pages/my_school.py", "pages/value_added.py"):
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.query_params["urn"], at.query_params["year"] = str(urn), "2024"
        at.switch_page(page).run()
        assert not at.exception and not at.error, page
        assert any("cannot be matched" in w.value for w in at.warning), page
        assert any(m.label == "Progress 8" or m.label == "Score" for m in at.metric), page


def test_the_dashboard_removes_what_a_killed_build_left_behind_when_it_starts(small_demo_path, tmp_path, monkeypatch):
    from benchmarking.writer import leftovers

    db = tmp_path / "store.duckdb"
    shutil.copy(small_demo_path, db)
    shutil.copy(small_demo_path, tmp_path / "store.duckdb.4242.99.tmp")  # as a killed demo build leaves it
    monkeypatch.setenv("BENCHMARKING_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception
    assert leftovers(db) == []


def test_no_page_changes_a_frame_that_every_session_shares(open_page, school_names):
    from tests.conftest import value_fingerprint
    from ui.data import shared_values

    primary = int(school_names.loc[school_names["phase"] == "primary", "urn"].iloc[0])
    for page in PAGES:
        assert not open_page(page).exception
        assert not open_page(page, urn=primary, year=2024).exception
    before = {id(v): value_fingerprint(v) for v in shared_values()}
    assert len(before) > 20
    for page in PAGES:
        for state in ({"anonymise": True}, {"projector": True}):
            assert not open_page(page, **state).exception
            assert not open_page(page, urn=primary, year=2024, **state).exception
    after = {id(v): value_fingerprint(v) for v in shared_values() if id(v) in before}
    assert after == {k: before[k] for k in after} and len(after) == len(before)


def test_an_empty_store_leads_to_a_working_upload(tmp_path, monkeypatch):
    from benchmarking.writer import writing

    db = tmp_path / "empty.duckdb"
    with writing(db, create=True):
        pass
    monkeypatch.setenv("BENCHMARKING_DB", str(db))
    home = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not home.exception and any("Import DfE files" in i.value for i in home.info)
    at = AppTest.from_file(DASHBOARD, default_timeout=120).switch_page("pages/data.py").run()
    assert not at.exception and len(at.file_uploader) == 2
    ks4 = ("RECTYPE,LEA,URN,SCHNAME,ICLOSE,NFTYPE,TPUP,ATT8SCR,P8PUP,P8MEA,P8CILOW,P8CIUPP\n"
           "1,936,111111,Alpha School,0,AC,150,50.1,140,0.25,0.05,0.45\n"
           "1,936,222222,Beta School,0,CY,120,44.0,110,-0.10,-0.32,0.12\n").encode()
    at.number_input[0].set_value(2019)
    at.file_uploader[0].set_value([("ks4.csv", ks4, "text/csv")])
    at.button[0].click().run()
    assert not at.exception and [s.value for s in at.success] == ["Imported: ks4\\.csv (KS4 results (provisional), 2 rows)"]
    school = AppTest.from_file(DASHBOARD, default_timeout=120)
    school.query_params["urn"] = "111111"
    school.run()
    assert not school.exception and school.title[0].value == "Alpha School"


def test_club_impact_shows_the_clubs_estimate_with_its_ci_and_counts(open_page, small_demo_path):
    from benchmarking.club_store import list_clubs
    from benchmarking.impact import club_impact
    from ui.format import ci_text, fmt

    with open_store(small_demo_path) as store:
        club = list_clubs(store)["name"][0]  # the page's first choice
        found = club_impact(store, club)
    at = open_page("pages/club_impact.py")
    assert not at.exception and at.selectbox(key="impact_club").value == club
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Difference in differences"] == fmt(found.estimate, 2, sign=True)
    assert metrics["95% CI"] == ci_text(found.ci_low, found.ci_high, 2)
    assert (metrics["Members measured"], metrics["Comparison schools"]) == (str(found.n_members), str(found.n_comparison))
    assert at.subheader[0].value.replace("\\", "") == found.verdict
    assert any(f"planted an effect of {fmt(found.planted, 2, sign=True)}" in i.value for i in at.info)


def test_a_head_records_targets_on_my_school_and_sees_them_beside_the_results(open_page, app_db, school_names):
    from benchmarking.school_view import values_by_measure
    from benchmarking.similarity import similar_schools
    from benchmarking.targets import headline_target_levels

    urn = first_secondary(school_names)
    at = open_page(urn=urn, year=2024)
    assert "targets_open" not in [t.key for t in at.toggle]  # the section is worked out once opened
    at.session_state["ms_targets"] = True
    at.run()
    assert "target_ks4_att8" not in [s.key for s in at.selectbox]  # the form opens when asked for
    at.toggle(key="targets_open").set_value(True).run()
    at.selectbox(key="target_ks4_att8").set_value("upper quartile")
    next(b for b in at.button if b.label == "Record targets for 2025").click()
    at.run()
    assert not at.exception and any("Recorded 1 target for 2025" in s.value for s in at.success)
    with open_store(app_db) as store:
        club = similar_schools(store, urn, 2024).neighbours["urn"].astype(int).tolist()
        levels = headline_target_levels(values_by_measure(store.query_file("year_results", [2024])), club, ["ks4_att8"])
        recorded = store.query("SELECT * FROM targets WHERE urn = ?", [urn])
        achieved = store.query("SELECT value FROM results WHERE urn = ? AND year = 2025 AND measure = 'ks4_att8'", [urn])["value"][0]
    expected = levels.set_index("level").loc["upper quartile", "target"]
    assert recorded[["year", "measure", "level"]].values.tolist() == [[2025, "ks4_att8", "upper quartile"]]
    assert recorded["target"][0] == pytest.approx(expected)
    shown = at.dataframe[-1].value.iloc[0]
    assert (shown["Year"], shown["Measure"], shown["Achieved"]) == (2025, "Attainment 8", f"{achieved:.1f}")
    at = open_page(urn=urn, year=2026, ms_targets=True)  # a target for a year whose results are not in yet
    at.toggle(key="targets_open").set_value(True).run()
    at.selectbox(key="target_ks4_att8").set_value("median")
    next(b for b in at.button if b.label == "Record targets for 2027").click()
    at.run()
    later = at.dataframe[-1].value.set_index("Year")
    assert later.loc[2027, "Achieved"] == "not yet" and later.loc[2027, "Gap"] == "–"


def test_a_head_pairs_the_school_with_a_similar_school_that_does_better(open_page, app_db, school_names):
    secondaries = school_names.loc[school_names["phase"] == "secondary", "urn"].sort_values().astype(int)
    for urn in secondaries.head(12):  # the first school with a partner that does significantly better
        at = open_page(urn=urn, year=2024)
        if [t for t in at.toggle if t.key == "pairing_open"]:
            break
    else:
        pytest.fail("no school in the demo has a partner that does better")
    assert "Pair with" not in [s.label for s in at.selectbox]  # the form opens when asked for
    at.toggle(key="pairing_open").set_value(True).run()
    partner = next(s for s in at.selectbox if s.label == "Pair with").value
    next(b for b in at.button if b.label == "Record a school-to-school pairing from 2024").click()
    at.run()
    assert not at.exception and any("Recorded “Pairing 2024" in s.value for s in at.success)
    with open_store(app_db) as store:
        members = store.query("SELECT m.urn FROM club_members m JOIN clubs c USING (club_id) "
                              "WHERE c.method = 'pairing' AND c.name LIKE 'Pairing 2024: %'")
    assert {urn, partner} <= set(members["urn"].astype(int))


def test_only_those_who_may_act_for_a_school_can_record_its_targets(open_page, school_names, monkeypatch):
    import ui.access
    from benchmarking.access import Viewer

    monkeypatch.setattr(ui.access, "current_viewer", lambda: Viewer("chair", "chair@club.example", club="North"))
    at = open_page(urn=first_secondary(school_names), year=2024, ms_targets=True)
    assert not at.exception
    assert not [w for w in list(at.button) + list(at.toggle) if w.label.startswith("Record")]
    assert any("Only the school's own users" in c.value for c in at.caption)


def test_a_club_meetings_first_slide_is_built_once_for_the_room_and_shown_the_same(open_page, school_names):
    from ui import widgets

    urn = first_secondary(school_names)
    glances = lambda: [k for k in widgets._TABLES._values if len(k) > 1 and k[1] == "glance"]  # noqa: E731
    first = open_page("pages/club_meeting.py", urn=urn, year=2024)
    built = glances()
    second = open_page("pages/club_meeting.py", urn=urn, year=2024)  # another head, the same link
    assert len(built) >= 1 and glances() == built
    assert first.dataframe[0].value.equals(second.dataframe[0].value) and "School A" in first.dataframe[0].value.to_csv()
