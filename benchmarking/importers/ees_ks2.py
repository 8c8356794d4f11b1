"""DfE's KS2 school-level performance file on Explore Education Statistics, 2022-23 onwards ("Key stage 2
institution level - Schools (performance)"): one row per school, year, breakdown and subject.

The subject (`subject`: "Reading, writing and maths", "Reading", "Writing", "Maths", "Grammar, punctuation
and spelling", "Science") says which measure each indicator is: `expected_standard_pupil_percent` and
`higher_standard_pupil_percent` of reading, writing and maths combined are the headline; `average_scaled_score`
of reading and of maths; `progress_measure_score` with `progress_measure_lower_conf_interval` and
`progress_measure_upper_conf_interval` of reading, writing and maths, with its band in words
(`progress_measure_description`) where DfE publishes progress (not for 2024 or 2025: no KS1 in 2020 or 2021).
The file gives no pupil count: the school information file's eligible pupils stand in (`derived.py`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import parse_numeric
from .columns import ResultColumns, no_repeats, results, urns
from .ees import (REQUIRED, TOTAL, breakdowns, concat, levels, school_table, skipped_note, versions,
                  years_of)
from .parsed import FileKind, ParsedFile
from .problems import Problem, report
from .text import LINE, TextTable, check_widths

COUNT = ("eligible_pupil_count",)
PROGRESS = (("progress_measure_lower_conf_interval",), ("progress_measure_upper_conf_interval",))
SUBJECTS: dict[str, tuple[ResultColumns, ...]] = {
    "reading, writing and maths": (
        ResultColumns("ks2_rwm_expected", ("expected_standard_pupil_percent",), n=COUNT),
        ResultColumns("ks2_rwm_higher", ("higher_standard_pupil_percent",), n=COUNT)),
    "reading": (
        ResultColumns("ks2_read_average", ("average_scaled_score",), n=COUNT),
        ResultColumns("ks2_read_progress", ("progress_measure_score",), *PROGRESS, n=COUNT)),
    "writing": (ResultColumns("ks2_writ_progress", ("progress_measure_score",), *PROGRESS, n=COUNT),),
    "maths": (
        ResultColumns("ks2_mat_average", ("average_scaled_score",), n=COUNT),
        ResultColumns("ks2_mat_progress", ("progress_measure_score",), *PROGRESS, n=COUNT)),
}
BAND_OF = {"reading": "ks2_read_band_published", "writing": "ks2_writ_band_published",
           "maths": "ks2_mat_band_published"}
BANDS = {"well above average": 1, "above average": 2, "average": 3, "below average": 4, "well below average": 5}
THREE_YEARS = "3 year average"


def published_bands(rows: pd.DataFrame, urn: pd.Series, year: int, measure: str, name: str) -> pd.DataFrame | None:
    """DfE's progress band in words ("Well above average" ... "Well below average") as the store's band
    numbers (1 well above .. 5 well below); a code (z, x, c) is a missing value with its reason."""
    if "progress_measure_description" not in rows:
        return None
    text = rows["progress_measure_description"].astype(str).str.strip()
    band = text.str.lower().map(BANDS)
    coded = parse_numeric(text.where(band.isna(), "0"))
    for position in np.flatnonzero((band.isna() & coded.invalid).to_numpy()):
        report(Problem(name, int(rows[LINE].iloc[position]), "progress_measure_description",
                       f"expected a progress band (Well above average ... Well below average) or a DfE code, "
                       f"found {text.iloc[position][:30]!r}."))
    return pd.DataFrame({"urn": np.asarray(urn), "year": year, "measure": measure, "value": band.to_numpy(dtype=float),
                         "reason": coded.reasons.where(band.isna(), None).to_numpy(),
                         "ci_low": np.nan, "ci_high": np.nan, "n": pd.array([pd.NA] * len(rows), dtype="Int64")})


def parse_ks2_subjects(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    level = levels(frame)
    year = years_of(frame, parsed.name)
    subject = frame["subject"].astype(str).str.strip().str.lower()
    three_years = frame["breakdown"].astype(str).str.strip().str.lower() == THREE_YEARS
    who = breakdowns(frame)
    school = level == "school"
    known = subject.isin(list(SUBJECTS))
    grouped = school & known & ~three_years & who.map(lambda w: isinstance(w, tuple))
    total = school & known & ~three_years & (who == TOTAL)
    parsed.rows_skipped = int((~(total | grouped)).sum())
    parsed.note = skipped_note({
        "places other than schools": int((~school).sum()),
        "three-year averages": int((school & three_years).sum()),
        "subjects this tool does not compare (grammar, punctuation and spelling; science)":
            int((school & ~known & ~three_years).sum()),
        "breakdowns this tool does not compare": int((school & known & ~three_years & ~total & ~grouped).sum())})
    parsed.variant = versions(frame)
    rows = frame[total].reset_index(drop=True)
    urn = urns(rows, parsed.name, "school_urn")
    keys = pd.DataFrame({"urn": urn, "year": year[total].to_numpy(), "subject": subject[total].to_numpy()})
    no_repeats(rows, keys["urn"].astype(str) + " in " + keys["year"].astype(str) + " (" + keys["subject"] + ")",
               parsed.name, "school_urn", "school, year and subject")
    parsed.tables["schools"] = school_table(rows, urn, "primary")
    result_parts = []
    for (y, name), part in rows.groupby([keys["year"], keys["subject"]]):
        if y > 0:
            result_parts.append(results(part, urn[part.index], int(y), SUBJECTS[name], parsed.name))
            if name in BAND_OF:
                result_parts.append(published_bands(part, urn[part.index], int(y), BAND_OF[name], parsed.name))
    group_rows = frame[grouped].reset_index(drop=True)
    group_urn = urns(group_rows, parsed.name, "school_urn")
    group_keys = pd.DataFrame({"year": year[grouped].to_numpy(), "subject": subject[grouped].to_numpy(),
                               "who": who[grouped].to_numpy()})
    no_repeats(group_rows, group_urn.astype(str) + " " + group_keys["year"].astype(str) + " " + group_keys["subject"]
               + " " + group_keys["who"].astype(str), parsed.name, "school_urn", "school, year, subject and pupil group")
    group_parts = []
    for (y, name, (grouping, grp)), part in group_rows.groupby([group_keys["year"], group_keys["subject"],
                                                                 group_keys["who"]]):
        found = results(part, group_urn[part.index], int(y), SUBJECTS[name], parsed.name) if y > 0 else None
        if found is not None:
            group_parts.append(found.assign(grouping=grouping, grp=grp))
    parsed.tables["results"] = concat(result_parts)
    parsed.tables["group_results"] = concat(group_parts)
    parsed.keys = None  # each school once per year and subject is checked above


EES_KS2_SUBJECTS = FileKind(
    "ees_ks2", "KS2 results (Explore Education Statistics, one row per subject)",
    frozenset({"time_period", "geographic_level", "school_urn", "subject", "expected_standard_pupil_percent"}),
    REQUIRED + ("subject", "breakdown", "expected_standard_pupil_percent"), needs_year=False, parse=parse_ks2_subjects,
    write_order=5, key_column="school_urn")
