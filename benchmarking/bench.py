"""`python -m benchmarking bench`: speed and memory at national scale, as ratios to baselines run in the
same process, so the figures hold on a noisy machine."""
from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .clubs import form_clubs
from .errors import BenchmarkingError
from .directory import default_school, school_directory
from .similarity import SimilarityIndex, load_features
from .derived import all_years, refresh_value_added
from .store import PROJECT_ROOT, open_store
from .writer import scratch_copy
from .va_report import schools_from_pupils, work_out_schools_from_pupils
from .progress_gaps import progress_years
from .value_added import CAP_Z, MIN_CAP_PUPILS, Z95, ks4_prior_group
from .phases import PHASES

SHARED_DFE = PROJECT_ROOT.parent / "shared" / "data" / "dfe"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None  # the baseline's value in the same unit
    ratio: float | None = None  # baseline / value: how many times faster than the baseline

    def line(self) -> str:
        text = f"{self.name:<58} {self.value:12.3f} {self.unit}"
        if self.ratio is not None:
            text += f"   (baseline {self.baseline:.3f} {self.unit}, {self.ratio:.1f}x)"
        return text


def seconds(work: Callable[[], object]) -> float:
    """The wall time of one run."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` runs."""
    return statistics.median(seconds(work) for _ in range(repeats))


def interleaved_medians(works: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median seconds of each, run turn about after one warm-up each, so a noisy spell slows all alike."""
    for work in works:
        work()
    times = [[seconds(work) for work in works] for _ in range(repeats)]
    return [statistics.median(column) for column in zip(*times)]


def brute_force_groups(points: np.ndarray, k: int) -> np.ndarray:
    """The baseline: for each school in a Python loop, every distance to every other school, then the k nearest."""
    groups = np.empty((len(points), k), dtype=int)
    for i in range(len(points)):
        distance = np.sqrt(((points - points[i]) ** 2).sum(axis=1))
        distance[i] = np.inf
        nearest = np.argpartition(distance, k)[:k]
        groups[i] = nearest[np.argsort(distance[nearest])]
    return groups


def _build_in_child(db: Path, scale: str) -> tuple[float, float]:
    """Build the demo store in a child process: its seconds and its peak memory (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    took = seconds(lambda: subprocess.run([sys.executable, "-m", "benchmarking", "--db", str(db), "demo", "--scale", scale],
                                          check=True, capture_output=True, cwd=PROJECT_ROOT))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before) / 1024


def run_bench(scale: str = "national", reuse: Path | None = None, repeats: int = 3,
              progress: Callable[[str], None] = lambda message: None, sessions: list[int] | None = None,
              processes: int = 1, pages: list[str] | None = None) -> list[Figure]:
    unknown = [page for page in pages or [] if not (PROJECT_ROOT / "pages" / f"{page}.py").is_file()]
    if unknown:
        raise BenchmarkingError(f"No page called {', '.join(unknown)}: name pages as their files in pages/ are "
                                "named (my_school, value_added...).")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(reuse) if reuse else Path(folder) / "bench.duckdb"
        if not (reuse and db.exists()):
            progress(f"Building the {scale} demo store")
            took, peak = _build_in_child(db, scale)
            figures += [Figure(f"demo build ({scale})", took, "s"), Figure("demo build peak memory", peak, "MB")]
        if sessions:
            return figures + session_figures(db, sessions, processes, progress)
        if SHARED_DFE.is_dir():
            progress("Importing the real 2018-19 England files")
            from .importers.dfe import import_dfe

            def real_import():
                import_dfe(Path(folder) / f"real-{time.perf_counter_ns()}.duckdb",
                           [SHARED_DFE / "2018-2019" / "england", SHARED_DFE / "gias" / "2021-05-06" / "2021_giaslinks.csv"])

            figures.append(Figure("import real 2018-19 England files", median_seconds(real_import, repeats), "s"))
        figures += refresh_figures(db, repeats, progress)
        with open_store(db) as store:
            year = store.latest_year()
            # Progress 8 is timed in the latest year that has it (the demo's 2025 and 2026 cohorts have none).
            va_year = max(progress_years("KS4", store.query_file("result_years")["year"]))
            figures += _similarity_figures(store, year, repeats, progress)
            figures += _value_added_figures(store, va_year, repeats, progress)
            figures += _pupil_group_figures(store, va_year, repeats, progress)
            school = default_school(school_directory(store))
            school_year = int(store.query_file("school_latest_year", [school])["year"][0])
        figures += page_figures(db, school, school_year, max(10, repeats), progress, pages)
    figures.append(Figure("peak memory of the whole run (this process)",
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB"))
    return figures


def _similarity_figures(store, year: int, repeats: int, progress) -> list[Figure]:
    progress("Similar schools for every school")
    indexes = {phase: SimilarityIndex(load_features(store, year, phase)) for phase in PHASES}
    schools = sum(len(i.frame) for i in indexes.values())
    ours = median_seconds(lambda: [i.all_groups(20) for i in indexes.values()], repeats)
    progress("Brute-force baseline (Python loop over schools)")
    complete = {p: i.scaled[i.present.all(axis=1)] for p, i in indexes.items()}
    baseline = median_seconds(lambda: [brute_force_groups(points, 20) for points in complete.values()], repeats)
    figures = [Figure(f"similar schools for all {schools:,} schools", ours, "s", baseline, baseline / ours)]
    progress("One school's group")
    rng = np.random.default_rng(0)
    index = indexes["primary"]
    sample = rng.choice(index.frame["urn"][~index.frame["urn"].isin(list(index.excluded))], 50, replace=False)
    one = statistics.median(seconds(lambda: index.neighbours(int(urn), 20)) for urn in sample) * 1000
    figures.append(Figure("one school's group (pool loaded)", one, "ms"))
    loading = median_seconds(lambda: SimilarityIndex(load_features(store, year, "primary")), repeats) * 1000
    figures.append(Figure("load a pool of schools from the store", loading, "ms"))
    progress("Club formation")
    secondary = complete["secondary"]
    figures.append(Figure(f"form clubs for all {len(secondary):,} secondaries", median_seconds(lambda: form_clubs(secondary, 12), repeats), "s"))
    return figures


def pandas_progress8(store, year: int) -> pd.DataFrame:
    """The baseline: Progress 8 for every school with a plain pandas groupby over the same pupils, with
    the same columns as ours (n, expected, actual, va and its interval)."""
    pupils = store.query_file("ks4_pupils_for_baseline", [year]).dropna()
    pupils["group"] = ks4_prior_group(pupils["prior_attainment"])
    groups = pupils.groupby("group")["attainment8"].agg(estimate="mean", sd="std", size="size")
    pupils = pupils.join(groups, on="group")
    lowest = np.where(pupils["size"] >= MIN_CAP_PUPILS, CAP_Z * pupils["sd"] / 10, -np.inf)  # small groups uncapped
    pupils["score"] = np.maximum((pupils["attainment8"] - pupils["estimate"]) / 10, lowest)
    sd = pupils["score"].std()
    schools = pupils.groupby("urn").agg(n=("score", "size"), expected=("estimate", "mean"),
                                        actual=("attainment8", "mean"), va=("score", "mean")).reset_index()
    half = Z95 * sd / np.sqrt(schools["n"])
    return schools.assign(ci_low=schools["va"] - half, ci_high=schools["va"] + half)


def _value_added_figures(store, year: int, repeats: int, progress) -> list[Figure]:
    """Progress 8 for every school as pages get it (stored at each write) and as each write works it out,
    against pandas and against a raw scan of the same pupils."""
    progress("Pupil value added for every school")
    repeats = max(repeats, 7)  # each run takes milliseconds: more of them steady the medians
    stored, worked_out, pandas_time, scan = interleaved_medians([
        lambda: schools_from_pupils(store, year),
        lambda: work_out_schools_from_pupils(store, year),
        lambda: pandas_progress8(store, year),
        lambda: store.query_file("ks4_pupils_scan", [year]),
    ], repeats)
    pupils = int(store.query_file("ks4_pupils_scan", [year])["n"][0])
    return [Figure(f"Progress 8 for every school from {pupils:,} pupils, as pages read it (vs pandas groupby)",
                   stored, "s", pandas_time, pandas_time / stored),
            Figure("Progress 8 as pages read it (vs raw DuckDB scan of the same pupils)", stored, "s", scan, scan / stored),
            Figure("Progress 8 worked out from the pupils in one DuckDB pass, as each write does (vs pandas groupby)",
                   worked_out, "s", pandas_time, pandas_time / worked_out),
            Figure("Progress 8 worked out, as each write does (vs raw DuckDB scan of the same pupils)",
                   worked_out, "s", scan, scan / worked_out)]


def _pupil_group_figures(store, year: int, repeats: int, progress) -> list[Figure]:
    """One school's pupil groups beside its club's, as Value added reads them (from every school's group
    sums, worked out once a year), against working them out from the club's pupils each time."""
    from .va_report import group_comparison, national_groups, pupil_value_added, school_group_sums

    progress("Pupil groups of one school and its club")
    va = pupil_value_added(store, year, "ks4_p8")
    national, sums = national_groups(va), school_group_sums(va)
    urns = sorted(int(u) for u in va.pupils["urn"].unique())
    urn, club = urns[0], urns[1:21]
    ours, baseline = interleaved_medians([lambda: group_comparison(va, urn, club, national, sums),
                                          lambda: group_comparison(va, urn, club, national)], max(repeats, 7))
    return [Figure(f"one school's pupil groups beside its club of {len(club)}, as Value added reads them "
                   "(vs from the club's pupils)", ours * 1000, "ms", baseline * 1000, baseline / ours),
            Figure("every school's pupil-group sums, worked out once a year", median_seconds(lambda: school_group_sums(va), 1), "s")]


def refresh_figures(db: Path, repeats: int, progress) -> list[Figure]:
    """What a write of pupils adds: working out again, from the stored pupils, the national estimates and
    every school's value added of the years and key stages written (on a private copy of the store)."""
    progress("Stored value added after a write of pupils")
    with scratch_copy(db) as store:
        years = all_years(store)
        last = progress_years("KS4", years)[-1:]  # a year whose pupils have prior attainment, so value added
        return [Figure("refresh stored estimates and school value added after a write of one year's KS4 pupils",
                       median_seconds(lambda: refresh_value_added(store, last, ["KS4"]), repeats), "s"),
                Figure("refresh stored estimates and school value added of every year and key stage (demo build, migration)",
                       median_seconds(lambda: refresh_value_added(store, years), repeats), "s")]


def page_figures(db: Path, school: int, year: int, reruns: int, progress, pages: list[str] | None = None) -> list[Figure]:
    """The dashboard's pages (or those named), timed by ui/bench_pages.py in a process of its own: the library never
    imports Streamlit, and the pages' list lives in one place, the dashboard's navigation."""
    progress("Dashboard pages: first visits in new processes, then warm reruns")
    child = subprocess.run([sys.executable, "-m", "ui.bench_pages", "--db", str(db), "--urn", str(school),
                            "--year", str(year), "--reruns", str(reruns), *(["--pages", ",".join(pages)] if pages else [])],
                           capture_output=True, text=True, cwd=PROJECT_ROOT)
    if child.returncode != 0:
        raise BenchmarkingError(f"Timing the pages failed: {' '.join(child.stderr.strip().splitlines()[-1:])}")
    return [Figure(**f) for f in json.loads(child.stdout)]


def session_figures(db: Path, sessions: list[int], processes: int, progress) -> list[Figure]:
    """The load test of ui/bench_sessions.py (real Streamlit sessions against running servers), run in a
    process of its own: the library never imports Streamlit."""
    progress(f"Load test: {', '.join(map(str, sessions))} sessions on {processes} process{'es' if processes > 1 else ''}")
    child = subprocess.run([sys.executable, "-m", "ui.bench_sessions", "--db", str(db), "--processes", str(processes),
                            "--sessions", *map(str, sessions)], capture_output=True, text=True, cwd=PROJECT_ROOT)
    if child.returncode != 0:
        raise RuntimeError(f"the load test failed: {child.stderr.strip().splitlines()[-1:]}")
    return [Figure(**f) for f in json.loads(child.stdout)]


def figures_as_json(figures: list[Figure]) -> list[dict]:
    return [{k: v for k, v in asdict(f).items() if v is not None} for f in figures]
