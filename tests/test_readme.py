"""The README a newcomer reads in five minutes: short, its links and pictures there, its commands working as
written."""
import re
import shlex

import pytest

from tests.conftest import ROOT
from ui.navigation import PAGES

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
FIXTURE_FOLDER = ROOT / "tests" / "fixtures" / "current" / "files"


def shell_lines(text: str) -> list[str]:
    """The lines of a Markdown text's bash blocks, without comments."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        lines += [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines() if line.strip()]
    return lines


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_is_short():
    assert len(README.read_text().splitlines()) <= 250


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_link_and_picture_of_the_readme_and_docs_is_there(doc):
    text = doc.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, fragment = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        assert file.exists(), (doc.name, target)
        if fragment:
            headings = re.findall(r"^#+ (.+)$", file.read_text(), flags=re.M)
            assert fragment in {anchor(h) for h in headings}, (doc.name, target)


def test_the_readme_shows_the_pictures_the_browser_tests_make_and_no_stale_one():
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+)\)", README.read_text()))
    assert shown == {f"docs/screenshots/{p.name}" for p in (ROOT / "docs" / "screenshots").iterdir()}
    made = {f"docs/screenshots/{page.slug}-{mode}.png" for page in PAGES for mode in ("normal", "projector")}
    assert shown and shown <= made


def test_every_command_of_the_readme_parses():
    from benchmarking.cli import build_parser

    commands = [line for line in shell_lines(README.read_text()) if line.startswith("python -m benchmarking")]
    assert len(commands) >= 8
    for line in commands:
        build_parser().parse_args(shlex.split(line)[3:])  # exits (SystemExit) on an unknown option


def test_the_readmes_commands_run_as_written(tmp_path, monkeypatch, capsys):
    """Every command-line example, in the README's order (the store first), in a folder of its own, as
    `python -m benchmarking` runs it; the LA's downloads are the fixture folder of today's files."""
    from benchmarking.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BENCHMARKING_DB", raising=False)
    lines = [line for line in shell_lines(README.read_text()) if line.startswith(("python -m benchmarking", "export "))]
    ran = []
    for line in sorted(lines, key=lambda line: "demo" not in line and not line.startswith("export")):
        if line.startswith("export "):
            monkeypatch.setenv(*line.removeprefix("export ").split("=", 1))
            continue
        argv = shlex.split(line.replace("~/Downloads/dfe-2026", str(FIXTURE_FOLDER)))[3:]
        assert main(argv) == 0, (line, capsys.readouterr().err[-2000:])
        ran.append(argv[2] if argv[0] == "--db" else argv[0])
    assert {"demo", "info", "similar", "value-added", "headline", "brief", "users", "import-dfe"} <= set(ran)
    assert (tmp_path / "brief.html").stat().st_size > 10_000
    assert (tmp_path / "data" / "my-la.duckdb").exists()
