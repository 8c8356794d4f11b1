"""Timing the dashboard's pages under Streamlit's AppTest, for `python -m benchmarking bench` (which runs
this module in a process of its own and reads its JSON): each page's first visit in a new process with
every cache cold, then warm reruns.

python -m ui.bench_pages --db STORE --urn URN --year YEAR [--reruns N]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from .navigation import PAGES, ROOT

DASHBOARD = str(ROOT / "dashboard.py")

# One page's first visit, in a fresh interpreter: Streamlit's import timed apart from the page.
_FIRST_VISIT = """
import sys, time
started = time.perf_counter()
from streamlit.testing.v1 import AppTest
imported = time.perf_counter()
app = AppTest.from_file(sys.argv[1], default_timeout=600)
app.query_params["urn"], app.query_params["year"] = sys.argv[3], sys.argv[4]
app.switch_page(sys.argv[2]).run()
if app.exception:
    sys.exit(f"page failed: {app.exception[0].message}")
print(imported - started, time.perf_counter() - imported)
"""


def figure(name: str, value: float, unit: str) -> dict:
    return {"name": name, "value": float(value), "unit": unit}


def pages_named(slugs: list[str] | None) -> tuple:
    """The pages to time: those named by their slug (my_school, value_added...), else every page."""
    if not slugs:
        return PAGES
    unknown = [slug for slug in slugs if slug not in {page.slug for page in PAGES}]
    if unknown:
        raise SystemExit(f"no page called {', '.join(unknown)}; the pages are "
                         f"{', '.join(page.slug for page in PAGES)}.")
    return tuple(page for page in PAGES if page.slug in slugs)


def first_visits(urn: int, year: int, pages=PAGES) -> list[dict]:
    """Each page opened once in a new Python process, as the first visitor after the server starts finds it."""
    figures = []
    for page in pages:
        child = subprocess.run([sys.executable, "-c", _FIRST_VISIT, DASHBOARD, page.file, str(urn), str(year)],
                               capture_output=True, text=True, cwd=ROOT, env=os.environ.copy())
        if child.returncode != 0:
            raise RuntimeError(f"first visit of {page.file} failed: {child.stderr.strip().splitlines()[-1:]}")
        imports, visit = (float(v) for v in child.stdout.split()[-2:])
        figures.append(figure(f"page first visit, caches cold: {page.slug}", visit * 1000, "ms"))
    figures.append(figure("importing Streamlit in a new process (once per server)", imports * 1000, "ms"))
    return figures


def reruns(urn: int, year: int, count: int, pages=PAGES) -> list[dict]:
    """Each page's warm reruns, p50 and p95 over `count` runs, two ways:

    - rerun: the same AppTest run again, as a widget change reruns a page. Under AppTest this executes
      the page script only, not the entry script with the sidebar.
    - open: a fresh AppTest on the page each time, so the entry script and sidebar run too, plus the
      harness's own start-up; an upper bound on what a visitor waits for.
    """
    from streamlit.testing.v1 import AppTest

    # AppTest warns of a "missing ScriptRunContext" on every run: the warnings would bury the output.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True

    def fresh(file: str):
        app = AppTest.from_file(DASHBOARD, default_timeout=600)
        app.query_params["urn"], app.query_params["year"] = str(urn), str(year)
        return app.switch_page(file)

    def timed_run(app) -> float:
        started = time.perf_counter()
        app.run()
        if app.exception:
            raise RuntimeError(f"page failed: {app.exception[0].message}")
        return (time.perf_counter() - started) * 1000

    figures = []
    for page in pages:
        app = fresh(page.file)
        timed_run(app)  # warms the process's caches; not counted
        times = {"rerun": [timed_run(app) for _ in range(count)],
                 "open": [timed_run(fresh(page.file)) for _ in range(count)]}
        for label, values in times.items():
            figures += [figure(f"page {label} p50: {page.slug}", statistics.median(values), "ms"),
                        figure(f"page {label} p95: {page.slug}", float(np.percentile(values, 95)), "ms")]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.bench_pages")
    parser.add_argument("--db", required=True)
    parser.add_argument("--urn", type=int, required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--reruns", type=int, default=10)
    parser.add_argument("--pages", type=lambda text: text.split(","), default=None)
    args = parser.parse_args()
    os.environ["BENCHMARKING_DB"] = args.db
    pages = pages_named(args.pages)
    print(json.dumps(first_visits(args.urn, args.year, pages) + reruns(args.urn, args.year, args.reruns, pages)))


if __name__ == "__main__":
    main()
