"""What an importer reads (a named file's bytes) and what a parser gives back (rows for store tables)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .text import TextTable


@dataclass(frozen=True)
class Source:
    """One file to import: its own name (never a server path), its bytes, and the year its folder names."""
    name: str
    raw: bytes
    folder_year: int | None = None

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass
class ParsedFile:
    """One validated file: rows for each store table it fills, and the key of every row it stores (to
    find a school given twice across the files of one import)."""
    name: str
    kind: "FileKind"
    year: int | None
    checksum: str
    rows_read: int
    rows_skipped: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    keys: pd.DataFrame | None = None  # key, line
    variant: str | None = None  # "final" or "provisional" for KS4 files
    note: str | None = None  # what the import log should say about rows skipped
    overlap: str | None = None  # which figures won where another file of the import had the same schools
    given_year: int | None = None  # the year --year or the file's folder gives, for files whose rows may not say

    @property
    def kind_label(self) -> str:
        return self.kind.label + (f" ({self.variant})" if self.variant else "")

    @property
    def rows_stored(self) -> int:
        return self.rows_read - self.rows_skipped


@dataclass(frozen=True)
class FileKind:
    """A kind of file this tool imports: how to recognise it, what it must hold, and how to read it."""
    name: str
    label: str
    detect: frozenset[str]  # columns that together say a header is of this kind
    required: tuple[str, ...]  # columns it must have (each missing one is named)
    needs_year: bool
    parse: Callable[[TextTable, "ParsedFile"], None]  # fills parsed.tables, parsed.keys, rows_skipped
    write_order: int  # links and the richest school lists first, so names and phases are right when results land
    key_label: str = "school"  # what a repeated key is, and where it is, in messages
    key_column: str = "URN"
    case_insensitive: bool = False  # columns named in any case across releases (read in lower case)
