"""The benchmark command's output is complete and well-formed (its speed is not a test's business)."""
import json

import numpy as np
import pytest

from benchmarking.bench import brute_force_groups
from benchmarking.similarity import SimilarityIndex, load_features
from benchmarking.store import open_store
from tests.conftest import run_cli as run


def test_the_brute_force_baseline_finds_the_same_groups(small_demo_path):
    with open_store(small_demo_path) as store:
        index = SimilarityIndex(load_features(store, 2024, "primary"))
    points = index.scaled[index.present.all(axis=1)]
    urns = index.urns[index.present.all(axis=1)]
    brute = brute_force_groups(points, 10)
    fast = index.all_groups(10)
    for row in range(0, len(points), 17):
        ours = fast[fast["urn"] == urns[row]].sort_values("rank")["neighbour"].to_numpy()
        assert np.array_equal(urns[brute[row]], ours)


@pytest.mark.slow  # the bench's own run: a minute of the default suite's ten
def test_bench_small_json_has_every_figure_well_formed_and_about_the_store_it_built():
    result = run("bench", "--scale", "small", "--repeats", 1, "--pages", "my_school,value_added", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scale"] == "small"
    names = [f["name"] for f in report["figures"]]
    for expected in ("demo build (small)", "demo build peak memory", "similar schools for all", "one school's group",
                     "load a pool", "form clubs", "Progress 8 for every school", "Progress 8 as pages read it", "Progress 8 worked out from the pupils",
                     "Progress 8 worked out, as each write does", "one school's pupil groups beside its club of 20",
                     "every school's pupil-group sums", "refresh stored estimates and school value added after a write of one year's KS4",
                     "refresh stored estimates and school value added of every year", "page rerun p95: value_added",
                     "page open p95: my_school", "page first visit, caches cold: value_added", "importing Streamlit", "peak memory"):
        assert any(n.startswith(expected) for n in names), expected
    for figure in report["figures"]:
        assert set(figure) <= {"name", "value", "unit", "baseline", "ratio"}
        assert isinstance(figure["value"], float) and figure["value"] > 0 and figure["unit"]
        if "ratio" in figure:
            assert figure["baseline"] > 0 and figure["ratio"] == figure["baseline"] / figure["value"]

    figures = {f["name"]: f for f in report["figures"]}
    # The figures are about what the small demo (seed 2024) holds: 60 secondaries and 240 primaries, and 9,375 KS4
    # pupils in 2024, the latest year with Progress 8.
    assert any(n.startswith("similar schools for all 300 schools") for n in figures)
    assert any(n.startswith("form clubs for all 60 secondaries") for n in figures)
    assert any(n.startswith("Progress 8 for every school from 9,375 pupils") for n in figures)
    # The pages named are timed (each p95 at least its p50), and no other; by default, every page of the navigation.
    from ui.bench_pages import pages_named
    from ui.navigation import PAGES

    for slug in ("my_school", "value_added"):
        for kind in ("rerun", "open"):
            p50, p95 = figures[f"page {kind} p50: {slug}"], figures[f"page {kind} p95: {slug}"]
            assert p95["value"] >= p50["value"] > 0 and p50["unit"] == "ms"
        assert f"page first visit, caches cold: {slug}" in figures
    assert not any(name.endswith(": similar_schools") for name in figures)
    assert pages_named(None) == PAGES and [p.slug for p in pages_named(["value_added"])] == ["value_added"]
    # The peak memory of the whole run covers the demo build's child process.
    assert figures["peak memory of the whole run (this process)"]["value"] > 50
    assert figures["demo build (small)"]["unit"] == "s" and figures["demo build peak memory"]["value"] > 50


def test_visitors_come_in_each_phases_share_and_mostly_in_the_latest_year():
    import random

    from ui.bench_sessions import LATEST_SHARE, School, visitor

    schools = [School(i, "primary" if i % 6 else "secondary", (2024, 2025, 2026)) for i in range(600)]
    schools += [School(1000, "primary", (2026,))]  # a new school has only the latest year
    rng = random.Random(0)
    visits = [visitor(schools, 2026, rng) for _ in range(5000)]
    latest = sum(v.year == 2026 for v in visits) / len(visits)
    primaries = sum(v.phase == "primary" for v in visits) / len(visits)
    assert abs(latest - LATEST_SHARE) < 0.03 and abs(primaries - 5 / 6) < 0.03
    assert all(v.year in (2024, 2025, 2026) for v in visits)
    assert all(v.year == 2026 for v in visits if v.urn == 1000)


def test_the_load_summary_names_each_page_and_phase():
    from ui.bench_sessions import Views, summary

    views = Views(records=[("my_school", "primary", 0.2), ("my_school", "primary", 0.4), ("value_added", "secondary", 0.1)])
    figures = {f["name"]: f["value"] for f in summary("30 visitors", views)}
    assert figures["30 visitors: page views"] == 3 and figures["30 visitors: page view max"] == 400
    assert figures["30 visitors: my_school, primary, p50"] == 300 and figures["30 visitors: value_added, secondary, p95"] == 100


def test_the_cpu_pass_reports_every_view_and_first_and_second_visits_apart():
    from ui.cpu_log import cpu_figures

    order = [("my_school", "primary", 0)] * 3 + [("my_school", "primary", 1)] * 3 + [("value_added", "secondary", 0)]
    figures = {f["name"]: f["value"] for f in cpu_figures(order, [40.0, 50.0, 60.0, 10.0, 20.0, 30.0, 25.0])}
    assert figures == {"CPU per page view, median: my_school, primary": 35.0,
                       "CPU per page view, p95: my_school, primary": 57.5,
                       "CPU per page view, median: my_school, primary, first visits": 50.0,
                       "CPU per page view, median: my_school, primary, second visits": 20.0,
                       "CPU per page view, median: value_added, secondary": 25.0,
                       "CPU per page view, p95: value_added, secondary": 25.0,
                       "CPU per page view, median: value_added, secondary, first visits": 25.0}


@pytest.mark.slow
def test_a_server_warms_every_year_before_it_listens(small_demo_path, monkeypatch):
    """ui.serve opens the visitors' pages for a school of each phase in every year: each year's pools of similar
    schools are then in the shared caches before anyone arrives."""
    from benchmarking.similarity import SimilarityIndex
    from benchmarking.phases import phase
    from benchmarking.va_report import PupilValueAdded
    from ui import data, serve

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    assert serve.warm_up().startswith("warmed 2026, 2025, 2024, 2023, 2022 in ")
    pools = {(v.year, v.phase) for v in data.shared_values() if isinstance(v, SimilarityIndex)}
    assert {(year, phase) for year in range(2022, 2027) for phase in ("primary", "secondary")} <= pools
    # Value added's section on the pupils was opened: the latest year's pupils' value added (primaries': the
    # secondaries have no Progress 8 in 2026) is worked out before the first visitor opens it.
    pupils = {(v.year, v.measure, v.lens) for v in data.shared_values() if isinstance(v, PupilValueAdded)}
    assert (2026, phase("primary").value_added[0], "official") in pupils, pupils


def test_a_server_without_a_store_starts_without_warming(tmp_path, monkeypatch):
    from ui import serve

    monkeypatch.setenv("BENCHMARKING_DB", str(tmp_path / "none.duckdb"))
    assert serve.warm_up() == "no store yet: the first visit builds the demo store"


def test_a_view_that_reruns_once_is_logged_once_with_the_cpu_of_both_runs(tmp_path, monkeypatch):
    import time

    from ui import cpu_log

    class RerunException(Exception):  # what st.rerun raises, by name
        pass

    monkeypatch.setattr(cpu_log, "LOG", str(tmp_path / "cpu.log"))
    with pytest.raises(RerunException):
        with cpu_log.page_view_cpu("500001"):
            started = time.process_time()
            while time.process_time() - started < 0.05:  # 50 ms of CPU in the run that asks for a rerun
                pass
            raise RerunException()
    with cpu_log.page_view_cpu("500001"):
        pass
    lines = (tmp_path / "cpu.log").read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("500001\t") and float(lines[0].split("\t")[1]) >= 50
