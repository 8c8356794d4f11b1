"""Every page for every kind of school on the real 2018-19 England files: mainstream, special, suppressed,
low coverage, without results and closed. Each page renders whole, with no error, and in plain English."""
import json
import re
import shutil

import plotly.graph_objects as go

import pytest
from streamlit.testing.v1 import AppTest

from benchmarking.measures import MEASURES
from tests.conftest import ROOT

KINDS = {  # real URNs of the 2018-19 England files, each a kind of school
    "mainstream": 100053,  # Acland Burghley School: Progress 8 -0.08
    "special": 100092,  # a special school with Progress 8
    "suppressed": 138269,  # Progress 8 SUPP: too few pupils to publish
    "low coverage": 101564,  # Progress 8 LOWCOV
    "closed": 100192,  # closed since, with results
    "no results": 100003,  # an independent school: NA throughout
}
PAGES = ["pages/my_school.py", "pages/similar_schools.py", "pages/value_added.py", "pages/la_overview.py",
         "pages/club_meeting.py", "pages/club_impact.py", "pages/data.py", "pages/methodology.py"]
# What a head should never read: Python's and pandas' words for nothing, a negative zero, raw codes.
# (The pupil file template's column names, on the Data page, are what a user must type: they are not codes.)
UNREADABLE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|(?<![\d.])[-\u2212]0(?:\.0+)?(?![\d.])|"
                        r"\b(?:LOWCOV|SUPP|BLANK|NOT_PUBLISHED)\b|\b(?:" + "|".join(m.code for m in MEASURES) + r")\b|"
                        r"\b0 similar schools\b")  # no "compared with its 0 similar schools": say there are none


@pytest.fixture(scope="module")
def real_app_db(real_england_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("kinds") / "england.duckdb"
    shutil.copy(real_england_db, path)
    return path


def readable_text(at) -> str:
    """What a visitor reads: titles, headers, text, metrics, tables (charts excepted: their data is numbers)."""
    parts = [e.value for e in at.title] + [e.value for e in at.header] + [e.value for e in at.subheader]
    parts += [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.info]
    parts += [e.value for e in at.warning] + [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv(index=False) for e in at.dataframe] + [str(e.value) for e in at.table]
    return "\n".join(map(str, parts)).replace("\\", "")  # markdown's escapes are not what a visitor reads


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_kind_of_school_in_plain_english(real_app_db, monkeypatch, kind, page):
    monkeypatch.setenv("BENCHMARKING_DB", str(real_app_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["urn"], at.query_params["year"] = str(KINDS[kind]), "2019"
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = readable_text(at)
    found = [text[max(0, m.start() - 40):m.end() + 20] for m in UNREADABLE.finditer(text)]
    assert found == [], (kind, page, found[:5])
    for chart in at.get("plotly_chart"):  # figures are built unvalidated: each is a valid figure all the same
        go.Figure(json.loads(chart.proto.spec), skip_invalid=False)
    if kind == "no results":
        assert any("has no results in the store" in w.value for w in at.warning)
    elif page == "pages/my_school.py":
        assert any("Headline results" == h.value for h in at.header)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_visit_brief_is_made_for_every_kind_of_school_in_plain_english(real_england_db, kind):
    import html

    from benchmarking.access import ADMIN
    from benchmarking.documents import visit_brief
    from benchmarking.errors import BenchmarkingError
    from benchmarking.similarity import similar_schools
    from benchmarking.store import open_store

    with open_store(real_england_db) as store:
        if kind == "no results":
            with pytest.raises(BenchmarkingError, match="has no results in the store"):
                visit_brief(store, ADMIN, KINDS[kind], 2019)
            return
        text = visit_brief(store, ADMIN, KINDS[kind], 2019)
        try:
            club = similar_schools(store, KINDS[kind], 2019).neighbours["urn"].tolist()
        except BenchmarkingError as exc:  # no cohort prior attainment to match on: the brief says so
            club, unmatched = [], str(exc)
        pools = store.query("SELECT DISTINCT mainstream FROM school_labels WHERE urn IN (SELECT unnest(?))",
                            [club + [KINDS[kind]]])
    words = html.unescape(re.sub(r"<script.*?</script>|<style>.*?</style>|<[^>]+>", " ", text, flags=re.S))
    found = [words[max(0, m.start() - 40):m.end() + 20] for m in UNREADABLE.finditer(words)]
    assert found == [], (kind, found[:5])
    if club:
        assert f"compared with its {len(club)} most similar schools" in words and len(club) == 20
        assert len(pools) == 1  # a special school against special schools, a mainstream one against mainstream ones
    else:
        assert "no similar schools to compare with" in words and unmatched in words


def test_a_pack_for_a_club_of_special_schools_shows_every_member_at_a_glance(real_england_db):
    from benchmarking.documents import club_pack
    from benchmarking.similarity import similar_schools
    from benchmarking.store import open_store

    with open_store(real_england_db) as store:
        group = similar_schools(store, KINDS["special"], 2019, k=7)
        members = [KINDS["special"]] + group.neighbours["urn"].astype(int).tolist()
        text = club_pack(store, members, KINDS["special"], 2019, "secondary", "Special schools")
    glance = text.split("<div class='slide'>")[1]
    assert all(name in glance for name in group.neighbours["name"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_school_s_year_and_trend_from_every_school_s_results_are_what_the_queries_give(real_england_db, kind):
    """The dashboard reads every school's results once a year and takes one school's year and trend from
    them: the same rows as the queries that ask for that school's."""
    import pandas as pd

    from benchmarking.by_urn import RowsByUrn
    from benchmarking.school_view import school_trend, school_year_results, trend_from_years
    from benchmarking.store import open_store

    def same(mine: pd.DataFrame, theirs: pd.DataFrame) -> None:  # None and NaN alike mean no value
        pd.testing.assert_frame_equal(*(f.astype(object).where(f.notna(), None) for f in (mine, theirs)))

    urn = KINDS[kind]
    with open_store(real_england_db) as store:
        years = store.query_file("store_years")["year"].tolist()
        for year in years:
            every_school = RowsByUrn.of(store.query_file("year_results_every_school", [year]))
            same(every_school.rows(urn), school_year_results(store, urn, year).sort_values("measure", ignore_index=True))
        for measure in ("ks4_p8", "ks4_att8", "ks2_rwm_expected", "ks2_read_progress"):
            by_year = {year: RowsByUrn.of(store.query_file("results_for_measure", [year, measure])) for year in years}
            same(trend_from_years(urn, measure, by_year), school_trend(store, urn, measure, years))
    assert kind == "no results" or len(every_school.rows(urn)) > 5
