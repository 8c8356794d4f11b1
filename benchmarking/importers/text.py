"""Read CSV files as DfE and GIAS publish them: BOMs, Windows-1252, ragged rows, all as text, each row
with the file's own line number. Binary files and broken structure are refused before any cell is read."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import BenchmarkingError
from .problems import Problem, report

HEADER_LIMIT = 4 * 1024 * 1024  # a header line longer than this is not a table
csv.field_size_limit(HEADER_LIMIT)  # DfE's cells are short, but a wide header must still read
# Control characters that never belong in a text file (tab, line feed and carriage return do).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE = "_line"  # the column holding each row's line number in the file
FIELDS = "_fields"  # the column holding how many fields the row had


def decode(raw: bytes, name: str = "the file") -> str:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252 as GIAS links files need."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise BenchmarkingError(f"{name}: not a text file (it is neither UTF-8 nor Windows-1252 text).") from None


def checksum(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def check_text(raw: bytes, name: str) -> None:
    """Refuse binary files, NUL bytes and control characters, in one line."""
    nul = raw.find(b"\x00")
    found = _CONTROL.search(raw)
    if found is None:
        return
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        what = "NUL bytes (it looks like a binary file, or text saved as UTF-16)"
    else:
        line = raw.count(b"\n", 0, found.start()) + 1
        what = f"a control character (byte 0x{found.group()[0]:02x})"
    raise BenchmarkingError(f"{name}: not a CSV text file: line {line} holds {what}. "
                            "Save it as CSV (UTF-8) and try again.")


def header_of(raw: bytes) -> list[str]:
    """The first row of a CSV file's bytes, cleaned of BOM and surrounding space; empty for a file that is
    not text. Read up to the line's end, so a multibyte character is never split."""
    first = raw[:HEADER_LIMIT].split(b"\n", 1)[0]
    if b"\x00" in first:
        return []
    try:
        text = decode(first)
    except BenchmarkingError:
        return []
    return [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])]


@dataclass
class TextTable:
    """Every cell of a CSV file as text, with each row's line number (LINE) and field count (FIELDS)."""
    frame: pd.DataFrame
    width: int  # fields in the header
    last_line: int  # line number of the last row

    def __len__(self) -> int:
        return len(self.frame)


def read_text_table(path: Path, raw: bytes | None = None, name: str | None = None) -> TextTable:
    """Every cell as text. Short rows are padded with blanks and long rows cut to the header (the caller
    decides which it allows: see `check_widths`); blank lines are skipped but counted in line numbers."""
    raw = path.read_bytes() if raw is None else raw
    name = name or path.name
    check_text(raw, name)
    reader = csv.reader(io.StringIO(decode(raw, name), newline=""), strict=True)
    rows, lines, widths = [], [], []
    line = 1
    try:
        header = next(reader, None)
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(line)
                widths.append(len(row))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise BenchmarkingError(f"{name}, line {line}: a quoted cell is never closed, so the file looks cut off. "
                                    "Download it again.") from None
        raise BenchmarkingError(f"{name}, line {line}: not a readable CSV row ({exc}).") from None
    if not header or not any(h.strip() for h in header):
        raise BenchmarkingError(f"{name}: the file is empty.")
    columns = [h.strip() for h in header]
    width = len(columns)
    body = [r[:width] + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    frame[LINE] = np.array(lines, dtype=int)
    frame[FIELDS] = np.array(widths, dtype=int)
    return TextTable(frame=frame, width=width, last_line=lines[-1] if lines else 1)


def check_widths(table: TextTable, name: str, rows: pd.Series | None = None, short_ok: pd.Series | None = None,
                 long_ok: bool = False) -> None:
    """Report every row (of `rows`, default all) with more or fewer fields than the header, unless allowed:
    long_ok for GIAS's extra trailing fields, short_ok where DfE omits trailing empty fields."""
    frame = table.frame if rows is None else table.frame[rows]
    fields = frame[FIELDS]
    short = fields < table.width
    if short_ok is not None:
        short &= ~short_ok.reindex(frame.index, fill_value=False)
    long = (fields > table.width) & (not long_ok)
    for line, count in zip(frame.loc[short | long, LINE], fields[short | long]):
        if count < table.width and line == table.last_line:
            message = (f"the last row has {count} fields where the header has {table.width}: the file looks cut off. "
                       "Download it again.")
        else:
            message = f"the row has {count} fields where the header has {table.width}."
        report(Problem(name, int(line), "(row)", message))


def require_columns(columns, required: tuple[str, ...], name: str, kind_label: str) -> None:
    """Refuse a file missing a column its kind needs, naming every missing column."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise BenchmarkingError(f"{name}: this {kind_label} file has no {', '.join(missing)} column"
                                f"{'s' if len(missing) > 1 else ''}, which this kind of file needs.")
