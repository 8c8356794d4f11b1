"""Shared fixtures and helpers: small real stores in temporary folders, the real DfE files when present,
and a fingerprint of every table to prove that a rejected import changed nothing."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarking.importers.dfe import import_dfe
from benchmarking.store import open_store
from benchmarking.synthetic import build_demo_store
from ui.bench_servers import free_port  # one helper for the load test and the browser tests

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def shared_folder(name: str) -> Path:
    """A folder of real files beside the project; tests that need it skip when it is absent."""
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"../shared/data/{name} is not present")
    return path


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    """The real DfE files."""
    return shared_folder("dfe")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """DfE's published Progress 8 estimates."""
    return shared_folder("dfe-reference")


@pytest.fixture(scope="session")
def small_demo_path(tmp_path_factory) -> Path:
    """A small synthetic store, built once per test session (read it, do not change it)."""
    return build_demo_store(tmp_path_factory.mktemp("demo") / "small.duckdb", scale="small", seed=7)


@pytest.fixture
def demo_db(small_demo_path, tmp_path) -> Path:
    """A private copy of the small demo store, to write to."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(small_demo_path, path)
    return path


@pytest.fixture
def demo(small_demo_path):
    """The small demo store, open for reading."""
    with open_store(small_demo_path) as store:
        yield store


@pytest.fixture
def db(tmp_path) -> Path:
    """Where a new store goes (imports make it)."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def real_england_db(dfe_dir, tmp_path_factory) -> Path:
    """The real 2018-19 England files and GIAS links, imported once per test session (read only)."""
    path = tmp_path_factory.mktemp("real") / "england.duckdb"
    import_dfe(path, [dfe_dir / "2018-2019" / "england", dfe_dir / "gias" / "2021-05-06" / "2021_giaslinks.csv"])
    return path


@pytest.fixture(scope="session")
def real_la_db(dfe_dir, tmp_path_factory) -> Path:
    """The three LAs' full-width files of three years, GIAS extracts and area deprivation (read only)."""
    path = tmp_path_factory.mktemp("real") / "las.duckdb"
    for year in ("2016-2017", "2017-2018", "2018-2019"):
        for la in ("la-815-north-yorkshire", "la-850-hampshire", "la-936-surrey"):
            import_dfe(path, [dfe_dir / year / la])
    import_dfe(path, [dfe_dir / "gias", dfe_dir / "deprivation"])
    return path


class Disk(type(Path())):
    """A small disk of its own (tmpfs), to fill up or make read-only."""

    def remount_read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self)], check=True)


@pytest.fixture
def tmpfs(tmp_path):
    """tmpfs(size_mb) -> a mounted disk of that size; skips where this machine does not allow mounting."""
    mounted = []

    def make(size_mb: int = 16) -> Disk:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return Disk(point)

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def write_csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    """Write a hand-made test file (DfE files carry a BOM, so by default these do too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def table_fingerprints(path: Path) -> dict[str, tuple]:
    """Every table's row count and an order-independent hash of its rows: equal fingerprints mean equal
    content (a store that does not exist yet has none)."""
    if not Path(path).exists():
        return {}
    with open_store(path) as store:
        tables = store.query("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                             "ORDER BY table_name")["table_name"]
        return {t: tuple(store.query(f'SELECT count(*) AS n, coalesce(sum(hash(t)), 0)::VARCHAR AS h FROM "{t}" t').iloc[0])
                for t in tables}


def query(path: Path, sql: str, params: list | None = None):
    """One read query against the store at `path`."""
    with open_store(path) as store:
        return store.query(sql, params)


def run_cli(*args, env=None, timeout=300):
    """`python -m benchmarking ARGS`, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "benchmarking", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=timeout)


def value_fingerprint(value) -> tuple:
    """What a cached value holds, as something comparable: frames by their content, arrays by their bytes,
    other objects by their attributes (to find a page that changes a frame all sessions share)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        hashable = value.map(lambda v: repr(v) if isinstance(v, (dict, list, np.ndarray)) else v)
        return ("frame", tuple(value.columns), tuple(value.shape),
                int(pd.util.hash_pandas_object(hashable, index=True).sum()))
    if isinstance(value, pd.Series):
        return ("series", value.name, int(pd.util.hash_pandas_object(value.astype(str), index=True).sum()))
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.tobytes())
    if isinstance(value, dict):
        return ("dict", tuple((k, value_fingerprint(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(value_fingerprint(v) for v in value))
    if hasattr(value, "__dict__"):
        return (type(value).__name__, value_fingerprint(vars(value)))
    return ("value", repr(value))


# -- real browsers ---------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def wait_until_up(url: str, process: subprocess.Popen, what: str) -> None:
    """Until `url` answers, or fail with what the process printed."""
    import time
    import urllib.request

    for _ in range(240):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.25)
    process.kill()
    pytest.fail(f"{what} did not start: " + (process.stdout.read().decode()[-2000:] if process.stdout else ""))


class Dashboard:
    """`streamlit run dashboard.py` on a free port, serving one store (with sign-in when `secrets` is given)."""

    def __init__(self, db: Path, secrets: Path | None = None, port: int | None = None, host: str = "127.0.0.1"):
        if not Path(CHROMIUM).exists():
            pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
        pytest.importorskip("playwright")
        self.port = port or free_port()
        args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        if secrets:
            args += ["--secrets.files", str(secrets)]
        self.process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "BENCHMARKING_DB": str(db)},
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.url = f"http://{host}:{self.port}"
        wait_until_up(f"http://127.0.0.1:{self.port}/_stcore/health", self.process, "streamlit")

    def stop(self) -> str:
        """Stop the server; what it printed (its log)."""
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return (out or b"").decode(errors="replace")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def wait_for_app(page) -> None:
    """Until the script has finished running and the page has content. Streamlit shows its running
    indicator only after a moment, so wait that long before waiting for it (and any spinner) to go."""
    page.wait_for_selector('[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3', timeout=60_000)
    page.wait_for_timeout(1200)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"], [data-testid=\"stSpinner\"]')",
                           timeout=120_000)
    page.wait_for_timeout(400)


def open_sections(page) -> None:
    """Open every section of detail on the page (a collapsed expander that draws its content once opened), one
    after another, as a visitor clicks each header, and wait for the page to draw it."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')  # found again at each use
    for _ in range(closed.count()):  # one click a section: a section that fails to open cannot loop for ever
        closed.first.click()
        wait_for_app(page)
