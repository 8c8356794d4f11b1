"""`python -m benchmarking bench`: speed and memory at national scale, as ratios to baselines run in the
same process, so the figures hold on a noisy machine."""
from __future__ import annotations

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

from .clubs import form_clubs
from .similarity import SimilarityIndex, load_features
from .store import PROJECT_ROOT, open_store

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


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "benchmarking", "--db", str(db), "demo", "--scale", scale],
                   check=True, capture_output=True, cwd=PROJECT_ROOT)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def run_bench(scale: str = "national", reuse: Path | None = None, repeats: int = 3,
              progress: Callable[[str], None] = lambda message: None) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(reuse) if reuse else Path(folder) / "bench.duckdb"
        if not (reuse and db.exists()):
            progress(f"Building the {scale} demo store")
            seconds, peak = _build_in_child(db, scale)
            figures += [Figure(f"demo build ({scale})", seconds, "s"), Figure("demo build peak memory", peak, "MB")]
        if SHARED_DFE.is_dir():
            progress("Importing the real 2018-19 England files")
            from .dfe_import import import_dfe

            def real_import():
                with open_store(Path(folder) / f"real-{time.perf_counter_ns()}.duckdb") as store:
                    import_dfe(store, [SHARED_DFE / "2018-2019" / "england",
                                       SHARED_DFE / "gias" / "2021-05-06" / "2021_giaslinks.csv"])

            figures.append(Figure("import real 2018-19 England files", median_seconds(real_import, 1), "s"))
        with open_store(db, read_only=True) as store:
            year = int(store.query("SELECT max(year) AS y FROM results")["y"][0])
            figures += _similarity_figures(store, year, repeats, progress)
    figures.append(Figure("peak memory of the whole run (this process)",
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB"))
    return figures


def _similarity_figures(store, year: int, repeats: int, progress) -> list[Figure]:
    progress("Similar schools for every school")
    indexes = {phase: SimilarityIndex(load_features(store, year, phase)) for phase in ("secondary", "primary")}
    schools = sum(len(i.frame) for i in indexes.values())
    ours = median_seconds(lambda: [i.all_groups(20) for i in indexes.values()], repeats)
    progress("Brute-force baseline (Python loop over schools)")
    complete = {p: i.scaled[i.present.all(axis=1)] for p, i in indexes.items()}
    baseline = median_seconds(lambda: [brute_force_groups(points, 20) for points in complete.values()], 1)
    figures = [Figure(f"similar schools for all {schools:,} schools", ours, "s", baseline, baseline / ours)]
    progress("One school's group")
    rng = np.random.default_rng(0)
    index = indexes["primary"]
    sample = rng.choice(index.frame["urn"][~index.frame["urn"].isin(list(index.excluded))], 50, replace=False)
    times = []
    for urn in sample:
        started = time.perf_counter()
        index.neighbours(int(urn), 20)
        times.append(time.perf_counter() - started)
    one = statistics.median(times) * 1000
    figures.append(Figure("one school's group (pool loaded)", one, "ms"))
    loading = median_seconds(lambda: SimilarityIndex(load_features(store, year, "primary")), repeats) * 1000
    figures.append(Figure("load a pool of schools from the store", loading, "ms"))
    progress("Club formation")
    secondary = complete["secondary"]
    figures.append(Figure(f"form clubs for all {len(secondary):,} secondaries", median_seconds(lambda: form_clubs(secondary, 12), repeats), "s"))
    return figures


def figures_as_json(figures: list[Figure]) -> list[dict]:
    return [{k: v for k, v in asdict(f).items() if v is not None} for f in figures]
