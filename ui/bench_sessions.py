"""A load test with real Streamlit sessions, for `python -m benchmarking bench --sessions N [--processes P]`.

Each simulated head opens a websocket session as a browser does (Streamlit's own protocol: BackMsg and
ForwardMsg protobufs on /_stcore/stream), opens My school, then Similar schools and Value added, opens Value added's
section on the school's pupils (a rerun with the expander's state, as the browser sends it), then Club meeting, with
0-1 s between views, and times each page view from the request to the script's end. Each session comes
from its own loopback address (127.0.N.1: nginx's ip_hash keys on an address's first three parts), as users come
from their own machines, so that ip_hash spreads them over the server processes.

Visitors arrive as they do on results day: a random school of the store (so primaries in their national share,
five in six), in the year the dashboard opens on (the latest) four times in five, else an earlier year of that
school's. The old scenario (secondaries in the last year with Progress 8) stays as one row, to compare with.
Times are given by page and phase as well as overall, and each page view's CPU from a pass of one visitor at a
time (the servers log it: ui/cpu_log.py).

python -m ui.bench_sessions --db STORE --sessions N [N ...] [--processes P] [--cold 30] [--schools 300]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .bench_servers import ProcessWatch, Servers
from .cpu_log import cpu_figures
from benchmarking.phases import PHASES


@dataclass(frozen=True)
class Step:
    """One page view of a visit: its name in the figures, the page asked for ("": My school, the default page), and
    the section the visitor opens on the page they are on (an expander's label), if they open one."""
    name: str
    page: str
    opens: str | None = None


SCENARIO = (Step("my_school", ""), Step("similar_schools", "similar_schools"), Step("value_added", "value_added"),
            Step("value_added, pupils opened", "value_added", opens="This school's pupils"),
            Step("club_meeting", "club_meeting"))
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
LATEST_SHARE = 0.8  # visitors who land on the year the dashboard opens on


@dataclass(frozen=True)
class School:
    urn: int
    phase: str
    years: tuple[int, ...]


@dataclass(frozen=True)
class Visit:
    urn: int
    year: int
    phase: str


@dataclass
class Views:
    """Page views: (page, phase, seconds) each, and how many ended in an error on the page."""
    records: list[tuple[str, str, float]] = field(default_factory=list)
    errors: int = 0

    @property
    def seconds(self) -> list[float]:
        return [r[2] for r in self.records]

    def add(self, other: "Views") -> None:
        self.records += other.records
        self.errors += other.errors


def visitor(schools: list[School], latest: int, rng: random.Random) -> Visit:
    """A results-day visitor: any school with results in the latest year (so each phase in its share), in that
    year four times in five, else one of the school's earlier years."""
    school = rng.choice(schools)
    earlier = [y for y in school.years if y < latest]
    year = latest if not earlier or rng.random() < LATEST_SHARE else rng.choice(earlier)
    return Visit(school.urn, year, school.phase)


async def page_view(ws, page: str, query: str, opened: list[str] = ()) -> tuple[float, bool, dict[str, tuple[str, bool]]]:
    """One page view, as a browser asks for it (`opened`: the ids of expanders the visitor opens, sent as their
    state): the seconds until the script finished, whether the page showed an error, and the page's sections that
    open on request (each expander's label: its id, and whether it was drawn open)."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    for section in opened:
        message.rerun_script.widget_states.widgets.add(id=section, bool_value=True)
    started = time.perf_counter()
    await ws.send(message.SerializeToString())
    error, sections = False, {}
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
        kind = reply.WhichOneof("type")
        if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
            element = reply.delta.new_element
            error |= element.WhichOneof("type") == "exception" or (
                element.WhichOneof("type") == "alert" and element.alert.format == 1)
        elif kind == "delta" and reply.delta.WhichOneof("type") == "add_block" and reply.delta.add_block.expandable.id:
            expandable = reply.delta.add_block.expandable
            sections[expandable.label] = (expandable.id, expandable.expanded)
        elif kind == "script_finished" and reply.script_finished in DONE:
            return time.perf_counter() - started, error, sections


async def one_head(url: str, address: str, visit: Visit, rng: random.Random, pause: float) -> Views:
    """One head's visit: the school's My school, then the scenario's other pages."""
    views = Views()
    async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, local_addr=(address, 0), open_timeout=120) as ws:
        sections: dict[str, tuple[str, bool]] = {}
        for step in SCENARIO:
            if step.opens and step.opens not in sections:  # the page did not offer the section: an error
                raise RuntimeError(f"{step.page} has no section {step.opens!r} to open")
            took, error, sections = await page_view(ws, step.page, f"urn={visit.urn}&year={visit.year}",
                                                    [sections[step.opens][0]] if step.opens else [])
            views.records.append((step.name, visit.phase, took))
            views.errors += error or bool(step.opens and not sections.get(step.opens, ("", False))[1])  # not opened
            await asyncio.sleep(rng.uniform(0, pause))
    return views


async def crowd(url: str, visits: list[Visit], seed: int, pause: float = 1.0) -> Views:
    """One head per visit, all arriving at the same moment."""
    rng = random.Random(seed)
    # nginx's ip_hash keys on the first three parts of an address: each head comes from its own 127.0.N.1.
    heads = [one_head(url, f"127.0.{1 + i % 250}.{1 + i // 250}", visit, random.Random(rng.random()), pause)
             for i, visit in enumerate(visits)]
    views = Views()
    for result in await asyncio.gather(*heads, return_exceptions=True):
        if isinstance(result, BaseException):
            views.errors += len(SCENARIO)
        else:
            views.add(result)
    return views


# -- the measurements -------------------------------------------------------------------------------

def schools_of(db: Path) -> list[tuple[int, int]]:
    """The old scenario's schools: secondaries in the last year with Progress 8 (kept as one row)."""
    from benchmarking.store import open_store

    with open_store(db) as store:
        frame = store.query("SELECT urn, max(year) AS year FROM school_value_added WHERE measure = 'ks4_p8' "
                            "GROUP BY urn ORDER BY urn")
    return list(zip(frame["urn"].astype(int), frame["year"].astype(int)))


def old_visits(db: Path, count: int, seed: int) -> list[Visit]:
    rng = random.Random(seed)
    return [Visit(urn, year, "secondary") for urn, year in (rng.choice(schools_of(db)) for _ in range(count))]


def visitor_schools(db: Path) -> tuple[list[School], int]:
    """Every school with results in the latest year, with its phase and years (the dashboard's directory), and
    that year."""
    from benchmarking.directory import school_directory
    from benchmarking.store import open_store

    with open_store(db) as store:
        latest = store.latest_year()
        directory = school_directory(store)
    schools = [School(int(r.urn), str(r.phase), tuple(int(y) for y in r.years))
               for r in directory.itertuples() if latest in list(r.years)]
    return schools, latest


def visits(schools: list[School], latest: int, count: int, seed: int) -> list[Visit]:
    rng = random.Random(seed)
    return [visitor(schools, latest, rng) for _ in range(count)]


def percentile(values, q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q)) if values else float("nan")


def summary(label: str, views: Views, watch: dict | None = None) -> list[dict]:
    """Overall p50, p95 and max, then p50 and p95 by page and phase, errors and the servers' CPU and memory."""
    figures = [{"name": f"{label}: page view p50", "value": percentile(views.seconds, 50), "unit": "ms"},
               {"name": f"{label}: page view p95", "value": percentile(views.seconds, 95), "unit": "ms"},
               {"name": f"{label}: page view max", "value": percentile(views.seconds, 100), "unit": "ms"},
               {"name": f"{label}: page views", "value": float(len(views.seconds)), "unit": "views"},
               {"name": f"{label}: errors", "value": float(views.errors), "unit": "views"}]
    by_kind: dict[tuple[str, str], list[float]] = {}
    for page, phase, took in views.records:
        by_kind.setdefault((page, phase), []).append(took)
    for (page, phase), took in sorted(by_kind.items()):
        figures += [{"name": f"{label}: {page}, {phase}, p50", "value": percentile(took, 50), "unit": "ms"},
                    {"name": f"{label}: {page}, {phase}, p95", "value": percentile(took, 95), "unit": "ms"}]
    if watch:
        figures += [{"name": f"{label}: server CPU", "value": float(watch["cpu_cores"]), "unit": "cores"},
                    {"name": f"{label}: server peak memory", "value": float(watch["peak_mb"]), "unit": "MB"}]
    return figures


def measure(servers: Servers, label: str, chosen: list[Visit], seed: int) -> list[dict]:
    watch = ProcessWatch(servers.pids)
    views = asyncio.run(crowd(servers.url, chosen, seed))
    return summary(label, views, watch.stop())


async def one_at_a_time(url: str, chosen: list[Visit]) -> None:
    """The visits one after another, with one more session open and idle throughout: a server with nobody
    connected at all drops its compiled scripts (Streamlit's script cache), which a busy server never does."""
    async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=120):
        for visit in chosen:
            await crowd(url, [visit], seed=visit.urn, pause=0)


def cpu_per_view(servers: Servers, log: Path, schools: list[School], latest: int, per_phase: int) -> list[dict]:
    """Each page view's CPU (median and p95, ms, by page and phase), from a pass of one visitor at a time in
    the latest year: `per_phase` schools of each phase, each visited twice (the second visit is what a head
    returning to the page costs; the first, a school's first view, may fill per-school caches)."""
    rng = random.Random(11)
    chosen = []
    for phase in reversed(PHASES):  # primaries first
        of_phase = [s for s in schools if s.phase == phase]
        chosen += [Visit(s.urn, latest, phase) for s in rng.sample(of_phase, min(per_phase, len(of_phase)))]
    log.write_text("")
    order = [(step.name, visit.phase, again) for again, visits in enumerate((chosen, chosen))
             for visit in visits for step in SCENARIO]
    asyncio.run(one_at_a_time(servers.url, chosen + chosen))
    lines = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
    if len(lines) != len(order):
        raise RuntimeError(f"the servers logged {len(lines)} page views' CPU for {len(order)} views")
    return cpu_figures(order, [float(ms) for _, ms in lines])


def reference_ms(repeats: int = 7) -> float:
    """A fixed piece of the kind of work a page view does (small pandas frames, numpy arrays), timed here, median of
    `repeats`: how fast the machine is at the time, so that a run on a busy or slower host is told from slower
    code when runs of different hours are compared."""
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"urn": np.arange(20_000), "value": rng.normal(size=20_000)})
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for i in range(200):
            part = frame.iloc[i * 50:(i + 1) * 50]
            part.assign(double=part["value"] * 2)[part["value"] > 0].reset_index(drop=True)
            np.sort(rng.normal(size=2_000))
        times.append(time.perf_counter() - started)
    return 1000 * float(np.median(times))


def run(db: Path, sessions: list[int], processes: int, cold: int, distinct: int) -> list[dict]:
    before = reference_ms()
    schools, latest = visitor_schools(db)
    share = sum(s.phase == "primary" for s in schools) / len(schools)
    plural = f"{processes} process{'es' if processes > 1 else ''}"
    figures: list[dict] = [{"name": f"visitors' schools: primaries' share ({len(schools):,} schools with {latest} results)",
                            "value": 100 * share, "unit": "%"}]
    log = Path(tempfile.mkdtemp(prefix="cpu-")) / "cpu.log"
    servers = Servers(db, processes, cpu_log=log)  # a new server: every cache cold
    try:
        figures += measure(servers, f"{cold} visitors arriving at a just-started server ({plural})",
                           visits(schools, latest, cold, seed=1), seed=1)
        for n in sessions:
            asyncio.run(crowd(servers.url, visits(schools, latest, n, seed=100 + n), seed=100 + n))  # warm up
            figures += measure(servers, f"{n} visitors, warm ({plural})", visits(schools, latest, n, seed=200 + n),
                               seed=200 + n)
        old = max(sessions)
        asyncio.run(crowd(servers.url, old_visits(db, old, seed=300), seed=300))
        figures += [f for f in measure(servers, f"old scenario: {old} sessions, secondaries in the last year with "
                                                f"Progress 8, warm ({plural})", old_visits(db, old, seed=301), seed=301)
                    if f["name"].endswith(("page view p50", "page view p95", "errors"))]
        figures += cpu_per_view(servers, log, schools, latest, per_phase=20)
        if distinct:  # memory levels off: many different schools, 10 at a time
            watch = ProcessWatch(servers.pids)
            chosen = visits(schools, latest, distinct, seed=7)
            for start in range(0, len(chosen), 10):
                asyncio.run(crowd(servers.url, chosen[start:start + 10], seed=start, pause=0))
            figures.append({"name": f"server memory after {len(chosen)} visitors' schools (largest process)",
                            "value": float(max(watch.rss_mb(pid) for pid in servers.pids)), "unit": "MB"})
            watch.stop()
    finally:
        servers.stop()
        shutil.rmtree(log.parent, ignore_errors=True)
    after = reference_ms()
    figures.append({"name": "reference workload before and after (the machine's speed: lower is faster), mean",
                    "value": (before + after) / 2, "unit": "ms"})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.bench_sessions")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 30, 60])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--cold", type=int, default=30, help="visitors arriving at a cold server")
    parser.add_argument("--schools", type=int, default=300, help="different schools for the memory figure (0: none)")
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.sessions, args.processes, args.cold, args.schools)))


if __name__ == "__main__":
    main()
