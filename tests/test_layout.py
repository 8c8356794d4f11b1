"""The project's shape, as a newcomer meets it: the top level, one file per page in pages/, no import circle,
no source file too long to read at a sitting."""
import ast
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from ui.navigation import PAGES

TOP_LEVEL = {"README.md", "dashboard.py", "pages", "benchmarking", "ui", "data", "docs", "tests", "deploy",
             "requirements.txt", "requirements-dev.txt", "pytest.ini"}
LONGEST = 410  # lines: "about 400"


def committed() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [line for line in out.splitlines() if (ROOT / line).exists()]


def test_the_top_level_shows_the_app_its_pages_library_data_docs_tests_and_deployment():
    shown = {path.split("/")[0] for path in committed() if not path.startswith(".")}
    assert shown == TOP_LEVEL


def test_pages_holds_exactly_the_page_scripts_and_each_begins_inside_the_app():
    files = {path for path in committed() if path.startswith("pages/")}
    assert files == {page.file for page in PAGES}
    for page in PAGES:
        body = ast.parse(page.path.read_text()).body
        first = next(i for i, node in enumerate(body) if not isinstance(node, (ast.Import, ast.ImportFrom))
                     and not (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)))
        call = body[first].value if isinstance(body[first], ast.Expr) else None
        assert getattr(getattr(call, "func", None), "id", None) == "require_entry", page.file  # before anything else


def module_imports(folders=("benchmarking", "ui")) -> dict[str, set[str]]:
    """Each module of these packages and the modules of them it imports, at the top or inside a function."""
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    names = {}
    for path in files:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                found |= {target, *(f"{target}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        graph[name] = {target for target in found if target in names and target != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: a path back to a module it starts from (one per circle found)."""
    found, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_circles_finds_a_module_that_reaches_back_through_another():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back():
    graph = module_imports()
    assert "benchmarking.attainment_context" in graph["benchmarking.va_report"]
    assert circles(graph) == []


def test_no_source_file_is_over_about_400_lines():
    sources = [Path(path) for path in committed() if path.endswith(".py")]
    long = {str(path): n for path in sources if (n := len((ROOT / path).read_text().splitlines())) > LONGEST}
    assert long == {}


def imported_packages(folder: str) -> set[str]:
    """The top-level packages the Python files under `folder` import, anywhere in them."""
    found = set()
    for path in (ROOT / folder).rglob("*.py") if (ROOT / folder).is_dir() else [ROOT / folder]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_the_library_never_imports_streamlit_and_the_dashboard_never_duckdb():
    assert "streamlit" not in imported_packages("benchmarking")
    assert "pandas" in imported_packages("benchmarking")  # what the walk finds
    for folder in ("ui", "pages", "dashboard.py"):
        assert "duckdb" not in imported_packages(folder), folder
    assert "streamlit" in imported_packages("pages")
