"""CPU time of each page view, for the load test (`bench --sessions`): written only when the server was started
with BENCHMARKING_CPU_LOG naming a file. The process's CPU time (every thread: DuckDB's too) from the script's
start to its end, so a pass of one visitor at a time gives each view's own cost."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator

LOG = os.environ.get("BENCHMARKING_CPU_LOG")


@contextmanager
def page_view_cpu(label: str) -> Iterator[None]:
    """Log `label` (the school's URN) and the CPU milliseconds of the block."""
    if not LOG:
        yield
        return
    started = time.process_time()
    try:
        yield
    finally:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{label}\t{(time.process_time() - started) * 1000:.3f}\n")
