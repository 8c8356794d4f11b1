"""A load test with real Streamlit sessions, for `python -m benchmarking bench --sessions N [--processes P]`.

Each simulated head opens a websocket session as a browser does (Streamlit's own protocol: BackMsg and
ForwardMsg protobufs on /_stcore/stream), opens My school, then Similar schools, Value added and Club meeting,
with 0-1 s between pages, and times each page view from the request to the script's end. Each session comes
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
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .cpu_log import cpu_figures
from .navigation import ROOT
from benchmarking.phases import PHASES

SCENARIO = ("", "similar_schools", "value_added", "club_meeting")  # My school, then the other pages
PAGE_NAMES = {"": "my_school"}
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
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


async def page_view(ws, page: str, query: str) -> tuple[float, bool]:
    """One page view, as a browser asks for it: the seconds until the script finished, and whether the page
    showed an error."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    started = time.perf_counter()
    await ws.send(message.SerializeToString())
    error = False
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
        kind = reply.WhichOneof("type")
        if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
            element = reply.delta.new_element
            error |= element.WhichOneof("type") == "exception" or (
                element.WhichOneof("type") == "alert" and element.alert.format == 1)
        elif kind == "script_finished" and reply.script_finished in DONE:
            return time.perf_counter() - started, error


async def one_head(url: str, address: str, visit: Visit, rng: random.Random, pause: float) -> Views:
    """One head's visit: the school's My school, then the scenario's other pages."""
    views = Views()
    async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, local_addr=(address, 0), open_timeout=120) as ws:
        for page in SCENARIO:
            took, error = await page_view(ws, page, f"urn={visit.urn}&year={visit.year}")
            views.records.append((PAGE_NAMES.get(page, page), visit.phase, took))
            views.errors += error
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


# -- the servers ------------------------------------------------------------------------------------

class ProcessWatch:
    """CPU seconds and the largest resident memory of some processes, sampled every 0.2 s."""

    def __init__(self, pids: list[int]):
        self.pids, self.peak_mb, self._stop = pids, {pid: 0.0 for pid in pids}, threading.Event()
        self.cpu_start = self._cpu()
        self.started = time.perf_counter()
        threading.Thread(target=self._sample, daemon=True).start()

    def _cpu_by_pid(self) -> dict[int, float]:
        """CPU seconds each process has used so far."""
        seconds = {}
        for pid in self.pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return seconds

    def _cpu(self) -> float:
        return sum(self._cpu_by_pid().values())

    def rss_mb(self, pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for pid in self.pids:
                self.peak_mb[pid] = max(self.peak_mb[pid], self.rss_mb(pid))

    def stop(self) -> dict:
        self._stop.set()
        wall = time.perf_counter() - self.started
        return {"cpu_cores": (self._cpu() - self.cpu_start) / wall, "peak_mb": max(self.peak_mb.values())}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str) -> None:
    import urllib.request

    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


class Servers:
    """P dashboard processes on one store; with more than one, nginx in front of them (deploy/nginx.conf).
    With `cpu_log`, each process logs every page view's CPU there (ui/cpu_log.py)."""

    def __init__(self, db: Path, processes: int, cpu_log: Path | None = None):
        env = os.environ | {"BENCHMARKING_DB": str(db)} | ({"BENCHMARKING_CPU_LOG": str(cpu_log)} if cpu_log else {})
        self.ports = [free_port() for _ in range(processes)]
        # Each process as deployments run it: its caches warmed for the latest year before it listens (ui/serve.py).
        self.procs = [subprocess.Popen([sys.executable, "-m", "ui.serve",
                                        "--server.port", str(port), "--server.address", "127.0.0.1",
                                        "--server.headless", "true"], cwd=ROOT, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in self.ports]
        for port in self.ports:
            wait_for(f"http://127.0.0.1:{port}/_stcore/health")
        self.nginx = None
        self.url = f"http://127.0.0.1:{self.ports[0]}"
        if processes > 1:
            self.folder = Path(tempfile.mkdtemp(prefix="nginx-"))
            self.port = free_port()
            (self.folder / "nginx.conf").write_text(nginx_config(self.port, self.ports, self.folder))
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            self.nginx = subprocess.Popen([nginx, "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder),
                                           "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.url = f"http://127.0.0.1:{self.port}"
            wait_for(self.url + "/_stcore/health")

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def stop(self) -> None:
        for process in self.procs + ([self.nginx] if self.nginx else []):
            process.terminate()
        for process in self.procs + ([self.nginx] if self.nginx else []):
            process.wait(timeout=30)


def nginx_config(port: int, upstreams: list[int], folder: Path) -> str:
    """The shipped nginx config (deploy/nginx.conf), with this run's ports and a private folder."""
    text = NGINX_TEMPLATE.read_text()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    text = text.replace("        server 127.0.0.1:8501;\n        server 127.0.0.1:8502;", servers)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    return text.replace("/var/log/nginx", str(folder)).replace("/run/nginx.pid", str(folder / "nginx.pid"))


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
    order = [(PAGE_NAMES.get(page, page), visit.phase, again) for again, visits in enumerate((chosen, chosen))
             for visit in visits for page in SCENARIO]
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
