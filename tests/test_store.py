import shutil

import duckdb
import numpy as np
import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.reference import LOCAL_AUTHORITIES
from benchmarking.store import SCHEMA_VERSION, default_db_path, open_store
from benchmarking.value_added import ks2_prior_group, national_estimates, prior_groups


def test_a_new_store_is_created_at_the_current_schema_with_las_and_measures(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT count(*) AS n FROM local_authorities")["n"][0] == len(LOCAL_AUTHORITIES) == 151
        measures = store.query("SELECT measure, higher_is_better FROM measures").set_index("measure")
        assert bool(measures.loc["ks4_p8", "higher_is_better"]) is True


def test_reopening_a_store_migrates_nothing_twice(tmp_path):
    open_store(tmp_path / "s.duckdb").close()
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.query("SELECT version FROM schema_version ORDER BY version")["version"].tolist() == list(range(1, SCHEMA_VERSION + 1))


def test_a_version_1_store_is_migrated_even_when_opened_for_reading(tmp_path):
    open_store(tmp_path / "s.duckdb").close()
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("DROP TABLE club_members; DROP TABLE clubs; DROP SEQUENCE club_id_seq; "
                "DROP TABLE p8_estimates; DROP TABLE national_sd; DROP TABLE targets; "
                "DROP TABLE area_deprivation; ALTER TABLE schools DROP COLUMN lsoa; "
                "DROP TABLE pupil_estimates; ALTER TABLE pupils DROP COLUMN prior_group; DROP TABLE school_value_added; "
                "DELETE FROM schema_version WHERE version > 1")
    con.close()
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert store.query("SELECT count(*) AS n FROM clubs")["n"][0] == 0
        assert store.query("SELECT count(*) AS n FROM targets")["n"][0] == 0
        assert "lsoa" in store.query("SELECT * FROM schools LIMIT 0").columns
        assert "prior_group" in store.query("SELECT * FROM pupils LIMIT 0").columns


def test_a_version_4_store_gets_prior_groups_estimates_and_school_value_added_when_migrated(small_demo_path, tmp_path):
    from benchmarking.va_report import schools_from_pupils, work_out_schools_from_pupils

    path = tmp_path / "v4.duckdb"
    shutil.copy(small_demo_path, path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE pupil_estimates; ALTER TABLE pupils DROP COLUMN prior_group; DROP TABLE school_value_added; "
                "DELETE FROM schema_version WHERE version > 4")
    con.close()
    with open_store(path, read_only=True) as store:
        pupils = store.query("SELECT key_stage, prior_attainment, prior_group FROM pupils")
        stored = store.query("SELECT * FROM pupil_estimates WHERE year = 2024 AND outcome = 'ks2_mat'")
        ks2 = store.query("SELECT prior_attainment, ks2_mat FROM pupils WHERE year = 2024 AND key_stage = 'KS2'")
        schools = {year: schools_from_pupils(store, year, "ks2_mat_progress") for year in (2022, 2024)}
        worked_out = {year: work_out_schools_from_pupils(store, year, "ks2_mat_progress") for year in (2022, 2024)}
    for year in (2022, 2024):
        assert len(schools[year]) == len(worked_out[year]) > 50
        assert np.allclose(schools[year]["va"], worked_out[year]["va"])
    assert len(pupils) > 1000 and pupils["prior_group"].notna().all()
    assert (pupils["prior_group"].to_numpy() == prior_groups(pupils["key_stage"], pupils["prior_attainment"])).all()
    reference = national_estimates(ks2_prior_group(ks2["prior_attainment"]), ks2["ks2_mat"])
    assert stored.sort_values("prior_group")["n"].tolist() == reference["n"].tolist()
    assert np.allclose(stored.sort_values("prior_group")["estimate"], reference["estimate"])


def test_reading_a_missing_store_says_how_to_make_one(tmp_path):
    with pytest.raises(BenchmarkingError, match="python -m benchmarking demo"):
        open_store(tmp_path / "none.duckdb", read_only=True)


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    open_store(tmp_path / "s.duckdb").close()
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("INSERT INTO schema_version (version) VALUES (99)")
    con.close()
    with pytest.raises(BenchmarkingError, match="newer version"):
        open_store(tmp_path / "s.duckdb")


def test_environment_variable_overrides_the_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("BENCHMARKING_DB", str(tmp_path / "elsewhere.duckdb"))
    assert default_db_path() == tmp_path / "elsewhere.duckdb"
    monkeypatch.delenv("BENCHMARKING_DB")
    assert default_db_path().name == "benchmarking.duckdb"
