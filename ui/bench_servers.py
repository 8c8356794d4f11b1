"""The dashboard's server processes for the load test (ui/bench_sessions.py): P processes on one store, nginx in
front of them as deploy/nginx.conf runs it, and what they use of CPU and memory while a test runs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .navigation import ROOT

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"


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
