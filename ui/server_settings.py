"""Settings for a process that serves the dashboard, applied when the app runs (ui/app.py), not when `ui` is
imported: a test or a tool that imports ui modules keeps Python's and pandas' defaults."""
from __future__ import annotations

import gc

import pandas as pd

_applied = False


def tune_server_process() -> None:
    """Once per process. Both were measured with `python -m benchmarking bench --sessions` (docs/performance.md).

    - Text columns held as Python strings rather than Arrow ones: the pages make many small selections from
      national tables, and each Arrow take costs a dispatch that, with 30 people at once, took 40% of the
      server's time (p95 halved). Values and behaviour are the same.
    - Python's cyclic garbage collector, less often: with the national tables cached, each full collection walks
      hundreds of thousands of long-lived objects, and under 30 people at once the default thresholds ran one
      every few page views (a quarter of the server's time). Garbage is still collected, in fewer, larger
      rounds; the benchmark's memory figure checks that memory still levels off.
    """
    global _applied
    if _applied:
        return
    pd.set_option("mode.string_storage", "python")
    gc.set_threshold(10_000, 20, 100)
    _applied = True
