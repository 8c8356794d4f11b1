"""Validation reports: every rejected row and column of a file, not just the first."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from ..errors import BenchmarkingError


@dataclass(frozen=True)
class Problem:
    """One rejected cell or row: where it is (the file's own line number) and what was wrong."""
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = "" if self.column == "(row)" else f", column {self.column}"
        return f"{self.file}, line {self.line}{where}: {self.message}"


class FileProblem(BenchmarkingError):
    """A file failed validation. `problems` names every rejected row and column (up to MAX_PROBLEMS);
    the message gives the first and how many more."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        more = len(problems) - 1
        super().__init__(str(problems[0]) + (f" ({more} more problem{'s' if more > 1 else ''} in the file.)" if more else ""))


MAX_PROBLEMS = 1000
_collecting: ContextVar[list[Problem] | None] = ContextVar("problems", default=None)


def report(problem: Problem) -> None:
    """Record a problem while a file is being checked, or fail at once outside a check."""
    problems = _collecting.get()
    if problems is None:
        raise FileProblem([problem])
    if len(problems) < MAX_PROBLEMS:
        problems.append(problem)


@contextmanager
def checking() -> Iterator[list[Problem]]:
    """Check a whole file, collecting every problem, and fail at the end if there were any."""
    problems: list[Problem] = []
    token = _collecting.set(problems)
    try:
        yield problems
    finally:
        _collecting.reset(token)
    if problems:
        # A cell read for several measures is one problem; the report runs in row order.
        raise FileProblem(sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line)))
