"""CPU time of each page view, for the load test (`bench --sessions`): written only when the server was started
with BENCHMARKING_CPU_LOG naming a file. The process's CPU time (every thread: DuckDB's too) from the script's
start to its end, so a pass of one visitor at a time gives each view's own cost."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator

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
