"""Faults: an import killed at random moments leaves the store as it was or complete, never in between."""
import os
import random
import signal
import subprocess
import sys
import time

from benchmarking.writer import leftovers
from tests.conftest import ROOT, query, table_fingerprints


def _pupil_file(db, path):
    """Every secondary's 2024 pupils, each with 3 more Attainment 8 points: a real import's worth of work."""
    pupils = query(db, "SELECT pupil_id, urn, key_stage, prior_attainment, attainment8 + 3 AS attainment8, "
                       "CASE WHEN disadvantaged THEN 'Y' ELSE 'N' END AS disadvantaged, sen, "
                       "CASE WHEN eal THEN 'Y' ELSE 'N' END AS eal, sex FROM pupils WHERE year = 2024 AND key_stage = 'KS4'")
    pupils["attainment8"] = pupils["attainment8"].clip(upper=90)
    pupils.to_csv(path, index=False)
    return path


VOLATILE = ("import_log", "revisions")  # when and which write: differs between two runs of the same import


def content(db) -> dict:
    """The store's content, without what records when it was written."""
    tables = table_fingerprints(db)
    return {name: value for name, value in tables.items() if name not in VOLATILE} | {
        "import_log rows": tables["import_log"][0]}


def _start_import(db, pupil_file):
    return subprocess.Popen([sys.executable, "-m", "benchmarking", "--db", str(db), "import-pupils", str(pupil_file),
                             "--year", "2024"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_an_import_killed_at_random_moments_leaves_the_store_as_it_was_or_complete(small_demo_path, tmp_path):
    base = tmp_path / "base.duckdb"
    base.write_bytes(small_demo_path.read_bytes())
    pupil_file = _pupil_file(base, tmp_path / "pupils.csv")
    before = content(base)
    complete = tmp_path / "complete.duckdb"
    complete.write_bytes(base.read_bytes())
    started = time.perf_counter()
    done = _start_import(complete, pupil_file)
    assert done.wait(timeout=120) == 0, done.stderr.read().decode()
    duration = time.perf_counter() - started
    after = content(complete)
    assert after != before
    rng = random.Random(12)
    outcomes = []
    for attempt in range(20):  # until six kills have landed before the rename (timing varies on a busy machine)
        if outcomes.count("as it was") >= 6 and attempt >= 12:
            break
        db = tmp_path / f"kill{attempt}.duckdb"
        db.write_bytes(base.read_bytes())
        process = _start_import(db, pupil_file)
        time.sleep(rng.uniform(0.25, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = content(db)
        assert state in (before, after), f"kill {attempt}: a half-written store"
        outcomes.append("complete" if state == after else "as it was")
        # What the killed write left behind goes with the next write.
        subprocess.run([sys.executable, "-m", "benchmarking", "--db", str(db), "migrate"], cwd=ROOT, check=True,
                       capture_output=True)
        assert leftovers(db) == []
    assert outcomes.count("as it was") >= 6, outcomes  # most kills landed in the middle of the write
    assert os.path.exists(base)
