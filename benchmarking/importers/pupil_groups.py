"""Where DfE's full-width KS4 and KS2 files publish each pupil group's figures (the meta files define
them): disadvantaged and other pupils, prior-attainment bands, EAL pupils, girls and boys. DfE publishes
no SEN breakdown in these files.

Most columns follow one pattern per measure (P8MEA_FSM6CLA1A, READPROG_B_LOWER ...); the English and
maths basics are named irregularly and are listed as they are.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .columns import ResultColumns, results


@dataclass(frozen=True)
class Group:
    grouping: str
    grp: str
    suffixes: tuple[str, ...]  # the group's suffix in column names, in any of the years' spellings
    cohort: tuple[str, ...]  # the count of the group's pupils in the cohort


@dataclass(frozen=True)
class Family:
    """One measure's group columns: templates with {s} for the group's suffix; n "cohort" is the group's
    pupils in the cohort, None where DfE publishes no count for the measure."""
    measure: str
    value: str
    ci_low: str | None = None
    ci_high: str | None = None
    n: str | None = "cohort"


KS4_GROUPS = (
    Group("disadvantaged", "disadvantaged", ("_FSM6CLA1A",), ("TFSM6CLA1A",)),
    Group("disadvantaged", "not disadvantaged", ("_NFSM6CLA1A",), ("TNOTFSM6CLA1A",)),
    Group("prior_attainment", "low", ("_LO",), ("TPRIORLO",)),
    Group("prior_attainment", "middle", ("_AV", "_MID"), ("TPRIORAV", "TPRIORMID")),
    Group("prior_attainment", "high", ("_HI",), ("TPRIORHI",)),
    Group("eal", "EAL", ("_EAL",), ("TEALGRP2",)),
    Group("sex", "girls", ("_GIRLS",), ("GPUP",)),
    Group("sex", "boys", ("_BOYS",), ("BPUP",)),
)
KS4_FAMILIES = (
    Family("ks4_p8", "P8MEA{s}", "P8CILOW{s}", "P8CIUPP{s}", "P8PUP{s}"),
    Family("ks4_att8", "ATT8SCR{s}"),
    Family("ks4_p8_english", "P8MEAENG{s}", "P8MEAENG_CILOW{s}", "P8MEAENG_CIUPP{s}", "P8PUP{s}"),
    Family("ks4_p8_maths", "P8MEAMAT{s}", "P8MEAMAT_CILOW{s}", "P8MEAMAT_CIUPP{s}", "P8PUP{s}"),
    Family("ks4_att8_english", "ATT8SCRENG{s}"),
    Family("ks4_att8_maths", "ATT8SCRMAT{s}"),
)
# The basics by group, named as DfE names them.
KS4_BASICS = {"disadvantaged": "PTFSM6CLA1ABASICS", "not disadvantaged": "PTNOTFSM6CLA1ABASICS",
              "low": "PTBASICSLO", "middle": "PTBASICSAV", "high": "PTBASICSHI", "EAL": "PTL2BASICSEAL",
              "girls": "PGL2BASICS", "boys": "PBL2BASICS"}

KS2_GROUPS = (
    Group("disadvantaged", "disadvantaged", ("_FSM6CLA1A",), ("TFSM6CLA1A",)),
    Group("disadvantaged", "not disadvantaged", ("_NotFSM6CLA1A",), ("TNotFSM6CLA1A",)),
    Group("prior_attainment", "low", ("_L",), ("TKS1GROUP_L",)),
    Group("prior_attainment", "middle", ("_M",), ("TKS1GROUP_M",)),
    Group("prior_attainment", "high", ("_H",), ("TKS1GROUP_H",)),
    Group("eal", "EAL", ("_EAL",), ("TEALGRP2",)),
    Group("sex", "girls", ("_G",), ("GELIG",)),
    Group("sex", "boys", ("_B",), ("BELIG",)),
)
KS2_FAMILIES = (
    # DfE publishes group progress scores with their CIs but without a count of pupils.
    Family("ks2_read_progress", "READPROG{s}", "READPROG{s}_LOWER", "READPROG{s}_UPPER", None),
    Family("ks2_writ_progress", "WRITPROG{s}", "WRITPROG{s}_LOWER", "WRITPROG{s}_UPPER", None),
    Family("ks2_mat_progress", "MATPROG{s}", "MATPROG{s}_LOWER", "MATPROG{s}_UPPER", None),
    Family("ks2_rwm_expected", "PTRWM_EXP{s}"),
    Family("ks2_rwm_higher", "PTRWM_HIGH{s}"),
    Family("ks2_read_average", "READ_AVERAGE{s}", n=None),
    Family("ks2_mat_average", "MAT_AVERAGE{s}", n=None),
)


def _spec(family: Family, group: Group) -> ResultColumns:
    def names(template: str | None) -> tuple[str, ...]:
        return tuple(template.format(s=s) for s in group.suffixes) if template else ()

    n = group.cohort if family.n == "cohort" else names(family.n)
    return ResultColumns(family.measure, names(family.value), names(family.ci_low), names(family.ci_high), n)


def specs(groups: tuple[Group, ...], families: tuple[Family, ...],
          irregular: dict[str, dict[str, str]] | None = None) -> list[tuple[Group, ResultColumns]]:
    """Every (group, columns) pair of a key stage's files."""
    out = [(group, _spec(family, group)) for family in families for group in groups]
    for measure, prefix_suffix in (irregular or {}).items():
        for group in groups:
            column = prefix_suffix["prefix"][group.grp] + prefix_suffix["suffix"]
            out.append((group, ResultColumns(measure, (column,), n=group.cohort)))
    return out


KS4_SPECS = specs(KS4_GROUPS, KS4_FAMILIES, {
    "ks4_basics_94": {"prefix": KS4_BASICS, "suffix": "_94"},
    "ks4_basics_95": {"prefix": KS4_BASICS, "suffix": "_95"},
})
KS2_SPECS = specs(KS2_GROUPS, KS2_FAMILIES)


def group_results(frame: pd.DataFrame, urn: pd.Series, year: int, group_specs, name: str) -> pd.DataFrame | None:
    """Every pupil group's figures in long form (urn, year, measure, grouping, grp, value, ci_low, ci_high,
    n, reason), each cell checked as the whole-cohort figures are."""
    parts = []
    for group, spec in group_specs:
        part = results(frame, urn, year, (spec,), name)
        if part is not None:
            parts.append(part.assign(grouping=group.grouping, grp=group.grp))
    return pd.concat(parts, ignore_index=True) if parts else None
