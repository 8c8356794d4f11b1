"""National reference tables: DfE's Progress 8 estimates and pupil SD (KS4 ready reckoner), and DfE's
lowest pupil scores (caps). Area deprivation is `deprivation.py`'s."""
from __future__ import annotations

import pandas as pd

from ..errors import BenchmarkingError
from .columns import no_repeats, required_numbers
from .problems import Problem, report
from .parsed import FileKind, ParsedFile
from .text import LINE, TextTable, check_widths
from ..phases import VALUE_ADDED

P8_GROUPS = 34  # DfE's KS2 prior-attainment groups


def parse_estimates(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    group = required_numbers(frame, "ks2emss_grp", parsed.name, (1, P8_GROUPS, True)).astype(int)
    no_repeats(frame, group, parsed.name, "ks2emss_grp", "group")
    estimate = required_numbers(frame, "p8est", parsed.name, (0, 90, False))
    parsed.tables["p8_estimates"] = pd.DataFrame({"year": parsed.year, "prior_group": group, "estimate": estimate})
    parsed.keys = pd.DataFrame({"key": group, "line": frame[LINE]})


def parse_sd(table: TextTable, parsed: ParsedFile) -> None:
    check_widths(table, parsed.name)
    frame = table.frame
    if len(frame) != 1:
        raise BenchmarkingError(f"{parsed.name}: expected one row of national SDs, found {len(frame)}.")
    sd = required_numbers(frame, "Progress 8", parsed.name, (0.01, 5, False))
    parsed.tables["national_sd"] = pd.DataFrame({"year": [parsed.year], "measure": ["ks4_p8"], "sd": [sd.iloc[0]]})


P8_ESTIMATES = FileKind("p8_estimates", "Progress 8 national estimates", frozenset({"ks2emss_grp", "p8est"}),
                        ("ks2emss_grp", "p8est"), needs_year=True, parse=parse_estimates, write_order=6,
                        key_label="group", key_column="ks2emss_grp")
P8_SD = FileKind("p8_sd", "Progress 8 national pupil SD", frozenset({"Progress 8"}), ("Progress 8",),
                 needs_year=True, parse=parse_sd, write_order=7)

CAPPED_MEASURES = VALUE_ADDED  # DfE caps the pupil scores of every progress measure


def parse_caps(table: TextTable, parsed: ParsedFile) -> None:
    """DfE's lowest pupil score in each prior-attainment group, as its technical guides tabulate them: one
    row per measure and group (measure, prior_group, lowest_score), on the measure's own scale."""
    check_widths(table, parsed.name)
    frame = table.frame
    measure = frame["measure"].astype(str).str.strip()
    for position in (measure[~measure.isin(CAPPED_MEASURES)].index):
        report(Problem(parsed.name, int(frame[LINE].iloc[position]), "measure",
                       f"expected one of {', '.join(CAPPED_MEASURES)}, found {str(frame['measure'].iloc[position])[:30]!r}."))
    group = required_numbers(frame, "prior_group", parsed.name, (1, P8_GROUPS, True)).astype(int)
    lowest = required_numbers(frame, "lowest_score", parsed.name, (-40, 0, False))
    no_repeats(frame, measure + " group " + group.astype(str), parsed.name, "prior_group", "group")
    parsed.tables["score_caps"] = pd.DataFrame({"year": parsed.year, "measure": measure, "prior_group": group,
                                                "lowest_score": lowest})
    parsed.keys = pd.DataFrame({"key": measure + " group " + group.astype(str), "line": frame[LINE]})


SCORE_CAPS = FileKind("score_caps", "DfE's lowest pupil scores (caps)", frozenset({"measure", "prior_group", "lowest_score"}),
                      ("measure", "prior_group", "lowest_score"), needs_year=True, parse=parse_caps, write_order=7,
                      key_label="group", key_column="prior_group")
