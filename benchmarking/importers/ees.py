"""DfE's Explore Education Statistics (EES) school-level files: KS4 "institution level" performance and KS2
school level, as tidy CSV files to DfE's data standards.

One row per time period, place and breakdown: `time_period` (202425 is 2024-25, so 2025), `time_identifier`,
`geographic_level` (National, Regional, Local authority, School), the LA columns (`old_la_code`,
`new_la_code`, `la_name`), and for schools `school_urn`, `school_laestab` and `school_name`. Filter columns
say which pupils a row covers (`breakdown_topic` and `breakdown`, or `sex`, `disadvantage_status`,
`first_language`, `prior_attainment`): "Total" in all of them is the whole cohort; one of them set is a
pupil group. Indicators are one column each, and their names changed between releases: both the 2024-25
names (`attainment8_average`) and the 2023-24 ones (`avg_att8`) are read.

School rows are stored; the National row of the whole cohort gives England's figures; other places and
breakdowns this tool does not use are skipped, and counted in the import log.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .columns import ResultColumns, column_or_blank, long_values, no_repeats, results, urns
from .parsed import FileKind, ParsedFile
from .problems import Problem, report
from .text import LINE, TextTable, check_widths

GEOGRAPHY = ("time_period", "time_identifier", "geographic_level")
SCHOOL_COLUMNS = ("school_urn", "school_laestab", "school_name")
FILTERS = ("breakdown_topic", "breakdown", "sex", "disadvantage_status", "first_language", "prior_attainment",
           "mobility")
TOTAL = "total"

KS4_RESULTS = (
    ResultColumns("ks4_att8", ("attainment8_average", "avg_att8"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_p8", ("progress8_average", "avg_p8score"), ("progress8_lower_95_ci", "p8score_ci_low"),
                  ("progress8_upper_95_ci", "p8score_ci_upp"), ("progress8_pupil_count", "t_p8pupils")),
    ResultColumns("ks4_p8_english", ("progress8eng_average",), ("progress8eng_lower_95_ci",),
                  ("progress8eng_upper_95_ci",), ("progress8_pupil_count", "t_p8pupils")),
    ResultColumns("ks4_p8_maths", ("progress8mat_average",), ("progress8mat_lower_95_ci",),
                  ("progress8mat_upper_95_ci",), ("progress8_pupil_count", "t_p8pupils")),
    ResultColumns("ks4_att8_english", ("attainment8eng_average",), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_att8_maths", ("attainment8mat_average",), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_basics_94", ("engmath_94_percent", "pt_l2basics_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_basics_95", ("engmath_95_percent", "pt_l2basics_95"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_5em_94", ("gcse_five_engmath_percent", "pt_5em_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_aps", ("ebacc_aps_average", "avg_ebaccaps"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_entry", ("ebacc_entering_percent", "pt_ebacc_e_ptq_ee"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_94", ("ebacc_94_percent", "pt_ebacc_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_95", ("ebacc_95_percent", "pt_ebacc_95"), n=("pupil_count", "t_pupils")),
)
KS4_CONTEXT = {"ks4_cohort": ("pupil_count", "t_pupils")}
KS2_RESULTS = (
    ResultColumns("ks2_rwm_expected", ("pt_rwm_met_expected_standard",), n=("t_rwm_eligible_pupils",)),
    ResultColumns("ks2_rwm_higher", ("pt_rwm_met_higher_standard",), n=("t_rwm_eligible_pupils",)),
    ResultColumns("ks2_read_progress", ("avg_read_progress_score",), ("avg_read_progress_score_lower_CI",),
                  ("avg_read_progress_score_upper_CI",), ("t_read_progress_eligible_pupils",)),
    ResultColumns("ks2_writ_progress", ("avg_writta_progress_score",), ("avg_writta_progress_score_lower_CI",),
                  ("avg_writta_progress_score_upper_CI",), ("t_writta_progress_eligible_pupils",)),
    ResultColumns("ks2_mat_progress", ("avg_mat_progress_score",), ("avg_mat_progress_score_lower_CI",),
                  ("avg_mat_progress_score_upper_CI",), ("t_mat_progress_eligible_pupils",)),
)
KS2_CONTEXT = {"ks2_cohort": ("t_rwm_eligible_pupils",)}


def pupil_group(topic: str, value: str) -> tuple[str, str] | None:
    """The (grouping, group) an EES breakdown names, or None for one this tool does not compare."""
    topic, value = topic.strip().lower(), value.strip().lower()
    if "disadvantage" in topic:
        return ("disadvantaged", "not disadvantaged") if re.search(r"\bnot\b|other", value) else \
            ("disadvantaged", "disadvantaged")
    if topic in ("sex", "gender"):
        return {"female": ("sex", "girls"), "girls": ("sex", "girls"), "male": ("sex", "boys"),
                "boys": ("sex", "boys")}.get(value)
    if "language" in topic:
        if "other than english" in value or "not english" in value or "additional" in value:
            return ("eal", "EAL")
        return ("eal", "not EAL") if "english" in value else None
    if "prior attainment" in topic:
        for words, band in ((("low", "below"), "low"), (("middle", "at expected"), "middle"),
                            (("high", "above"), "high")):
            if any(w in value for w in words):
                return ("prior_attainment", band)
    return None


def breakdowns(frame: pd.DataFrame) -> pd.Series:
    """Each row's pupils: "total" for the whole cohort, a (grouping, group) for a pupil group this tool
    compares, None for any other breakdown (two filters set at once, or one it does not use)."""
    present = [c for c in FILTERS if c in frame.columns]
    out = []
    for row in frame[present].itertuples(index=False):
        cells = dict(zip(present, (str(v).strip() for v in row)))
        # The dedicated filter columns say which pupils a row covers; breakdown_topic and breakdown repeat
        # them in words, or stand alone in files without them.
        set_filters = {k: v for k, v in cells.items() if v and v.lower() != "total"
                       and k not in ("breakdown_topic", "breakdown")}
        topic, value = cells.get("breakdown_topic", ""), cells.get("breakdown", "")
        if not set_filters and topic and topic.lower() != "total" and value.lower() != "total":
            set_filters = {topic: value}
        if not set_filters:
            out.append(TOTAL)
        elif len(set_filters) == 1:
            (name, value), = set_filters.items()
            out.append(pupil_group(name.replace("_", " "), value))
        else:
            out.append(None)
    return pd.Series(out, index=frame.index, dtype=object)


def years_of(frame: pd.DataFrame, name: str) -> pd.Series:
    """The exam year of each row from `time_period` (202425 is 2024-25: 2025); every other form reported."""
    text = frame["time_period"].astype(str).str.strip()
    good = text.str.fullmatch(r"\d{6}")
    start, end = pd.to_numeric(text.str[:4], errors="coerce"), pd.to_numeric(text.str[4:], errors="coerce")
    good &= ((start + 1) % 100 == end)
    for position in np.flatnonzero(~good.to_numpy()):
        report(Problem(name, int(frame[LINE].iloc[position]), "time_period",
                       f"expected an academic year like 202425, found {text.iloc[position][:30]!r}."))
    return (start + 1).where(good, 0).astype(int)


def _parse(table: TextTable, parsed: ParsedFile, phase: str, result_specs, context_spec) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    level = frame["geographic_level"].astype(str).str.strip().str.lower()
    year = years_of(frame, parsed.name)
    who = breakdowns(frame)
    school = level == "school"
    national = (level == "national") & (who == TOTAL)
    grouped = school & who.map(lambda w: isinstance(w, tuple))
    total = school & (who == TOTAL)
    used = total | grouped | national
    skipped = {"places other than schools": int((~school & ~national).sum()),
               "breakdowns this tool does not compare": int((school & ~total & ~grouped).sum())}
    parsed.rows_skipped = int((~used).sum())
    parsed.note = "; ".join(f"{n:,} row{'s' if n != 1 else ''} of {what} skipped"
                            for what, n in skipped.items() if n) or None
    rows = frame[total].reset_index(drop=True)
    urn = urns(rows, parsed.name, "school_urn")
    row_years = year[total].reset_index(drop=True)
    no_repeats(rows, urn.astype(str) + " in " + row_years.astype(str), parsed.name, "school_urn", "school and year")
    la = pd.to_numeric(column_or_blank(rows, "old_la_code"), errors="coerce").astype("Int64")
    parsed.tables["schools"] = pd.DataFrame({
        "urn": urn, "name": column_or_blank(rows, "school_name").str.strip().replace("", None), "la_code": la,
        "phase": phase, "phase_rank": 1}).drop_duplicates("urn", keep="last")
    result_parts, context_parts, group_parts, national_parts = [], [], [], []
    for y in sorted(set(row_years[row_years > 0])):
        mine = (row_years == y).to_numpy()
        result_parts.append(results(rows[mine], urn[mine], y, result_specs, parsed.name))
        context_parts.append(long_values(rows[mine], urn[mine], y, context_spec, parsed.name))
    group_rows = frame[grouped].reset_index(drop=True)
    group_urn = urns(group_rows, parsed.name, "school_urn")
    group_years, group_who = year[grouped].reset_index(drop=True), who[grouped].reset_index(drop=True)
    no_repeats(group_rows, group_urn.astype(str) + " " + group_years.astype(str) + " " + group_who.astype(str),
               parsed.name, "school_urn", "school, year and pupil group")
    for (y, (grouping, grp)), part in group_rows.groupby([group_years, group_who]):
        found = results(part, group_urn[part.index], y, result_specs, parsed.name)
        if found is not None:
            group_parts.append(found.assign(grouping=grouping, grp=grp))
    for y, part in frame[national].groupby(year[national]):
        found = results(part.head(1), pd.Series([0]), y, result_specs, parsed.name)
        if found is not None:
            national_parts.append(found.dropna(subset=["value"]).assign(
                grouping="all", grp="all", statistic="average", source=parsed.name))
    parsed.tables["results"] = _concat(result_parts)
    parsed.tables["context"] = _concat(context_parts)
    parsed.tables["group_results"] = _concat(group_parts)
    nat = _concat(national_parts)
    parsed.tables["national_figures"] = None if nat is None else nat.drop(columns=["urn", "reason"])
    parsed.keys = None  # a file may hold several years: each school once per year is checked above


def _concat(parts: list) -> pd.DataFrame | None:
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else None


def parse_ks4(table: TextTable, parsed: ParsedFile) -> None:
    _parse(table, parsed, "secondary", KS4_RESULTS, KS4_CONTEXT)


def parse_ks2(table: TextTable, parsed: ParsedFile) -> None:
    _parse(table, parsed, "primary", KS2_RESULTS, KS2_CONTEXT)


REQUIRED = GEOGRAPHY + SCHOOL_COLUMNS
EES_KS4 = FileKind("ees_ks4", "KS4 results (Explore Education Statistics, 2024-25 names)",
                   frozenset({"time_period", "geographic_level", "school_urn", "attainment8_average"}),
                   REQUIRED + ("attainment8_average",), needs_year=False, parse=parse_ks4, write_order=4,
                   key_column="school_urn")
EES_KS4_2324 = FileKind("ees_ks4", "KS4 results (Explore Education Statistics, 2023-24 names)",
                        frozenset({"time_period", "geographic_level", "school_urn", "avg_att8"}),
                        REQUIRED + ("avg_att8",), needs_year=False, parse=parse_ks4, write_order=4,
                        key_column="school_urn")
EES_KS2 = FileKind("ees_ks2", "KS2 results (Explore Education Statistics)",
                   frozenset({"time_period", "geographic_level", "school_urn", "pt_rwm_met_expected_standard"}),
                   REQUIRED + ("pt_rwm_met_expected_standard",), needs_year=False, parse=parse_ks2, write_order=5,
                   key_column="school_urn")
