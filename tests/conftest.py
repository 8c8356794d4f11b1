"""Shared fixtures: small real stores in temporary folders, and the real DfE files when present."""
import shutil
from pathlib import Path

import pytest

from benchmarking.store import open_store
from benchmarking.synthetic import build_demo_store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


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


@pytest.fixture
def store(tmp_path):
    """A new, empty store."""
    with open_store(tmp_path / "store.duckdb") as s:
        yield s


@pytest.fixture(scope="session")
def small_demo_path(tmp_path_factory) -> Path:
    """A small synthetic store, built once per test session (read it, do not change it)."""
    return build_demo_store(tmp_path_factory.mktemp("demo") / "small.duckdb", scale="small", seed=7)


@pytest.fixture
def demo_copy(small_demo_path, tmp_path):
    """A private, writable copy of the small demo store."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(small_demo_path, path)
    with open_store(path) as store:
        yield store


def write_csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    """Write a hand-made test file (DfE files carry a BOM, so by default these do too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
