"""CPU time of each page view, for the load test (`bench --sessions`): written only when the server was started
with BENCHMARKING_CPU_LOG naming a file. The process's CPU time (every thread: DuckDB's too) from the script's
start to its end, so a pass of one visitor at a time gives each view's own cost; cpu_figures sums up the pass."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator

import numpy as np

LOG = os.environ.get("BENCHMARKING_CPU_LOG")


_CARRIED: dict[str, float] = {}  # CPU of a run that asked for a rerun, by label: the same view goes on


@contextmanager
def page_view_cpu(label: str) -> Iterator[None]:
    """Log `label` (the school's URN) and the CPU milliseconds of the block. A run that ends by asking for a
    rerun (the club meeting turning anonymised mode on as a visitor arrives) is part of the same view: its CPU is
    added to the next run's, and one line is logged for the view."""
    if not LOG:
        yield
        return
    started, rerun = time.process_time(), False
    try:
        yield
    except BaseException as exc:
        rerun = type(exc).__name__ == "RerunException"
        raise
    finally:
        spent = (time.process_time() - started) * 1000 + _CARRIED.pop(label, 0.0)
        if rerun:
            _CARRIED[label] = spent
        else:
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(f"{label}\t{spent:.3f}\n")


def cpu_figures(order: list[tuple[str, str, int]], ms: list[float]) -> list[dict]:
    """The CPU pass's figures from each view's (page, phase, whether a second visit) and its CPU: median and p95
    of every view of a page and phase, and the medians of first and of second visits on their own."""
    by_kind: dict[tuple, list[float]] = {}
    for (page, phase, again), value in zip(order, ms):
        for key in ((page, phase), (page, phase, "second visits" if again else "first visits")):
            by_kind.setdefault(key, []).append(value)
    figures = []
    for key, values in sorted(by_kind.items()):
        label = f"{key[0]}, {key[1]}" + (f", {key[2]}" if len(key) > 2 else "")
        figures.append({"name": f"CPU per page view, median: {label}", "value": float(np.median(values)), "unit": "ms"})
        if len(key) == 2:
            figures.append({"name": f"CPU per page view, p95: {label}", "value": float(np.percentile(values, 95)),
                            "unit": "ms"})
    return figures
