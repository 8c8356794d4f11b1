"""The two documents people carry out of the tool: the club-meeting pack and the adviser's visit brief.
(Printing them on A4 is tested in Chromium, in test_browser.py.)"""
import re

import pytest

from benchmarking import club_store
from benchmarking.access import ADMIN, Viewer
from benchmarking.documents import club_pack, stored_club_pack, visit_brief
from benchmarking.errors import BenchmarkingError
from benchmarking.numbers import interval, number
from benchmarking.similarity import similar_schools
from benchmarking.store import open_store
from benchmarking.targets import record_target
from benchmarking.va_report import school_value_added_table
from benchmarking.writer import writing
from tests.conftest import query, run_cli

HOSTILE = '<img src=x onerror="alert(1)"> =HYPERLINK("http://evil.example")'


def without_plotly_library(text: str) -> str:
    """The document without plotly.js itself (its minified source is full of digits that look like URNs)."""
    return re.sub(r"<script type=\"text/javascript\">/\*\*\s*\* plotly\.js.*?</script>", "", text, flags=re.S)


def club_of(store, year=2024):
    host = int(store.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
    members = [host] + similar_schools(store, host, year, k=7).neighbours["urn"].astype(int).tolist()
    labels = store.query("SELECT urn, name, la_name FROM school_labels WHERE urn IN (SELECT unnest(?))", [members])
    return host, members, labels.set_index("urn")


def test_an_anonymised_pack_identifies_no_school_but_the_host(demo):
    host, members, labels = club_of(demo)
    text = club_pack(demo, members, host, 2024, "secondary", "Club meeting", anonymise=True)
    visible = without_plotly_library(text)
    assert labels.loc[host, "name"] in visible
    host_la = labels.loc[host, "la_name"]
    for urn in members:
        if urn == host:
            continue
        assert labels.loc[urn, "name"] not in text
        assert not re.search(rf"\b{urn}\b", visible)
        if labels.loc[urn, "la_name"] != host_la:
            assert labels.loc[urn, "la_name"] not in visible
    assert all(f"School {letter}" in visible for letter in "ABCDEFG")
    assert visible.count("<div class='slide'>") >= 5  # the glance, three ranked measures, value added, funnel...


def test_a_primary_pack_shows_each_member_once_on_the_value_added_slide(demo):
    """Primary schools have three progress measures: the slide shows the one it names, as the page does."""
    host = int(demo.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'primary'")["urn"][0])
    members = [host] + similar_schools(demo, host, 2023, k=5).neighbours["urn"].astype(int).tolist()
    names = demo.query("SELECT name FROM schools WHERE urn IN (SELECT unnest(?))", [members])["name"]
    slides = club_pack(demo, members, host, 2023, "primary", "Club meeting").split("<div class='slide'>")
    (dots,) = [s for s in slides if "progress with confidence intervals</h2>" in s]
    assert [dots.count(name) for name in names] == [1] * len(members)


def test_a_named_pack_shows_every_member_the_ranked_measures_and_the_clubs_impact(demo):
    club = demo.query("SELECT club FROM synthetic_club_truth ORDER BY club LIMIT 1")["club"][0]
    text = stored_club_pack(demo, club)
    _, members = club_store.club_details(demo, club)
    assert all(name in text for name in members["name"])
    for heading in ("Ranked: Attainment 8", "Does the club work?", "difference in differences"):
        assert heading in text
    assert "<script src=" not in text and "<link" not in text  # nothing fetched: the file opens offline
    assert text.count("* plotly.js v") == 1  # plotly embedded once, however many charts


def test_names_from_files_are_shown_as_text_in_both_documents(demo_db):
    with open_store(demo_db) as store:
        host, members, _ = club_of(store)
    with writing(demo_db) as store:
        store.execute("UPDATE schools SET name = ? WHERE urn IN (?, ?)", [HOSTILE, host, members[1]])
    with open_store(demo_db) as store:
        pack = club_pack(store, members, host, 2024, "secondary", HOSTILE)
        brief = visit_brief(store, ADMIN, host, 2024)
    for text in (pack, brief):
        # Escaped, whichever entity a quote becomes (&quot; or &#34;): shown as written, never run.
        assert re.search(r"&lt;img src=x onerror=(&quot;|&#34;)alert\(1\)(&quot;|&#34;)&gt;", text)
        assert "<img" not in text


def test_the_brief_has_every_section_with_the_schools_own_figures(demo_db):
    with open_store(demo_db) as store:
        urn = int(store.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
    with writing(demo_db) as store:
        record_target(store, urn, 2024, "ks4_att8", "upper quartile", 47.25)
    with open_store(demo_db) as store:
        text = visit_brief(store, ADMIN, urn, 2024)
        row = school_value_added_table(store, 2024, "secondary", urn).set_index("measure").loc["ks4_p8"]
        achieved = store.query("SELECT value FROM results WHERE urn = ? AND year = 2024 AND measure = 'ks4_att8'", [urn])["value"][0]
    for heading in ("Value added", "Context against the club", "Headline results", "Pupil groups: Progress 8",
                    "Inclusion: Progress 8", "Floor and concern", "Targets and progress", "Suggested partners"):
        assert f"<h2>{heading}</h2>" in text
    assert f"<b>{number(row['va'], 2, sign=True)}</b> (95% CI {interval(row['ci_low'], row['ci_high'])}), {int(row['n'])} pupils" in text
    assert "Floor standards ended after 2019." in text
    assert "<td>47.25</td>" in text and f"<td>{number(achieved - 47.25, 2, sign=True)}</td>" in text  # the target and the gap
    assert "<td>pupils</td>" in text  # pupil groups worked out from the school's pupils


def test_the_brief_shows_pupil_groups_only_to_those_who_may_see_the_pupils(demo):
    urn = int(demo.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
    stranger = Viewer("school", "head@other.sch.uk", urns=frozenset({1}))
    text = visit_brief(demo, stranger, urn, 2024)
    assert "outside what your account covers" in text
    assert "<td>pupils</td>" not in text  # no group worked out from its pupils


def test_the_pack_and_brief_commands_write_files_that_open_offline(small_demo_path, tmp_path):
    club = query(small_demo_path, "SELECT club FROM synthetic_club_truth ORDER BY club LIMIT 1")["club"][0]
    urn = int(query(small_demo_path, "SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
    made = run_cli("--db", small_demo_path, "pack", club, "--out", tmp_path / "pack.html", "--anonymise")
    assert made.returncode == 0 and "Wrote the meeting pack" in made.stdout
    pack = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "<title>Club meeting</title>" in pack and club not in pack
    made = run_cli("--db", small_demo_path, "brief", urn, "--out", tmp_path / "out" / "brief.html")
    assert made.returncode == 0 and (tmp_path / "out" / "brief.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = run_cli("--db", small_demo_path, "brief", 1, "--out", tmp_path / "x.html")
    assert missing.returncode == 1 and "URN 1 is not in the store" in missing.stderr and not (tmp_path / "x.html").exists()


def test_a_club_whose_members_have_all_left_has_no_pack(demo_db):
    urns = query(demo_db, "SELECT urn FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 2")["urn"].tolist()
    with writing(demo_db) as store:
        club_store.save_club(store, "Old network", "secondary", 2022, "manual", {}, urns)
        for urn in urns:
            club_store.remove_member(store, "Old network", urn, 2024)
    with open_store(demo_db) as store, pytest.raises(BenchmarkingError, match="Every member has left 'Old network'"):
        stored_club_pack(store, "Old network")
