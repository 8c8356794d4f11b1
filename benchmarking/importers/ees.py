"""DfE's Explore Education Statistics (EES) school-level results files: KS4 "institution level" performance
(the 2023-24 names and the 2024-25 names, which the 2025-26 provisional release keeps) and the older wide KS2
school-level layout. The KS2 file of 2022-23 onwards, one row per subject, is `ees_ks2.py`'s.

One row per time period, place and breakdown: `time_period` (202425 is 2024-25, so 2025), `time_identifier`,
`geographic_level` (National, Regional, Local authority, School), the LA columns (`old_la_code`,
`new_la_code`, `la_name`), and for schools `school_urn`, `school_laestab` and `school_name`. Filter columns
say which pupils a row covers (`breakdown_topic` and `breakdown`, or `sex`, `disadvantage_status`,
`first_language`, `prior_attainment`, `sen_status`...): "Total" (or "All pupils") in all of them is the whole
cohort; one of them set is a pupil group. `version` says whether the figures are provisional, revised or final.

School rows are stored; the National row of the whole cohort gives England's figures; other places and
breakdowns this tool does not use are skipped, and counted in the import log. Where a KS4 file gives the
pupils of each group, the cohort's shares (disadvantaged, EAL, SEN support, EHC plan) are stored as its context.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .columns import ResultColumns, column_or_blank, long_values, no_repeats, numeric, results, urns
from .parsed import FileKind, ParsedFile
from .problems import Problem, report
from .text import LINE, TextTable, check_widths

GEOGRAPHY = ("time_period", "time_identifier", "geographic_level")
SCHOOL_COLUMNS = ("school_urn", "school_laestab", "school_name")
# Columns that say which pupils a row covers. Any other filter set to something other than a total makes a
# row a breakdown this tool does not compare (ethnicity, free school meals now, mobility...).
FILTERS = ("breakdown_topic", "breakdown", "sex", "disadvantage_status", "disadvantage", "first_language",
           "prior_attainment", "sen_status", "sen_provision", "mobility", "ethnicity_major", "ethnicity_minor",
           "fsm_status", "sen_primary_need", "ks2_scaled_score_group", "young_carer")
TOTALS = {"total", "all pupils", "all"}
TOTAL = "total"

KS4_RESULTS = (
    ResultColumns("ks4_att8", ("attainment8_average", "avg_att8"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_p8", ("progress8_average", "avg_p8score"), ("progress8_lower_95_ci", "p8score_ci_low"),
                  ("progress8_upper_95_ci", "p8score_ci_upp"), ("progress8_pupil_count", "t_inp8calc")),
    ResultColumns("ks4_p8_english", ("progress8eng_average", "avg_p8eng"), ("progress8eng_lower_95_ci", "p8eng_ci_low"),
                  ("progress8eng_upper_95_ci", "p8eng_ci_upp"), ("progress8_pupil_count", "t_inp8calc")),
    ResultColumns("ks4_p8_maths", ("progress8mat_average", "avg_p8mat"), ("progress8mat_lower_95_ci", "p8mat_ci_low"),
                  ("progress8mat_upper_95_ci", "p8mat_ci_upp"), ("progress8_pupil_count", "t_inp8calc")),
    ResultColumns("ks4_att8_english", ("attainment8eng_average", "avg_att8_eng"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_att8_maths", ("attainment8mat_average", "avg_att8_mat"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_basics_94", ("engmath_94_percent", "pt_l2basics_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_basics_95", ("engmath_95_percent", "pt_l2basics_95"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_5em_94", ("gcse_five_engmath_percent", "pt_5em_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_aps", ("ebacc_aps_average", "avg_ebaccaps"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_entry", ("ebacc_entering_percent", "pt_ebacc_e_ptq_ee"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_94", ("ebacc_94_percent", "pt_ebacc_94"), n=("pupil_count", "t_pupils")),
    ResultColumns("ks4_ebacc_95", ("ebacc_95_percent", "pt_ebacc_95"), n=("pupil_count", "t_pupils")),
)
KS4_CONTEXT = {"ks4_cohort": ("pupil_count", "t_pupils")}
KS4_COUNT = ("pupil_count", "t_pupils")
# The share of the cohort in a group, from the group's pupils over the cohort's: (grouping, group) -> measure.
KS4_COHORT_SHARES = {("disadvantaged", "disadvantaged"): "ks4_cohort_pct_disadvantaged",
                     ("eal", "EAL"): "ks4_cohort_pct_eal",
                     ("sen", "SEN support"): "ks4_cohort_pct_sen_support",
                     ("sen", "EHC plan"): "ks4_cohort_pct_ehcp"}
KS2_RESULTS = (
    ResultColumns("ks2_rwm_expected", ("pt_rwm_met_expected_standard",), n=("t_rwm_eligible_pupils",)),
    ResultColumns("ks2_rwm_higher", ("pt_rwm_met_higher_standard",), n=("t_rwm_eligible_pupils",)),
    ResultColumns("ks2_read_progress", ("avg_read_progress_score",),
                  ("avg_read_progress_score_lower_CI", "avg_read_progress_score_lower_ci"),
                  ("avg_read_progress_score_upper_CI", "avg_read_progress_score_upper_ci"),
                  ("t_read_progress_eligible_pupils",)),
    ResultColumns("ks2_writ_progress", ("avg_writta_progress_score",),
                  ("avg_writta_progress_score_lower_CI", "avg_writta_progress_score_lower_ci"),
                  ("avg_writta_progress_score_upper_CI", "avg_writta_progress_score_upper_ci"),
                  ("t_writta_progress_eligible_pupils",)),
    ResultColumns("ks2_mat_progress", ("avg_mat_progress_score",),
                  ("avg_mat_progress_score_lower_CI", "avg_mat_progress_score_lower_ci"),
                  ("avg_mat_progress_score_upper_CI", "avg_mat_progress_score_upper_ci"),
                  ("t_mat_progress_eligible_pupils",)),
    ResultColumns("ks2_read_average", ("avg_read_scaled_score",), n=("t_read_avg_scaled_score_eligible_pupils",)),
    ResultColumns("ks2_mat_average", ("avg_mat_scaled_score",), n=("t_mat_avg_scaled_score_eligible_pupils",)),
)
KS2_CONTEXT = {"ks2_cohort": ("t_rwm_eligible_pupils",)}


def pupil_group(topic: str, value: str) -> tuple[str, str] | None:
    """The (grouping, group) an EES breakdown names, or None for one this tool does not compare."""
    topic, value = topic.strip().lower().replace("_", " "), value.strip().lower()
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
    if topic in ("sen status", "sen provision", "sen", "special educational needs"):
        if "ehc" in value or "education, health and care" in value or "statement" in value:
            return ("sen", "EHC plan")
        if "support" in value:
            return ("sen", "SEN support")
        if value.startswith("no ") or "no identified" in value or value == "no sen":
            return ("sen", "no SEN")
    return None


def is_total(text: str) -> bool:
    return text.strip().lower() in TOTALS


def breakdowns(frame: pd.DataFrame) -> pd.Series:
    """Each row's pupils: "total" for the whole cohort, a (grouping, group) for a pupil group this tool
    compares, None for any other breakdown (two filters set at once, or one it does not use)."""
    present = [c for c in FILTERS if c in frame.columns]
    out = []
    for row in frame[present].itertuples(index=False):
        cells = dict(zip(present, (str(v).strip() for v in row)))
        # The dedicated filter columns say which pupils a row covers; breakdown_topic and breakdown repeat
        # them in words, or stand alone in files without them.
        set_filters = {k: v for k, v in cells.items() if v and not is_total(v)
                       and k not in ("breakdown_topic", "breakdown")}
        topic, value = cells.get("breakdown_topic", ""), cells.get("breakdown", "")
        if not set_filters and topic and not is_total(topic) and value and not is_total(value):
            set_filters = {topic: value}
        elif not set_filters and topic and not is_total(topic) and not value:
            set_filters = {topic: "?"}  # a topic with no breakdown column: an unknown group
        if not set_filters:
            out.append(TOTAL)
        elif len(set_filters) == 1:
            (name, value), = set_filters.items()
            out.append(pupil_group(name, value))
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


def levels(frame: pd.DataFrame) -> pd.Series:
    """Each row's geographic level, in lower case ("school", "national", "local authority"...)."""
    return frame["geographic_level"].astype(str).str.strip().str.lower()


def la_codes(rows: pd.DataFrame) -> pd.Series:
    """Each school's LA: `old_la_code` where the file has it, else the first three digits of its LAESTAB."""
    la = pd.to_numeric(column_or_blank(rows, "old_la_code"), errors="coerce")
    laestab = pd.to_numeric(column_or_blank(rows, "school_laestab"), errors="coerce")
    return la.fillna(laestab // 10000).astype("Int64")


def versions(frame: pd.DataFrame) -> str | None:
    """The release's version (provisional, revised, final) as the import log says it, where the file says."""
    found = sorted({v.strip().lower() for v in column_or_blank(frame, "version") if v.strip()})
    return ", ".join(found) or None


def skipped_note(skipped: dict[str, int]) -> str | None:
    """What the import log says of the rows a file holds that are not stored."""
    return "; ".join(f"{n:,} row{'s' if n != 1 else ''} of {what} skipped" for what, n in skipped.items() if n) or None


def school_table(rows: pd.DataFrame, urn: pd.Series, phase: str | None) -> pd.DataFrame:
    """The schools a results file names: URN, name, LA and the phase its key stage implies (the weakest
    source of a phase: a census or GIAS says better)."""
    return pd.DataFrame({
        "urn": urn, "name": column_or_blank(rows, "school_name").str.strip().replace("", None), "la_code": la_codes(rows),
        "phase": phase, "phase_rank": 1 if phase else 0}).drop_duplicates("urn", keep="last")


def _parse(table: TextTable, parsed: ParsedFile, phase: str, result_specs, context_spec) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    level = levels(frame)
    year = years_of(frame, parsed.name)
    who = breakdowns(frame)
    school = level == "school"
    national = (level == "national") & (who == TOTAL)
    grouped = school & who.map(lambda w: isinstance(w, tuple))
    total = school & (who == TOTAL)
    used = total | grouped | national
    parsed.rows_skipped = int((~used).sum())
    parsed.note = skipped_note({"places other than schools": int((~school & ~national).sum()),
                                "breakdowns this tool does not compare": int((school & ~total & ~grouped).sum())})
    parsed.variant = versions(frame)
    rows = frame[total].reset_index(drop=True)
    urn = urns(rows, parsed.name, "school_urn")
    row_years = year[total].reset_index(drop=True)
    no_repeats(rows, urn.astype(str) + " in " + row_years.astype(str), parsed.name, "school_urn", "school and year")
    parsed.tables["schools"] = school_table(rows, urn, phase)
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
    if phase == "secondary":
        context_parts.append(cohort_shares(rows, urn, row_years, group_rows, group_urn, group_years, group_who,
                                           parsed.name))
    for y, part in frame[national].groupby(year[national]):
        found = results(part.head(1), pd.Series([0]), y, result_specs, parsed.name)
        if found is not None:
            national_parts.append(found.dropna(subset=["value"]).assign(
                grouping="all", grp="all", statistic="average", source=parsed.name))
    parsed.tables["results"] = concat(result_parts)
    parsed.tables["context"] = concat(context_parts)
    parsed.tables["group_results"] = concat(group_parts)
    nat = concat(national_parts)
    parsed.tables["national_figures"] = None if nat is None else nat.drop(columns=["urn", "reason"])
    parsed.keys = None  # a file may hold several years: each school once per year is checked above


def cohort_shares(rows, urn, row_years, group_rows, group_urn, group_years, group_who, name) -> pd.DataFrame | None:
    """The cohort's share in each group DfE breaks the results down by (disadvantaged, EAL, SEN support, EHC
    plan): the group's pupils over the cohort's, both as published (missing where either is suppressed)."""
    count = next((c for c in KS4_COUNT if c in rows.columns), None)
    if count is None or group_rows.empty:
        return None
    whole = numeric(rows, count, name)
    part = numeric(group_rows, count, name)
    cohort = pd.DataFrame({"urn": urn, "year": row_years, "cohort": whole.values, "cohort_reason": whole.reasons})
    groups = pd.DataFrame({"urn": group_urn, "year": group_years, "who": group_who, "pupils": part.values,
                           "reason": part.reasons})
    groups = groups[groups["who"].isin(list(KS4_COHORT_SHARES))]
    if groups.empty:
        return None
    joined = groups.merge(cohort, on=["urn", "year"])
    share = 100 * joined["pupils"] / joined["cohort"].where(joined["cohort"] > 0)
    reason = joined["reason"].fillna(joined["cohort_reason"]).fillna("NA")
    return pd.DataFrame({"urn": joined["urn"], "year": joined["year"],
                         "measure": joined["who"].map(KS4_COHORT_SHARES), "value": share.clip(0, 100),
                         "reason": reason.where(share.isna(), None)})


def concat(parts: list) -> pd.DataFrame | None:
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
EES_KS2 = FileKind("ees_ks2", "KS2 results (Explore Education Statistics, one column per measure)",
                   frozenset({"time_period", "geographic_level", "school_urn", "pt_rwm_met_expected_standard"}),
                   REQUIRED + ("pt_rwm_met_expected_standard",), needs_year=False, parse=parse_ks2, write_order=5,
                   key_column="school_urn")
