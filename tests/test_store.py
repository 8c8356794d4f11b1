"""The store: schema and migrations, read-only readers, and the one writer that replaces the file."""
import os
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.reference import LOCAL_AUTHORITIES
from benchmarking.store import SCHEMA_VERSION, StoreReader, default_db_path, open_store
from benchmarking.value_added import ks2_prior_group, national_estimates, prior_groups
from benchmarking.writer import leftovers, lock_path, writer_lock, writing
from tests.conftest import query, table_fingerprints


def test_a_new_store_is_created_at_the_current_schema_with_las_and_measures(db):
    with writing(db, create=True):
        pass
    with open_store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT count(*) AS n FROM local_authorities")["n"][0] == len(LOCAL_AUTHORITIES) == 151
        measures = store.query("SELECT measure, higher_is_better FROM measures").set_index("measure")
        assert bool(measures.loc["ks4_p8", "higher_is_better"]) is True


def test_writing_again_migrates_nothing_twice(db):
    for _ in range(2):
        with writing(db, create=True):
            pass
    assert query(db, "SELECT version FROM schema_version ORDER BY version")["version"].tolist() == list(range(1, SCHEMA_VERSION + 1))


def test_only_imports_and_the_demo_create_a_store(tmp_path):
    missing = tmp_path / "typo" / "store.duckdb"
    with pytest.raises(BenchmarkingError, match="No store at .*python -m benchmarking demo"):
        open_store(missing)
    with pytest.raises(BenchmarkingError, match="No store at"):
        with writing(missing):
            pass
    assert not (tmp_path / "typo").exists()  # a mistyped path makes no folders


def _version_1_store(path):
    with writing(path, create=True):
        pass
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE club_members; DROP TABLE clubs; DROP SEQUENCE club_id_seq; "
                "DROP TABLE p8_estimates; DROP TABLE national_sd; DROP TABLE targets; "
                "DROP TABLE area_deprivation; ALTER TABLE schools DROP COLUMN lsoa; "
                "DROP TABLE pupil_estimates; ALTER TABLE pupils DROP COLUMN prior_group; DROP TABLE school_value_added; DROP TABLE revisions; DROP TABLE users; "
                "DROP TABLE group_results; DROP TABLE national_figures; DROP TABLE score_caps; DROP TABLE synthetic_club_truth; "
                "ALTER TABLE schools DROP COLUMN sex_of_entry; ALTER TABLE schools DROP COLUMN admissions; "
                "DELETE FROM schema_version WHERE version > 1")
    con.close()


def test_readers_never_migrate_an_older_store_and_say_how_to(db):
    _version_1_store(db)
    before = db.read_bytes()
    with pytest.raises(BenchmarkingError, match="older version .*python -m benchmarking migrate"):
        open_store(db)
    assert db.read_bytes() == before  # untouched


def test_a_write_migrates_a_version_1_store(db):
    _version_1_store(db)
    with writing(db):
        pass
    with open_store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT count(*) AS n FROM clubs")["n"][0] == 0
        assert "lsoa" in store.query("SELECT * FROM schools LIMIT 0").columns
        assert "prior_group" in store.query("SELECT * FROM pupils LIMIT 0").columns
        assert {"sex_of_entry", "admissions"} <= set(store.query("SELECT * FROM schools LIMIT 0").columns)
        assert store.query("SELECT count(*) AS n FROM group_results")["n"][0] == 0


def test_a_version_4_store_gets_prior_groups_estimates_and_school_value_added_when_migrated(demo_db):
    from benchmarking.va_report import schools_from_pupils, work_out_schools_from_pupils

    con = duckdb.connect(str(demo_db))
    con.execute("DROP TABLE pupil_estimates; ALTER TABLE pupils DROP COLUMN prior_group; DROP TABLE school_value_added; DROP TABLE revisions; DROP TABLE users; "
                "DROP TABLE group_results; DROP TABLE national_figures; DROP TABLE score_caps; DROP TABLE synthetic_club_truth; "
                "ALTER TABLE schools DROP COLUMN sex_of_entry; ALTER TABLE schools DROP COLUMN admissions; "
                "ALTER TABLE club_members DROP COLUMN joined; ALTER TABLE club_members DROP COLUMN left_in; "
                "DELETE FROM schema_version WHERE version > 4")
    con.close()
    with writing(demo_db):
        pass
    with open_store(demo_db) as store:
        pupils = store.query("SELECT key_stage, prior_attainment, prior_group FROM pupils WHERE prior_attainment IS NOT NULL")
        stored = store.query("SELECT * FROM pupil_estimates WHERE year = 2023 AND outcome = 'ks2_mat'")
        ks2 = store.query("SELECT prior_attainment, ks2_mat FROM pupils WHERE year = 2023 AND key_stage = 'KS2'")
        schools = {year: schools_from_pupils(store, year, "ks2_mat_progress") for year in (2022, 2026)}
        worked_out = {year: work_out_schools_from_pupils(store, year, "ks2_mat_progress") for year in (2022, 2026)}
        members = store.query("SELECT c.year, m.joined, m.left_in FROM club_members m JOIN clubs c USING (club_id)")
    assert len(members) > 0 and (members["joined"] == members["year"]).all() and members["left_in"].isna().all()
    for year in (2022, 2026):
        assert len(schools[year]) == len(worked_out[year]) > 50
        assert np.allclose(schools[year]["va"], worked_out[year]["va"])
    assert len(pupils) > 1000 and pupils["prior_group"].notna().all()
    assert (pupils["prior_group"].to_numpy() == prior_groups(pupils["key_stage"], pupils["prior_attainment"])).all()
    reference = national_estimates(ks2_prior_group(ks2["prior_attainment"]), ks2["ks2_mat"])
    assert stored.sort_values("prior_group")["n"].tolist() == reference["n"].tolist()
    assert np.allclose(stored.sort_values("prior_group")["estimate"], reference["estimate"])


def test_a_store_from_a_newer_version_is_refused_by_readers_and_writers(db):
    with writing(db, create=True):
        pass
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version (version) VALUES (99)")
    con.close()
    with pytest.raises(BenchmarkingError, match="newer version"):
        open_store(db)
    with pytest.raises(BenchmarkingError, match="newer version"):
        with writing(db):
            pass


def test_a_file_that_is_not_a_store_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("shopping list")
    with pytest.raises(BenchmarkingError, match="is not a store this tool can read"):
        open_store(path)


def test_environment_variable_overrides_the_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("BENCHMARKING_DB", str(tmp_path / "elsewhere.duckdb"))
    assert default_db_path() == tmp_path / "elsewhere.duckdb"
    monkeypatch.delenv("BENCHMARKING_DB")
    assert default_db_path().name == "benchmarking.duckdb"


def test_many_readers_read_while_a_write_replaces_the_file_and_each_sees_one_whole_version(demo_db):
    old = open_store(demo_db)
    old_count = old.query("SELECT count(*) AS n FROM results")["n"][0]
    with writing(demo_db) as store:
        store.execute("DELETE FROM results WHERE year = 2022")
        # Until the write ends, every reader (old or new) sees the store as it was.
        with open_store(demo_db) as during:
            assert during.query("SELECT count(*) AS n FROM results")["n"][0] == old_count
    with open_store(demo_db) as new:
        new_count = new.query("SELECT count(*) AS n FROM results")["n"][0]
    assert 0 < new_count < old_count
    assert old.query("SELECT count(*) AS n FROM results")["n"][0] == old_count  # a consistent older view
    old.close()


def test_a_long_lived_reader_reopens_when_a_write_replaces_the_file(demo_db):
    reader = StoreReader(demo_db)
    first = reader.current()
    assert reader.current() is first  # nothing changed: the same connection
    with writing(demo_db) as store:
        store.execute("DELETE FROM results WHERE year = 2022")
    second = reader.current()
    assert second is not first and second.version != first.version
    assert second.query("SELECT count(*) AS n FROM results WHERE year = 2022")["n"][0] == 0


def test_a_failed_write_leaves_the_store_exactly_as_it_was(demo_db):
    before = table_fingerprints(demo_db)
    with pytest.raises(RuntimeError):
        with writing(demo_db) as store:
            store.execute("DELETE FROM pupils")
            raise RuntimeError("disk on fire")
    assert table_fingerprints(demo_db) == before
    assert leftovers(demo_db) == []


def test_a_second_writer_is_told_at_once_who_holds_the_store(demo_db):
    with writer_lock(demo_db):
        with pytest.raises(BenchmarkingError, match=rf"Another write to the store .* is under way \(process {os.getpid()}\)"):
            with writing(demo_db):
                pass


def test_leftovers_of_a_killed_write_are_removed_by_the_next(demo_db):
    stale = demo_db.with_name(demo_db.name + ".4242.1.tmp")
    shutil.copy(demo_db, stale)
    stale.with_name(stale.name + ".wal").write_bytes(b"x")
    assert len(leftovers(demo_db)) == 2
    with writing(demo_db):
        pass
    assert leftovers(demo_db) == []


def test_a_store_on_a_read_only_disk_can_be_read(small_demo_path, tmpfs):
    disk = tmpfs(size_mb=64)
    shutil.copy(small_demo_path, disk / "store.duckdb")
    disk.remount_read_only()
    with open_store(disk / "store.duckdb") as store:
        assert store.query("SELECT count(*) AS n FROM schools")["n"][0] == 300
    with pytest.raises(BenchmarkingError, match="Cannot write to the store's folder"):
        with writing(disk / "store.duckdb"):
            pass


def test_the_write_lock_file_holds_the_writers_process_id(demo_db):
    with writer_lock(demo_db):
        assert lock_path(demo_db).read_text() == str(os.getpid())


def test_writes_from_frames_replace_rows_by_key(db):
    with writing(db, create=True) as store:
        store.upsert("results", pd.DataFrame({"urn": [1, 1], "year": [2024, 2024], "measure": ["ks4_p8", "ks4_p8"],
                                              "value": [0.1, 0.2]}))
    assert query(db, "SELECT value FROM results")["value"].tolist() == [0.2]
