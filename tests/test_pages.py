"""Dashboard pages under Streamlit's AppTest, on a small demo store."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def app_env(small_demo_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))


def test_overview_shows_what_the_store_holds(app_env):
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Schools"] == "300" and metrics["Local authorities"] == "6"
    assert metrics["Years"] == "2022, 2023, 2024"


def test_first_start_builds_the_demo_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKING_DB", str(tmp_path / "new.duckdb"))
    monkeypatch.setenv("BENCHMARKING_DEMO_SCALE", "small")
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception
    assert (tmp_path / "new.duckdb").exists()
    assert {m.label: m.value for m in at.metric}["Schools"] == "300"
