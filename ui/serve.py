"""Serve the dashboard with its caches already warm: `python -m ui.serve [streamlit run options]`.

`streamlit run dashboard.py` starts listening at once, and the first heads to arrive pay for loading the year:
its results, value added, attainment in context, pools of similar schools and pupil groups (seconds each at
national scale). This opens the pages a visitor opens, with their sections that open on request opened, once for
a school of each phase in the year the dashboard opens on, before the server listens, then the same for every
earlier year the store holds (one head in five looks back): those tables are then in the process's shared caches,
and the first visitor of the morning waits no longer than the hundredth.

Deployments run one of these per core behind nginx (deploy/nginx.conf); the load test (`bench --sessions`) does.
"""
from __future__ import annotations

import logging
import os
import sys
import time

from .navigation import PAGE, ROOT

WARM_PAGES = ("my_school", "similar", "value_added", "meeting", "la")  # where visitors go, in the order they go
EARLIER_YEARS_PAGES = WARM_PAGES[:4]  # what a head looking back at an earlier year opens


def warm_up() -> str:
    """Open the visitors' pages for a school of each phase in every year, the latest first; what was warmed."""
    from benchmarking.errors import BenchmarkingError
    from benchmarking.directory import school_directory
    from benchmarking.store import default_db_path, open_store

    path = default_db_path()
    if not path.exists():
        return "no store yet: the first visit builds the demo store"
    try:
        with open_store(path) as store:
            years = sorted((int(y) for y in store.query_file("result_years")["year"]), reverse=True)
            directory = school_directory(store)
    except BenchmarkingError as exc:  # a store to upgrade: the dashboard does that on its first visit
        return f"not warmed: {exc}"
    if not years or directory.empty:
        return "not warmed: the store holds no results"
    from streamlit.testing.v1 import AppTest

    # AppTest warns of a "missing ScriptRunContext" on every run: not news here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    started = time.perf_counter()
    for year in years:
        for phase, rows in directory.groupby("phase"):
            having = rows[[year in list(y) for y in rows["years"]]]
            if having.empty:
                continue
            for key in WARM_PAGES if year == years[0] else EARLIER_YEARS_PAGES:
                app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
                app.query_params["urn"], app.query_params["year"] = str(int(having["urn"].min())), str(year)
                for section in PAGE[key].sections:  # opened: what a visitor opens is warm too
                    app.session_state[section] = True
                app.switch_page(PAGE[key].file).run()
    return f"warmed {', '.join(map(str, years))} in {time.perf_counter() - started:.1f} s"


def main() -> None:
    if sys.platform == "linux" and "MALLOC_ARENA_MAX" not in os.environ:
        # At most two malloc arenas (glibc reads this at start only, so the process starts again with it): each
        # script run is a thread, and glibc gives threads arenas of their own (up to eight per core) that keep
        # freed memory. After 300 visitors' schools a process held about 110 MB less (docs/performance.md).
        os.execve(sys.executable, [sys.executable, "-m", "ui.serve", *sys.argv[1:]],
                  os.environ | {"MALLOC_ARENA_MAX": "2"})
    print(f"School Benchmarking Club: {warm_up()}", file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
