"""The dashboard's own code: navigation, store access, the sidebar's selection, widgets and formatting.
Pages live in pages/ and use only this package and `benchmarking`."""
import gc as _gc

import pandas as _pd

# Text columns held as Python strings rather than Arrow ones: the pages make many small selections from
# national tables, and each Arrow take costs a dispatch that, with 30 people at once, took 40% of the
# server's time (python -m benchmarking bench --sessions: p95 halved). Values and behaviour are the same.
_pd.set_option("mode.string_storage", "python")

# Python's cyclic garbage collector, less often: with the national tables cached, each full collection walks
# hundreds of thousands of long-lived objects, and under 30 people at once the default thresholds ran one every
# few page views (a quarter of the server's time, python -m benchmarking bench --sessions). Garbage is still
# collected, in fewer, larger rounds; the benchmark's memory figure checks that memory still levels off.
_gc.set_threshold(10_000, 20, 100)
