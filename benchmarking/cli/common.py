"""What every command shares: progress lines, tables in text or JSON, argument types."""
from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from ..errors import BenchmarkingError
from ..years import check_year


def progress(fraction: float, message: str) -> None:
    """Progress on standard error, so standard output stays the command's answer."""
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def print_table(frame: pd.DataFrame, as_json: bool) -> None:
    if as_json:
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame) else "(none)")


def print_json(value) -> None:
    print(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


def year(text: str) -> int:
    """An exam year argument: 1990 to next year."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a year is a number like 2019, not {text!r}") from None
    try:
        return check_year(value)
    except BenchmarkingError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def urn(text: str) -> int:
    """A school URN argument: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a URN is a whole number like 100053, not {text!r}") from None
    if not 0 < value < 2**31:
        raise argparse.ArgumentTypeError(f"a URN is a whole number like 100053, not {text!r}")
    return value


def urn_list(text: str | None) -> list[int]:
    """URNs separated by commas (--urns 100053,100054)."""
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    try:
        return [urn(t) for t in items]
    except argparse.ArgumentTypeError:
        raise BenchmarkingError(f"--urns takes school URNs separated by commas (like 100053,100054), not {text!r}.") from None


def la_codes(text: str | None) -> set[int] | None:
    if not text:
        return None
    try:
        return {int(code) for code in text.split(",") if code.strip()}
    except ValueError:
        raise BenchmarkingError(f"--las takes LA codes separated by commas (like 931,869,872), not {text!r}.") from None


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {value}")
    return value
