"""Area deprivation: MHCLG's Income Deprivation Affecting Children Index (IDACI) for every small area (LSOA)
in England, from the English Indices of Deprivation 2019 (on the 2011 LSOAs) or 2025 (published 30 October
2025, on the 2021 LSOAs): the supplementary-indices workbook (File 3) or the all-ranks CSV (File 7).

A school's area is its own LSOA (GIAS), not its pupils' homes. Both indices can be held at once; each school
takes the newest index its LSOA code belongs to (`school_area` in views.sql), since a code that was split or
merged in 2021 is found only in the index of its own vintage.
"""
from __future__ import annotations

import io
import re

import pandas as pd

from ..errors import BenchmarkingError
from .columns import no_repeats, required_numbers
from .parsed import FileKind, ParsedFile, Source
from .text import LINE, TextTable, checksum

# Each index, by the LSOAs it ranks: how many there are in England (ranks run from 1 to this).
INDICES = {"2011": ("IoD2019", 32_844), "2021": ("IoD2025", 33_755)}
INDEX_YEARS = {"2019": "2011", "2025": "2021"}  # an index's year, as a sheet or file names it -> its LSOAs
LSOA_HEADER = re.compile(r"^lsoa code(?: \((2011|2021)\))?$", re.IGNORECASE)


def idaci_columns(header: list[str]) -> tuple[str, str, str] | None:
    """The LSOA code, IDACI rank and IDACI decile columns of a header, or None if it has not all three."""
    lsoa = next((h for h in header if LSOA_HEADER.match(h.strip())), None)
    rank = next((h for h in header if "idaci" in h.lower() and "rank" in h.lower()), None)
    decile = next((h for h in header if "idaci" in h.lower() and "decile" in h.lower()), None)
    return (lsoa, rank, decile) if lsoa and rank and decile else None


def vintage(lsoa_header: str, *names: str) -> str | None:
    """The LSOAs' vintage ("2011" or "2021"): from the code column's heading, else from the index's year in
    the sheet's or file's name (IoD2019, IoD2025)."""
    found = LSOA_HEADER.match(lsoa_header.strip()).group(1)
    if found:
        return found
    for name in names:
        year = re.search(r"(?:iod|indices[ _-]of[ _-]deprivation)[ _-]?(2019|2025)|(2019|2025)", name, re.IGNORECASE)
        if year:
            return INDEX_YEARS[year.group(1) or year.group(2)]
    return None


def parse_idaci(table: TextTable, parsed: ParsedFile) -> None:
    frame = table.frame
    lsoa_column, rank_column, decile_column = idaci_columns(list(frame.columns))
    lsoas = vintage(lsoa_column, parsed.variant or "", parsed.name)
    if lsoas is None:
        raise BenchmarkingError(f"{parsed.name}: cannot tell whether this IDACI file is the 2019 or the 2025 index "
                                "(its LSOA code column does not say 2011 or 2021). Keep MHCLG's file name, which says.")
    index_name, areas = INDICES[lsoas]
    parsed.variant = index_name
    rank = required_numbers(frame, rank_column, parsed.name, (1, areas, True))
    decile = required_numbers(frame, decile_column, parsed.name, (1, 10, True))
    lsoa = frame[lsoa_column].astype(str).str.strip()
    no_repeats(frame, lsoa, parsed.name, lsoa_column, "area")
    parsed.tables["area_deprivation"] = pd.DataFrame({
        "index_name": index_name, "lsoa": lsoa, "idaci_rank": rank.astype(int), "idaci_decile": decile.astype(int),
        # The percentile among all of England's areas (never among the rows of a part of the file).
        "area_deprivation": 100 * (1 - (rank - 1) / (areas - 1)),
    })
    parsed.keys = pd.DataFrame({"key": lsoa, "line": frame[LINE]})


IDACI = FileKind("idaci", "area deprivation (IDACI by LSOA)", frozenset(), (), needs_year=False, parse=parse_idaci,
                 write_order=8, key_label="area", key_column="LSOA code")


def read_idaci_sheet(source: Source) -> tuple[TextTable, str] | None:
    """The workbook's IDACI sheet as a text table, with the sheet's name; None for any other workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(source.raw), read_only=True)
    except Exception as exc:  # a damaged or password-protected workbook: openpyxl raises many kinds
        raise BenchmarkingError(f"{source.name}: not a readable Excel workbook ({type(exc).__name__}).") from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
            if idaci_columns(header) is None:
                continue
            body, lines = [], []
            for line, row in enumerate(rows, start=2):
                if any(v is not None for v in row):
                    body.append(["" if v is None else str(v) for v in row][:len(header)])
                    lines.append(line)
            frame = pd.DataFrame(body, columns=header, dtype=object)
            frame[LINE] = lines
            return TextTable(frame=frame, width=len(header), last_line=lines[-1] if lines else 1), sheet.title
    finally:
        book.close()
    return None


def parse_workbook(source: Source) -> ParsedFile | None:
    """A workbook this tool imports (an IDACI file), validated; None for any other workbook."""
    found = read_idaci_sheet(source)
    if found is None:
        return None
    table, sheet = found
    parsed = ParsedFile(name=source.name, kind=IDACI, year=None, checksum=checksum(source.raw), rows_read=len(table),
                        variant=sheet)
    IDACI.parse(table, parsed)
    return parsed
