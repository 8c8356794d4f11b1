"""A load test with real Streamlit sessions, for `python -m benchmarking bench --sessions N [--processes P]`.

Each simulated head opens a websocket session as a browser does (Streamlit's own protocol: BackMsg and
ForwardMsg protobufs on /_stcore/stream), opens My school for a random school, then Similar schools, Value
added and Club meeting, with 0-1 s between pages, and times each page view from the request to the
script's end. Each session comes from its own loopback address (127.0.0.N), as users come from their own
machines (nginx's ip_hash keys on an address's first three parts, so each head has its own 127.0.N.1), so
that ip_hash spreads them over the server processes.

python -m ui.bench_sessions --db STORE --sessions N [--processes P] [--schools 300]
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

from .navigation import ROOT

SCENARIO = ("", "similar_schools", "value_added", "club_meeting")  # My school, then the other pages
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class Views:
    """Page views: their seconds and how many ended in an error on the page."""
    seconds: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, other: "Views") -> None:
        self.seconds += other.seconds
        self.errors += other.errors


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


async def one_head(url: str, address: str, schools: list[tuple[int, int]], rng: random.Random, pause: float) -> Views:
    """One head's visit: a random school's My school, then the scenario's other pages."""
    urn, year = rng.choice(schools)
    views = Views()
    async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, local_addr=(address, 0), open_timeout=120) as ws:
        for page in SCENARIO:
            took, error = await page_view(ws, page, f"urn={urn}&year={year}")
            views.seconds.append(took)
            views.errors += error
            await asyncio.sleep(rng.uniform(0, pause))
    return views


async def crowd(url: str, sessions: int, schools: list[tuple[int, int]], seed: int, pause: float = 1.0) -> Views:
    """`sessions` heads arriving at the same moment."""
    rng = random.Random(seed)
    # nginx's ip_hash keys on the first three parts of an address: each head comes from its own 127.0.N.1.
    heads = [one_head(url, f"127.0.{1 + i % 250}.{1 + i // 250}", schools, random.Random(rng.random()), pause)
             for i in range(sessions)]
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
    """P dashboard processes on one store; with more than one, nginx in front of them (deploy/nginx.conf)."""

    def __init__(self, db: Path, processes: int):
        env = os.environ | {"BENCHMARKING_DB": str(db)}
        self.ports = [free_port() for _ in range(processes)]
        self.procs = [subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
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
    from benchmarking.store import open_store

    with open_store(db) as store:
        frame = store.query("SELECT urn, max(year) AS year FROM school_value_added WHERE measure = 'ks4_p8' "
                            "GROUP BY urn ORDER BY urn")
    return list(zip(frame["urn"].astype(int), frame["year"].astype(int)))


def summary(label: str, views: Views, watch: dict) -> list[dict]:
    ms = np.array(views.seconds) * 1000 if views.seconds else np.array([np.nan])
    return [{"name": f"{label}: page view p50", "value": float(np.percentile(ms, 50)), "unit": "ms"},
            {"name": f"{label}: page view p95", "value": float(np.percentile(ms, 95)), "unit": "ms"},
            {"name": f"{label}: page view max", "value": float(ms.max()), "unit": "ms"},
            {"name": f"{label}: page views", "value": float(len(views.seconds)), "unit": "views"},
            {"name": f"{label}: errors", "value": float(views.errors), "unit": "views"},
            {"name": f"{label}: server CPU", "value": float(watch["cpu_cores"]), "unit": "cores"},
            {"name": f"{label}: server peak memory", "value": float(watch["peak_mb"]), "unit": "MB"}]


def measure(servers: Servers, label: str, sessions: int, schools, seed: int) -> list[dict]:
    watch = ProcessWatch(servers.pids)
    views = asyncio.run(crowd(servers.url, sessions, schools, seed))
    return summary(label, views, watch.stop())


def run(db: Path, sessions: list[int], processes: int, cold: int, distinct: int) -> list[dict]:
    schools = schools_of(db)
    figures: list[dict] = []
    servers = Servers(db, processes)  # a new server: every cache cold
    try:
        figures += measure(servers, f"{cold} sessions arriving at a cold server ({processes} process{'es' if processes > 1 else ''})",
                           cold, schools, seed=1)
        for n in sessions:
            asyncio.run(crowd(servers.url, n, schools, seed=100 + n))  # warm up: the same number, other schools
            figures += measure(servers, f"{n} sessions, warm ({processes} process{'es' if processes > 1 else ''})",
                               n, schools, seed=200 + n)
        if distinct:  # memory levels off: many different schools, 10 at a time
            watch = ProcessWatch(servers.pids)
            rng = random.Random(7)
            chosen = rng.sample(schools, min(distinct, len(schools)))
            for start in range(0, len(chosen), 10):
                asyncio.run(crowd(servers.url, min(10, len(chosen) - start), chosen[start:start + 10], seed=start, pause=0))
            figures.append({"name": f"server memory after {len(chosen)} different schools (largest process)",
                            "value": float(max(watch.rss_mb(pid) for pid in servers.pids)), "unit": "MB"})
            watch.stop()
    finally:
        servers.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.bench_sessions")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--cold", type=int, default=20, help="sessions arriving at a cold server")
    parser.add_argument("--schools", type=int, default=300, help="different schools for the memory figure (0: none)")
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.sessions, args.processes, args.cold, args.schools)))


if __name__ == "__main__":
    main()
