"""Inclusion: disadvantaged pupils and pupils with SEN or EAL against the same pupils in similar schools and in
England, and the gap to the school's other pupils against the same gap in the similar schools."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking.access import ADMIN, Viewer
from benchmarking.inclusion import COLUMNS, inclusion_of_school, inclusion_table, people_columns
from benchmarking.similarity import similar_schools
from benchmarking.store import open_store
from tests.conftest import query, run_cli


def rows_of(figures: dict) -> pd.DataFrame:
    """Group rows (ROWS) from {(urn, group): (value, n)} for one measure."""
    return pd.DataFrame([{"urn": u, "measure": "ks4_p8", "grouping": "disadvantaged", "group": g, "value": v,
                          "ci_low": v - 0.3, "ci_high": v + 0.3, "n": n} for (u, g), (v, n) in figures.items()])


def test_a_group_is_set_beside_the_club_median_england_and_the_clubs_own_gaps():
    figures = {(1, "disadvantaged"): (-0.5, 20), (1, "not disadvantaged"): (0.1, 80)}
    for urn, (dis, other) in zip((2, 3, 4, 5), ((-0.2, 0.2), (-0.4, 0.0), (0.1, 0.3), (-0.6, -0.1))):
        figures[(urn, "disadvantaged")], figures[(urn, "not disadvantaged")] = (dis, 30), (other, 90)
    national = pd.DataFrame({"measure": "ks4_p8", "grouping": "disadvantaged", "group": ["disadvantaged"], "value": [-0.45]})
    out = inclusion_table(rows_of(figures), 1, [2, 3, 4, 5], national, "published")
    assert list(out.columns) == COLUMNS and len(out) == 1
    row = out.iloc[0]
    assert row["value"] == -0.5 and row["n"] == 20 and row["national"] == -0.45
    assert row["similar_median"] == pytest.approx(np.median([-0.2, -0.4, 0.1, -0.6]))
    assert row["gap"] == pytest.approx(-0.6)
    assert row["similar_gap"] == pytest.approx(np.median([-0.4, -0.4, -0.2, -0.5]))  # each member's own gap


def test_a_measure_published_for_no_school_that_year_gives_no_row_of_dashes():
    # Progress 8 in 2025: every school's group rows are there, each `z` (no value); Attainment 8's are published.
    figures = {(u, g): (np.nan, 30) for u in (1, 2, 3, 4) for g in ("disadvantaged", "not disadvantaged")}
    none_published = rows_of(figures)
    published = none_published.assign(measure="ks4_att8", value=[30.0, 40.0] * 4)
    national = pd.DataFrame(columns=["measure", "grouping", "group", "value"])
    assert inclusion_table(none_published, 1, [2, 3, 4], national, "published").empty
    out = inclusion_table(pd.concat([none_published, published]), 1, [2, 3, 4], national, "published")
    assert out["measure"].tolist() == ["ks4_att8"] and out["gap"].iloc[0] == -10.0


def test_small_groups_are_suppressed_and_a_club_of_fewer_than_three_gives_no_median():
    figures = {(1, "disadvantaged"): (-0.5, 4), (1, "not disadvantaged"): (0.1, 80),
               (2, "disadvantaged"): (-0.2, 30), (3, "disadvantaged"): (0.3, 30)}
    row = inclusion_table(rows_of(figures), 1, [2, 3], pd.DataFrame(columns=["measure", "grouping", "group", "value"]),
                          "published").iloc[0]
    assert np.isnan(row["value"]) and np.isnan(row["gap"])  # 4 pupils: no figure, so no gap
    assert np.isnan(row["similar_median"]) and np.isnan(row["similar_gap"])
    people = people_columns(pd.DataFrame([row]))
    assert people["School"][0] == "–" and people["From"][0] == "DfE, published"


def test_on_the_real_files_a_primarys_disadvantaged_pupils_are_dfes_figures_beside_its_club(real_la_db):
    urn, year = 115851, 2019  # Anstey Junior School, Hampshire
    done = run_cli("--db", real_la_db, "inclusion", urn, "--json")
    assert done.returncode == 0, done.stderr
    rows = {(r["group"], r["measure"]): r for r in json.loads(done.stdout)}
    assert set(json.loads(done.stdout)[0]) == set(COLUMNS)
    with open_store(real_la_db) as store:
        club = similar_schools(store, urn, year).neighbours["urn"].astype(int).tolist()
    published = query(real_la_db, "SELECT urn, grp, value FROM group_results WHERE year = ? AND measure = "
                      "'ks2_mat_progress' AND grouping = 'disadvantaged'", [year])
    mine = published[published["urn"] == urn].set_index("grp")["value"]
    members = published[published["urn"].isin(club)].pivot(index="urn", columns="grp", values="value")
    row = rows[("disadvantaged", "ks2_mat_progress")]
    assert row["source"] == "published" and row["value"] == mine["disadvantaged"]
    assert row["gap"] == pytest.approx(mine["disadvantaged"] - mine["not disadvantaged"])
    assert row["similar_median"] == pytest.approx(members["disadvantaged"].median())
    assert row["similar_gap"] == pytest.approx((members["disadvantaged"] - members["not disadvantaged"]).median())
    national = query(real_la_db, "SELECT value FROM national_figures WHERE year = ? AND measure = 'ks2_mat_progress' "
                     "AND statistic = 'average' AND grp = 'disadvantaged'", [year])
    assert row["national"] == pytest.approx(national["value"][0])
    # EAL pupils: one in the cohort, so suppressed, as DfE suppressed them.
    assert rows[("EAL", "ks2_rwm_expected")]["value"] is None


def test_on_the_demo_groups_come_from_pupils_only_for_a_viewer_who_may_see_them(small_demo_path):
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT urn FROM results WHERE year = 2024 AND measure = 'ks4_p8' AND n > 60 "
                              "ORDER BY urn LIMIT 1")["urn"][0])
        la = int(store.query("SELECT la_code FROM schools WHERE urn = ?", [urn])["la_code"][0])
        seen = inclusion_of_school(store, ADMIN, urn, 2024)
        head = inclusion_of_school(store, Viewer("school", "head@x.sch.uk", urns=frozenset({urn})), urn, 2024)
        stranger = inclusion_of_school(store, Viewer("school", "head@y.sch.uk", urns=frozenset({urn + 1})), urn, 2024)
        adviser = inclusion_of_school(store, Viewer("adviser", "a@la.gov.uk", las=frozenset({la})), urn, 2024)
    assert set(seen["source"]) == {"pupils"} and {"disadvantaged", "SEN support"} <= set(seen["group"])
    pd.testing.assert_frame_equal(seen, head)
    pd.testing.assert_frame_equal(seen, adviser)
    assert stranger.empty  # no published groups on the demo, and another school's pupils are not theirs to see
    row = seen[seen["group"] == "disadvantaged"].iloc[0]
    assert row["ci_low"] < row["value"] < row["ci_high"] and row["n"] >= 6 and not np.isnan(row["similar_median"])


def test_an_empty_inclusion_view_says_why_in_a_year_without_progress_as_in_others(small_demo_path):
    from benchmarking.inclusion import nothing_to_show

    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
        assert inclusion_of_school(store, ADMIN, urn, 2026).empty  # the demo's pupils have no KS2 results in 2026
    done = run_cli("--db", small_demo_path, "inclusion", urn, "--year", 2026)
    assert done.returncode == 0 and "no progress to measure this year" in done.stdout
    assert "DfE published no Progress 8 for 2026" in done.stdout and "holds none of its pupils" not in done.stdout
    assert nothing_to_show("secondary", 2024).endswith("the store holds none of its pupils you may see.")


def test_a_club_meeting_shows_its_members_disadvantaged_pupils_on_the_real_files(real_la_db, tmp_path):
    from benchmarking.meeting import disadvantaged_values, meeting_slides

    urn, year = 115851, 2019
    with open_store(real_la_db) as store:
        members = [urn, *similar_schools(store, urn, year, k=11).neighbours["urn"].astype(int).tolist()]
        groups = store.query_file("group_results_for_schools", [year, members])
        results = store.query_file("schools_year_results", [year, members])
        va = store.query("SELECT 0 AS urn, 'ks2_mat_progress' AS measure, NULL::DOUBLE AS va")
    slides = meeting_slides("primary", members, results, va, group_rows=groups)
    assert [s.measure for s in slides if s.kind == "inclusion"] == ["ks2_mat_progress"]
    dots = disadvantaged_values(groups, members, "ks2_mat_progress").set_index("urn")
    published = groups[(groups["measure"] == "ks2_mat_progress") & (groups["grp"] == "disadvantaged")].set_index("urn")
    assert list(dots.index) == members and dots["va"].dropna().to_dict() == published["value"].dropna().to_dict()
    assert not meeting_slides("primary", members, results, va, group_rows=groups.iloc[:0])[-2].kind == "inclusion"
    done = run_cli("--db", real_la_db, "brief", urn, "--out", tmp_path / "brief.html")
    assert done.returncode == 0 and "Inclusion: KS2 maths progress" in (tmp_path / "brief.html").read_text()


def test_the_disadvantaged_gap_is_followed_over_every_year_held(real_la_db):
    from benchmarking.inclusion import group_trend, trend_sentence

    with open_store(real_la_db) as store:
        trend = group_trend(store, 115851, "ks2_mat_progress")
    published = query(real_la_db, "SELECT year, grp, value FROM group_results WHERE urn = 115851 AND measure = "
                      "'ks2_mat_progress' AND grouping = 'disadvantaged'").pivot(index="year", columns="grp", values="value")
    assert trend["year"].tolist() == [2017, 2018, 2019]
    assert trend["gap"].tolist() == pytest.approx((published["disadvantaged"] - published["not disadvantaged"]).tolist())
    sentence = trend_sentence(trend, "ks2_mat_progress")
    assert sentence.startswith("Disadvantaged pupils' KS2 maths progress over the years: 2017 ") and "2019" in sentence
    assert trend_sentence(trend.tail(1), "ks2_mat_progress") is None  # one year is not a trend


def test_the_trend_a_page_takes_from_every_school_s_rows_is_each_school_s_own_query(real_la_db):
    from benchmarking.inclusion import group_trend, others_of, trend_of_figures
    from benchmarking.by_urn import RowsByUrn

    with open_store(real_la_db) as store:
        every = RowsByUrn.of(store.query_file("group_trend_every_school",
                                              ["ks2_mat_progress", "disadvantaged", others_of("disadvantaged")]))
        urns = store.query("SELECT DISTINCT urn FROM group_results WHERE measure = 'ks2_mat_progress' "
                           "ORDER BY urn LIMIT 40")["urn"].astype(int).tolist()
        trends = {urn: group_trend(store, urn, "ks2_mat_progress") for urn in urns + [100003]}  # and one with none
    for urn, theirs in trends.items():
        mine = trend_of_figures((r["year"], r["grp"], r["value"]) for r in every.records(urn))
        pd.testing.assert_frame_equal(mine, theirs)
    assert sum(len(t) == 3 for t in trends.values()) > 15 and trends[100003].empty


def test_on_the_demo_the_trend_comes_from_pupils_and_matches_each_years_inclusion_row(small_demo_path):
    from benchmarking.inclusion import pupil_group_trend
    from benchmarking.va_report import pupil_value_added, school_group_sums

    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT urn FROM results WHERE year = 2024 AND measure = 'ks4_p8' AND n > 60 "
                              "ORDER BY urn LIMIT 1")["urn"][0])
        years = [(y, school_group_sums(pupil_value_added(store, y, "ks4_p8", with_ids=False), [urn]))
                 for y in (2022, 2023, 2024)]
        trend = pupil_group_trend(years, urn, "ks4_p8")
        rows = {y: inclusion_of_school(store, ADMIN, urn, y).set_index("group").loc["disadvantaged"]
                for y in (2022, 2023, 2024)}
    assert trend["year"].tolist() == [2022, 2023, 2024]
    for r in trend.itertuples():
        assert r.value == pytest.approx(rows[r.year]["value"]) and r.gap == pytest.approx(rows[r.year]["gap"])


def test_my_school_shows_the_inclusion_table_and_the_trend_on_the_real_files(real_la_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("BENCHMARKING_DB", str(real_la_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["urn"], at.query_params["year"] = "115851", "2019"
    at.session_state["ms_inclusion"] = True  # the section, opened
    at.switch_page("pages/my_school.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Pupils' group" in d.value.columns)
    row = table[(table["Pupils' group"] == "disadvantaged") & (table["Measure"] == "KS2 maths progress")].iloc[0]
    assert (row["School"], row["95% CI"], row["Gap to other pupils"]) == ("\u22121.9", "\u22124.4 to +0.6", "+1.0")
    assert any(m.value.replace("\\", "").startswith("Disadvantaged pupils' KS2 maths progress over the years: 2017")
               for m in at.markdown)
    headline = next(d.value for d in at.dataframe if "Rank in club (95% interval)" in d.value.columns)
    assert headline["Rank in club (95% interval)"].str.match(r"\d+ of 21 \(\d+–\d+\)$").all()
