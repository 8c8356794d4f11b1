"""Inclusion, as Ofsted's report cards ask about it: how disadvantaged pupils, pupils with SEN support or an EHC
plan, and pupils with EAL do in the school, beside the same pupils in its similar schools and nationally, and
the gap to the school's other pupils beside the same gap in the similar schools.

DfE's published group figures come first; where DfE published none for a group and measure, the school's
pupils give it, for a viewer who may see them. A similar-schools figure is a median over at least
MIN_CLUB_SCHOOLS members (group_report's rule), so it is never one school's figure."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .access import NotAllowed, Viewer
from .measures import MEASURES_BY_CODE
from .numbers import interval, number
from .group_report import MIN_CLUB_SCHOOLS
from .pupil_views import Suppressed, pupils_of_school, school
from .phases import phase as phase_named
from .progress_gaps import no_progress_reason
from .va_report import national_groups, pupil_value_added, pupils_exist, school_group_sums
from .value_added import positions_in
from .value_added import MIN_PUPILS, SUBJECTS, GroupSums, group_scores

# (grouping, the group, the school's other pupils it is set against)
GROUPS = (("disadvantaged", "disadvantaged", "not disadvantaged"), ("sen", "SEN support", "no SEN"),
          ("sen", "EHC plan", "no SEN"), ("eal", "EAL", "not EAL"))
COLUMNS = ["group", "measure", "value", "ci_low", "ci_high", "n", "similar_median", "national", "gap", "similar_gap",
           "source"]
ROWS = ["urn", "measure", "grouping", "group", "value", "ci_low", "ci_high", "n"]


def others_of(group: str) -> str:
    """The school's other pupils a group is set against (not disadvantaged, no SEN, not EAL)."""
    return next(o for _, g, o in GROUPS if g == group)


INCLUDED = tuple(dict.fromkeys(g for _, group, others in GROUPS for g in (group, others)))  # the groups it reads


@dataclass(frozen=True)
class GroupFigures:
    """One measure's inclusion groups from one source for many schools, as arrays: a row per school (sorted by
    URN), a column per INCLUDED group. A school's inclusion rows are its row beside its club's rows, so a year's
    figures, built once, serve every school's view."""
    measure: str
    source: str
    urns: np.ndarray
    value: np.ndarray  # blank under MIN_PUPILS pupils (an unknown count is not small)
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray  # NaN where not published
    held: np.ndarray  # whether the school has a row for the group at all
    england: dict

    @classmethod
    def of_rows(cls, rows: pd.DataFrame, national: pd.DataFrame, source: str) -> list["GroupFigures"]:
        """One per measure of `rows` (ROWS: urn, measure, grouping, group, value, ci_low, ci_high, n; the first
        row of a school's group counts), with England's (measure, grouping, group, value). A measure with no
        value for any school (Progress 8 in 2025, `z` everywhere) has none: it was published for no one."""
        rows = rows[rows["group"].isin(INCLUDED)].drop_duplicates(["measure", "urn", "group"])
        england = national.drop_duplicates(["measure", "group"])
        out = []
        for measure, of_measure in rows.groupby("measure", sort=False):
            if pd.to_numeric(of_measure["value"], errors="coerce").isna().all():
                continue
            urns = np.unique(of_measure["urn"].to_numpy(dtype=np.int64))
            at = (np.searchsorted(urns, of_measure["urn"].to_numpy(dtype=np.int64)),
                  of_measure["group"].map(INCLUDED.index).to_numpy())
            arrays = {}
            for column in ("value", "ci_low", "ci_high", "n"):
                arrays[column] = np.full((len(urns), len(INCLUDED)), np.nan)
                arrays[column][at] = pd.to_numeric(of_measure[column], errors="coerce").to_numpy(dtype=float)
            held = np.zeros((len(urns), len(INCLUDED)), dtype=bool)
            held[at] = True
            of_england = england[england["measure"] == measure]
            out.append(cls(measure, source, urns, np.where(arrays["n"] < MIN_PUPILS, np.nan, arrays["value"]),
                           arrays["ci_low"], arrays["ci_high"], arrays["n"], held,
                           dict(zip(of_england["group"], of_england["value"]))))
        return out

    @classmethod
    def of_sums(cls, measure: str, sums: GroupSums, national_sd: float, england: pd.DataFrame,
                urns=None) -> "GroupFigures":
        """Each school's groups from its pupils' sums (every school of `sums`, or `urns`), suppressed under
        MIN_PUPILS pupils; `england`: national_groups (grouping, group, va)."""
        urns = np.unique(sums.urn if urns is None else np.asarray(urns, dtype=np.int64))
        n, total = sums.each(urns)
        scores = group_scores(n, total, national_sd)
        arrays = {}
        keep = [i for i, g in enumerate(sums.groups["group"]) if g in INCLUDED]
        columns = [INCLUDED.index(sums.groups["group"].iloc[i]) for i in keep]
        for name, values in (("value", scores["va"]), ("ci_low", scores["ci_low"]), ("ci_high", scores["ci_high"]),
                             ("n", n)):
            arrays[name] = np.full((len(urns), len(INCLUDED)), np.nan)
            arrays[name][:, columns] = values[:, keep]
        held = arrays["n"] > 0
        return cls(measure, "pupils", urns, arrays["value"], arrays["ci_low"], arrays["ci_high"],
                   np.where(held, arrays["n"], np.nan), held, dict(zip(england["group"], england["va"])))

    def rows(self, urn: int, club: list[int]) -> list[dict]:
        """The school's inclusion rows (COLUMNS) beside its club: a similar-schools median needs
        MIN_CLUB_SCHOOLS members with a figure."""
        at, found = positions_in(self.urns, np.asarray([urn, *club], dtype=np.int64))
        if not found[0]:
            return []
        value = np.where(found[:, None], self.value[at], np.nan)
        out = []
        for _, group, others in GROUPS:
            g, o = INCLUDED.index(group), INCLUDED.index(others)
            if not self.held[at[0], g]:
                continue
            gaps = value[:, g] - value[:, o]
            members, member_gaps = value[1:, g][~np.isnan(value[1:, g])], gaps[1:][~np.isnan(gaps[1:])]
            out.append({
                "group": group, "measure": self.measure, "value": value[0, g], "ci_low": self.ci_low[at[0], g],
                "ci_high": self.ci_high[at[0], g], "n": self.n[at[0], g],
                "similar_median": float(np.median(members)) if len(members) >= MIN_CLUB_SCHOOLS else np.nan,
                "national": self.england.get(group, np.nan), "gap": gaps[0],
                "similar_gap": float(np.median(member_gaps)) if len(member_gaps) >= MIN_CLUB_SCHOOLS else np.nan,
                "source": self.source})
        return out


def inclusion_table(rows: pd.DataFrame, urn: int, club: list[int], national: pd.DataFrame, source: str) -> pd.DataFrame:
    """The inclusion rows of one source. rows: every group figure of the school and its club (ROWS); national:
    England's (measure, grouping, group, value). Groups under MIN_PUPILS pupils show no value."""
    return pd.DataFrame([r for f in GroupFigures.of_rows(rows, national, source) for r in f.rows(urn, club)],
                        columns=COLUMNS)


def published_part(rows: pd.DataFrame, national: pd.DataFrame,
                   measures: tuple[str, ...] | None = None) -> list[GroupFigures]:
    """Published group rows (as group_results stores them) and England's, as school_inclusion takes them."""
    rows = rows.rename(columns={"grp": "group"})
    rows = rows[rows["measure"].isin(measures)] if measures is not None else rows
    return GroupFigures.of_rows(rows[ROWS], national.rename(columns={"grp": "group"}), "published")


def pupil_rows(measure: str, sums: GroupSums, national_sd: float, schools: list[int]) -> pd.DataFrame:
    """Each school's group value added from its pupils' sums (ROWS), suppressed under MIN_PUPILS pupils."""
    n, total = sums.each(schools)
    scores = group_scores(n.ravel(), total.ravel(), national_sd)
    groups = len(sums.groups)
    out = pd.DataFrame({"urn": np.repeat(np.asarray(schools, dtype=int), groups), "measure": measure,
                        "grouping": np.tile(sums.groups["grouping"].to_numpy(), len(schools)),
                        "group": np.tile(sums.groups["group"].to_numpy(), len(schools)),
                        "value": scores["va"], "ci_low": scores["ci_low"], "ci_high": scores["ci_high"],
                        "n": n.ravel().astype(int)}, columns=ROWS)
    return out[out["n"] > 0].reset_index(drop=True)


def school_inclusion(figures: list[GroupFigures], urn: int, club: list[int]) -> pd.DataFrame:
    """Every inclusion row for the school from `figures` in the order given (published first, then those from
    pupils for the measures the viewer may see them in): the first figure for a group and measure counts."""
    first: dict[tuple[str, str], dict] = {}
    for row in (r for f in figures for r in f.rows(urn, club)):
        first.setdefault((row["group"], row["measure"]), row)
    order, measures = {g: i for i, (_, g, _) in enumerate(GROUPS)}, {m: i for i, m in enumerate(MEASURES_BY_CODE)}
    rows = sorted(first.values(), key=lambda r: (order[r["group"]], r["source"], measures.get(r["measure"], len(measures))))
    return pd.DataFrame(rows, columns=COLUMNS)


def measures_of(phase: str) -> tuple[str, ...]:
    """The measures an inclusion view shows: the phase's value added, and its first headline measure."""
    p = phase_named(phase)
    return tuple(dict.fromkeys((*p.value_added, p.headline[0])))


def nothing_to_show(phase: str, year: int) -> str:
    """Why a school's inclusion view is empty, in words: DfE published no group figures for it, and its pupils
    give none, because the store holds none the viewer may see or, in a year without a progress measure,
    because pupils' progress cannot be worked out at all."""
    said = "No figures for disadvantaged pupils or pupils with SEN or EAL this year: DfE published none for this school"
    why = no_progress_reason(phase_named(phase).key_stage, year)
    if why:
        return f"{said}, and its pupils give none, as there is no progress to measure this year. {why}"
    return f"{said}, and the store holds none of its pupils you may see."


def pupil_part(va, urn: int, club: list[int], sums: GroupSums | None = None,
               england: pd.DataFrame | None = None) -> GroupFigures:
    """GroupFigures of one measure's pupils' value added (va_report.PupilValueAdded) for the school and its club;
    `sums` and `england` where already worked out (every school's group sums; national_groups)."""
    sums = sums if sums is not None else school_group_sums(va, [urn, *club])
    england = england if england is not None else national_groups(va)
    return GroupFigures.of_sums(va.measure, sums, va.national_sd, england, [urn, *club])


def inclusion_of_school(store, viewer: Viewer, urn: int, year: int | None = None) -> pd.DataFrame:
    """school_inclusion for a school of the store, in its pool and with its club as My school forms them
    (its latest year by default); attrs: urn, year, phase."""
    from .directory import school_pool
    from .errors import BenchmarkingError
    from .similarity import similar_schools

    phase, year, _ = school_pool(store, urn, year)
    try:
        club = similar_schools(store, urn, year, k=phase_named(phase).default_k).neighbours["urn"].astype(int).tolist()
    except BenchmarkingError:
        club = []
    out = inclusion_in_club(store, viewer, urn, year, phase, club)
    out.attrs.update(urn=urn, year=year, phase=phase)
    return out


def inclusion_in_club(store, viewer: Viewer, urn: int, year: int, phase: str, club: list[int]) -> pd.DataFrame:
    """school_inclusion for a school whose pool and club are known (the brief has them)."""
    from .errors import BenchmarkingError

    measures = measures_of(phase)
    published = published_part(store.query_file("group_results_for_schools", [year, [urn, *club]]),
                               store.query_file("national_groups", [year]), measures)
    parts = []
    for measure in measures:
        subject = SUBJECTS.get(measure)
        if subject is None or not pupils_exist(store, year, subject.key_stage) or no_progress_reason(subject.key_stage, year):
            continue
        try:
            va = pupil_value_added(store, year, measure, with_ids=False)
        except BenchmarkingError:  # pupils without prior attainment
            continue
        if may_see_pupils(store, viewer, urn, va):
            parts.append(pupil_part(va, urn, club))
    return school_inclusion([*published, *parts], urn, club)


def may_see_pupils(store, viewer: Viewer, urn: int, va) -> bool:
    """Whether the viewer may see the school's pupils in this measure (and it has more than a handful)."""
    try:
        return not pupils_of_school(viewer, school(store, urn), va).empty
    except (NotAllowed, Suppressed):
        return False


CAPTION = ("Disadvantaged pupils, pupils with SEN support or an EHC plan, and pupils with EAL, beside the same pupils "
           "in the similar schools (the median school, where at least 3 have a figure) and in England. The gap is to "
           "the school's other pupils (not disadvantaged, no SEN, not EAL), beside the same gap in the similar schools.")


SOURCES = {"published": "DfE, published", "pupils": "the school's pupils"}


def people_columns(table: pd.DataFrame) -> dict[str, list]:
    """The inclusion rows as a table for people, as columns of text (a page sends them as they are): each figure in
    its measure's digits, its CI and pupils, and where it comes from; a dash where there is no figure (fewer than 6
    pupils, or none published)."""
    measures = [MEASURES_BY_CODE[m] for m in table["measure"].tolist()]
    digits = [spec.digits for spec in measures]
    signed = [spec.unit == "score" for spec in measures]

    def figures(column: str, always_signed: bool = False) -> list[str]:
        return [number(v, d, sign=always_signed or s) for v, d, s in zip(table[column].tolist(), digits, signed)]

    return {
        "Pupils' group": table["group"].tolist(), "Measure": [spec.label for spec in measures],
        "School": figures("value"),
        "95% CI": [interval(lo, hi, d) for lo, hi, d in zip(table["ci_low"].tolist(), table["ci_high"].tolist(), digits)],
        "Pupils": [number(n, 0) for n in table["n"].tolist()],
        "Similar schools": figures("similar_median"), "England": figures("national"),
        "Gap to other pupils": figures("gap", True), "Similar schools' gap": figures("similar_gap", True),
        "From": [SOURCES.get(source) for source in table["source"].tolist()]}


def group_trend(store, urn: int, measure: str, group: str = "disadvantaged") -> pd.DataFrame:
    """A group's published figure and its gap to the school's other pupils in every year held (year, value,
    gap): whether the gap is closing."""
    others = others_of(group)
    return trend_of_rows(store.query_file("school_group_trend", [urn, measure, group, others]), group)


def trend_of_rows(rows: pd.DataFrame, group: str = "disadvantaged") -> pd.DataFrame:
    """group_trend from one school's published rows of the group and its other pupils (year, grp, value)."""
    return trend_of_figures(rows[["year", "grp", "value"]].itertuples(index=False), group)


def trend_of_figures(figures, group: str = "disadvantaged") -> pd.DataFrame:
    """trend_of_rows from (year, grp, value) triples: a page takes them from the school's records."""
    others = others_of(group)
    by_year: dict[int, dict] = {}
    for year, grp, value in figures:  # a few, one a year and group
        if not pd.isna(value):  # the first figure published counts
            by_year.setdefault(int(year), {}).setdefault(grp, float(value))
    found = [(year, got[group], got[group] - got.get(others, np.nan)) for year, got in sorted(by_year.items())
             if not np.isnan(got.get(group, np.nan))]
    return pd.DataFrame({"year": np.array([f[0] for f in found], dtype=int),
                         "value": np.array([f[1] for f in found], dtype=float),
                         "gap": np.array([f[2] for f in found], dtype=float)})


def pupil_group_trend(years: list[tuple[int, GroupSums]], urn: int, measure: str,
                      group: str = "disadvantaged") -> pd.DataFrame:
    """group_trend from the school's pupils (for a viewer who may see them), from each year's group sums:
    (year, value, gap), years where the group has fewer than MIN_PUPILS pupils left out."""
    others = others_of(group)
    rows = []
    for year, sums in years:
        frame = pupil_rows(measure, sums, 1.0, [urn]).set_index("group")["value"]  # the SD only widens the CI
        if pd.notna(frame.get(group, np.nan)):
            rows.append({"year": year, "value": frame[group], "gap": frame[group] - frame.get(others, np.nan)})
    return pd.DataFrame(rows, columns=["year", "value", "gap"])


def trend_sentence(trend: pd.DataFrame, measure: str, group: str = "disadvantaged") -> str | None:
    """The trend in words: "Disadvantaged pupils' KS2 maths progress over the years: 2017 −1.2 (gap −0.4);
    2018 ...". None with fewer than two years."""
    if len(trend) < 2:
        return None
    spec = MEASURES_BY_CODE[measure]
    signed = spec.unit == "score"
    years = "; ".join(f"{int(r.year)} {number(r.value, spec.digits, sign=signed)} (gap {number(r.gap, spec.digits, sign=True)})"
                      for r in trend.itertuples())
    return f"{group[:1].upper()}{group[1:]} pupils' {spec.label} over the years: {years}."


def row_sentence(row) -> str:
    """One inclusion row in words, with its interval and pupils: "Disadvantaged pupils (38): −1.23 (−1.69 to
    −0.77); similar schools −0.51; England −0.32; gap to other pupils −0.77 (similar schools −0.41)." """
    spec = MEASURES_BY_CODE[row["measure"]]
    d, signed = spec.digits, spec.unit == "score"
    who = f"{row['group'][:1].upper()}{row['group'][1:]} pupils" + ("" if pd.isna(row["n"]) else f" ({number(row['n'], 0)})")
    ci = "" if pd.isna(row["ci_low"]) else f" ({interval(row['ci_low'], row['ci_high'], d)})"
    return (f"{who}: {number(row['value'], d, sign=signed)}{ci}; similar schools "
            f"{number(row['similar_median'], d, sign=signed)}; England {number(row['national'], d, sign=signed)}; gap to "
            f"other pupils {number(row['gap'], d, sign=True)} (similar schools {number(row['similar_gap'], d, sign=True)}).")
