"""The command line, run as a user would run it."""
import json

import pytest

from benchmarking.writer import writing
from tests.conftest import run_cli as run


def test_demo_then_info_json_reports_the_store(tmp_path):
    db = tmp_path / "demo.duckdb"
    built = run("--db", db, "demo", "--scale", "small", "--seed", "3")
    assert built.returncode == 0, built.stderr
    assert "[100%]" in built.stderr  # progress is shown
    info = json.loads(run("--db", db, "info", "--json").stdout)
    assert info["years"] == [2022, 2023, 2024]
    assert info["schools_by_phase"] == {"primary": 240, "secondary": 60}
    assert info["local_authorities"] == 6
    assert info["pupils"] == sum(info["pupils_by_year"].values()) > 50_000
    assert set(info["progress8_schools"]) == {"2022", "2023", "2024"}
    assert info["imports"]["stored"] == 1


def test_the_environment_variable_chooses_the_store(tmp_path):
    db = tmp_path / "env.duckdb"
    assert run("demo", "--scale", "small", env={"BENCHMARKING_DB": str(db)}).returncode == 0
    assert db.exists()


def test_a_user_error_prints_one_line_and_no_traceback(tmp_path):
    result = run("--db", tmp_path / "s.duckdb", "import-dfe", tmp_path / "nothing-here.csv")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'nothing-here.csv'}: no such file or folder."]


@pytest.mark.parametrize("command", [("value-added",), ("clubs", "form")])
def test_a_command_on_a_store_without_results_says_how_to_fill_it(tmp_path, command):
    with writing(tmp_path / "empty.duckdb", create=True):
        pass
    result = run("--db", tmp_path / "empty.duckdb", *command)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: The store {tmp_path / 'empty.duckdb'} holds no results yet. Build the demo store with "
        "`python -m benchmarking demo`, or import DfE files with `import-dfe`."]


def test_import_dfe_and_info_on_real_england_files(dfe_dir, tmp_path):
    db = tmp_path / "real.duckdb"
    imported = run("--db", db, "import-dfe", dfe_dir / "2018-2019" / "england",
                   dfe_dir / "gias" / "2021-05-06" / "2021_giaslinks.csv")
    assert imported.returncode == 0, imported.stderr
    assert "stored  england_ks4provisional.csv: KS4 results (provisional) 2019" in imported.stdout
    info = json.loads(run("--db", db, "info", "--json").stdout)
    assert info["progress8_schools"]["2019"] == {"schools": 3182, "las": 150, "with_context": 3182,
                                                 "context_via_urn_change": 47}
