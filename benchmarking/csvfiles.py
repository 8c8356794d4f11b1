"""Read CSV files as DfE and GIAS publish them: BOMs, Windows-1252, ragged rows, all as text."""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from .errors import BenchmarkingError


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252 as GIAS links files need."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def checksum(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_header(path: Path) -> list[str]:
    """The first row of a CSV file, cleaned of BOM and surrounding space."""
    with open(path, "rb") as fh:
        first = fh.read(256 * 1024)
    text = decode(first) if first else ""
    rows = csv.reader(io.StringIO(text.splitlines()[0] if text else ""))
    return [h.strip() for h in next(rows, [])]


def read_text_table(path: Path, raw: bytes | None = None) -> pd.DataFrame:
    """Every cell as text. Short rows are padded with blanks; fields beyond the header are dropped.

    GIAS extracts carry unnamed extra trailing fields (more linked establishments), and some LA
    downloads omit trailing empty fields, so both kinds of ragged row must read cleanly.
    """
    raw = path.read_bytes() if raw is None else raw
    try:
        rows = list(csv.reader(io.StringIO(decode(raw))))
    except csv.Error as exc:
        raise BenchmarkingError(f"{path.name}: not a readable CSV file ({exc}).") from exc
    if not rows:
        raise BenchmarkingError(f"{path.name}: the file is empty.")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in rows[1:] if any(cell.strip() for cell in r)]
    return pd.DataFrame(body, columns=header, dtype=object)
