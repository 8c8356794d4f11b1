"""Expected against actual, from the store: pupil and school value added under the official and the
contextual lens. The formulas are in value_added.py; this module chooses the data and the method.

Where the store holds pupils for a key stage and year, value added is computed from them. Where it holds
only school-level files (as real DfE downloads are), the official figure is the published one, with its
band computed here, and the contextual figure is a regression across schools.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .derived import school_value_added_query
from .phases import phase as phase_named
from .store import Store, sql_text
from .attainment_context import LENS as ATTAINMENT_LENS, attainment_in_context
from .measures import MEASURES_BY_CODE
from .phases import PHASES
from .progress_gaps import no_progress_reason, progress_years
from .bands import Cutoffs, bands, decile_cutoffs
from .value_added import (KS4_GROUPS, SUBJECTS, Subject, confidence_interval, contextual_fit,
                          GroupSums, funnel_limits, group_scores, positions_in, group_sums, group_value_added, pooled_value_added, pupil_context_design,
                          pupil_group_labels, pupil_scores, recover_national_sd, school_table, school_value_added,
                          pupil_weighted_mean, suppress_small,
                          uncapped_groups)

LENSES = ("official", "contextual")  # pupil-level lenses; school tables also take attainment in context
TABLE_LENSES = LENSES + (ATTAINMENT_LENS,)


class NoProgressMeasure(BenchmarkingError):
    """DfE published no progress measure for the year (the cohort had no prior test results)."""
CONTEXTUAL_CAVEAT = ("Contextual value added also allows for disadvantage, SEN, EAL and sex. "
                     "It is not an official DfE measure.")




@dataclass
class PupilValueAdded:
    """Every pupil's expected and actual outcome and score for one measure, year and lens."""
    measure: str
    year: int
    lens: str
    pupils: pd.DataFrame  # pupil_id, urn, year, characteristics, expected, actual, score
    national_sd: float
    estimates_source: str

    def for_school(self, urn: int) -> pd.DataFrame:
        """The school's pupils, in the order they are held: a slice found by binary search, not a pass over
        every pupil of the year (half a million primary pupils)."""
        return self._school_rows(self.pupils, urn)

    def group_labels(self) -> pd.DataFrame:
        """Every pupil's like-for-like groups (pupil_group_labels), row for row with `pupils`: worked out once for
        the frame held, for the nation's groups, every school's sums and each school's own pupils."""
        return self._for_frame("_held_labels", lambda: pupil_group_labels(self.pupils))

    def labels_for_school(self, urn: int) -> pd.DataFrame:
        """The school's pupils' groups, row for row with for_school(urn): a slice of group_labels."""
        return self._school_rows(self.group_labels(), urn)

    def _school_rows(self, table: pd.DataFrame, urn: int) -> pd.DataFrame:
        """The school's rows of a table held row for row with `pupils`, in the order they are held."""
        start, end = self._span(urn)
        rows = table.iloc[start:end] if self._order is None else table.take(self._order[start:end])
        return rows.reset_index(drop=True)

    def _for_frame(self, name: str, make):
        """make()'s answer, worked out once for the pupils frame held (again if another is put in its place)."""
        held = self.__dict__.get(name)
        if held is None or held[0] is not self.pupils:
            held = self.__dict__[name] = (self.pupils, make())
        return held[1]

    def pupils_of(self, urn: int) -> int:
        """How many of the pupils are the school's."""
        start, end = self._span(urn)
        return end - start

    def has_school(self, urn: int) -> bool:
        return self.pupils_of(urn) > 0

    def _span(self, urn: int) -> tuple[int, int]:
        """Where the school's pupils are among the rows in URN order: (0, 0) for a school without any."""
        schools, starts, _ = self._by_urn()
        at, found = positions_in(schools, urn)
        return (int(starts[at]), int(starts[at + 1])) if found else (0, 0)

    @property
    def _order(self) -> np.ndarray | None:
        return self._by_urn()[2]

    def _by_urn(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The schools in URN order, where each one's pupils start among the rows in URN order, and the order
        that sorts the rows (None when they are held in URN order): a stable sort, so a school's pupils keep the
        order they are held in. Worked out once for the frame held (again if another is put in its place)."""
        return self._for_frame("_held_urn_index", self._urn_index)

    def _urn_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        urns = self.pupils["urn"].to_numpy()
        order = None
        if len(urns) and not bool((urns[1:] >= urns[:-1]).all()):
            order = np.argsort(urns, kind="stable").astype(np.int32 if len(urns) < 2 ** 31 else np.int64)
            urns = urns[order]
        schools, first = np.unique(urns, return_index=True)
        return schools, np.append(first, len(urns)), order


def _published_sd(store: Store, year: int, measure: str) -> float | None:
    """DfE's national SD of the measure's pupil scores for the year, where imported (as the SQL path reads it)."""
    sd = store.query_file("published_sd", [year, measure])
    return float(sd["sd"][0]) if len(sd) else None


def value_added_estimates(store: Store, year: int, subject: Subject) -> pd.DataFrame:
    """Each prior-attainment group's expected outcome and spread for the subject (group, estimate, sd, n,
    source): DfE's published estimates where imported, otherwise the store's own pupils' means, as
    worked out when the pupils were written."""
    return store.query_file("value_added_estimates_for", [year, subject.key_stage, subject.outcome, subject.measure,
                                                          KS4_GROUPS])


def capping_note(store: Store, year: int, measure: str) -> str | None:
    """Which prior-attainment groups' extreme scores were not capped, and why; None when every group was
    (or the store has no pupils for the measure and year)."""
    subject = SUBJECTS[measure]
    estimates = value_added_estimates(store, year, subject)
    groups = uncapped_groups(estimates) if subject.cap and not estimates.empty else []
    if not groups:
        return None
    label = MEASURES_BY_CODE[measure].label
    return (f"{label} {year}: extreme scores in prior-attainment group{'s' if len(groups) > 1 else ''} "
            f"{', '.join(map(str, groups))} were not capped. The store holds fewer than 30 of their pupils, too "
            "few for a stable spread, and no DfE caps were imported for them.")


def is_synthetic(store: Store) -> bool:
    """Whether the store is the synthetic demo: a whole fictional England, so its national figures are national."""
    return bool(store.query_file("is_synthetic")["synthetic"][0])


def band_cutoffs(store: Store, year: int, measure: str, rows: pd.DataFrame) -> Cutoffs | None:
    """Where "well above" and "well below" begin: ±0.5 for Progress 8; for KS2, DfE's national cut-offs for
    the year (reference.KS2_PROGRESS_CUTOFFS), or on the synthetic demo its whole fictional England's top and
    bottom 10% of schools. None where DfE's are not known: never the deciles of whatever schools are in the store."""
    known = MEASURES_BY_CODE[measure].band_cutoffs(year)
    if known is not None:
        return known
    if is_synthetic(store):
        return decile_cutoffs(rows["va"], 1, "the fictional England's top and bottom 10% of schools")
    return None


def published_bands(store: Store, year: int, measure: str) -> pd.Series | None:
    """The band DfE published for each school (by URN; <NA> where it published none, as for SUPP), or None
    where the year's files carried no bands for the measure."""
    band = MEASURES_BY_CODE[measure].published_band
    if band is None:
        return None
    rows = store.query_file("results_for_measure", [year, band])
    if rows.empty:
        return None
    return rows.set_index("urn")["value"].astype("Int64")


def pupil_value_added(store: Store, year: int, measure: str = "ks4_p8", lens: str = "official",
                      with_ids: bool = True) -> PupilValueAdded:
    """Pupil scores for every pupil of the key stage in a year (national estimates need them all).
    Without ids (school figures only), the slowest column to fetch is left out."""
    if lens not in LENSES:
        raise BenchmarkingError(f"The lens must be official or contextual, not {lens!r}.")
    subject = SUBJECTS[measure]
    sql = sql_text("pupils_for_value_added").replace("{outcome}", subject.outcome)
    pupils = store.query(sql.replace("{pupil_id}", "pupil_id, " if with_ids else ""), [year, subject.key_stage])
    if pupils.empty:
        raise BenchmarkingError(f"The store has no {subject.key_stage} pupils for {year}.")
    groups = pupils.pop("prior_group").to_numpy()
    estimates = value_added_estimates(store, year, subject)
    if estimates.empty:
        raise BenchmarkingError(f"The store has no {subject.key_stage} pupils with prior attainment for {year}.")
    source = estimates["source"].iloc[0]
    published_sd = _published_sd(store, year, measure)
    scores = pupil_scores(groups, pupils["outcome"], estimates, scale=subject.scale, cap=subject.cap)
    national_sd = published_sd if published_sd is not None else float(np.nanstd(scores["score"], ddof=1))
    if lens == "contextual":
        design = pupil_context_design(pupils, scores["expected"])
        _, expected = contextual_fit(design, pupils["outcome"])
        scores = pd.DataFrame({"expected": expected, "actual": pupils["outcome"].to_numpy(dtype=float)})
        scores["score"] = (scores["actual"] - scores["expected"]) / subject.scale
        national_sd = float(np.nanstd(scores["score"], ddof=1))
        source = "contextual model fitted to the store's pupils"
    frame = pd.concat([pupils.drop(columns=["outcome"]), scores], axis=1)
    return PupilValueAdded(measure, year, lens, frame, national_sd, source)


def schools_from_pupils(store: Store, year: int, measure: str = "ks4_p8") -> pd.DataFrame:
    """Official value added for every school from its pupils, as the store worked it out when the pupils
    (or DfE's published estimates or SD) were last written: the formulas of value_added.py, in DuckDB."""
    rows = store.query_file("school_value_added_stored", [year, measure])
    rows["lens"] = "official"
    return rows


def work_out_schools_from_pupils(store: Store, year: int, measure: str = "ks4_p8") -> pd.DataFrame:
    """The same figures worked out now, in one DuckDB pass over the year's pupils (what each write runs)."""
    sql, params = school_value_added_query(SUBJECTS[measure], [year])
    return store.query(sql + " ORDER BY urn", params)


def _school_rows_from_pupils(va: PupilValueAdded) -> pd.DataFrame:
    out = school_value_added(va.pupils[["urn", "year"]], va.pupils[["expected", "actual", "score"]], va.national_sd)
    out["measure"], out["lens"], out["source"] = va.measure, va.lens, va.estimates_source
    return out


CONTEXT_COLUMNS = ("pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp")


def _published_rows(store: Store, year: int, measure: str, lens: str) -> pd.DataFrame:
    """School-level figures from imported files: published value added or a regression across schools."""
    frame = store.query_file("school_value_added_published", [year, measure])
    if frame.empty:
        return frame
    if measure == "ks4_p8":
        frame["expected"] = frame["att8"] - 10 * frame["uncapped"]
        frame["actual"] = frame["att8"]
    else:
        frame["expected"] = frame["actual"] = np.nan
    frame["source"] = "published"
    if lens == "contextual" and measure == "ks4_p8":
        national_sd = recover_national_sd(frame["ci_low"], frame["ci_high"], frame["n"])
        design = frame[["expected", "pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp"]]
        _, predicted = contextual_fit(design, frame["actual"])
        frame["expected"] = predicted
        frame["va"] = (frame["actual"] - predicted) / 10
        frame["ci_low"], frame["ci_high"] = confidence_interval(frame["va"], frame["n"], national_sd)
        frame["source"] = "regression across schools on prior attainment and context"
    elif lens == "contextual":
        # A published progress score already allows for prior attainment: what context predicts of it across
        # schools is taken off, and the published interval moves with the score.
        _, predicted = contextual_fit(frame[list(CONTEXT_COLUMNS)], frame["va"])
        frame["va"], frame["ci_low"], frame["ci_high"] = (frame[c] - predicted for c in ("va", "ci_low", "ci_high"))
        frame["source"] = "published score less what its context predicts, a regression across schools"
    frame["lens"] = lens
    return frame


def pupils_exist(store: Store, year: int, key_stage: str) -> bool:
    """Whether the store holds pupils of the key stage for the year (else value added is school-level)."""
    return bool(store.query_file("pupils_exist", [year, key_stage])["found"][0])


def school_value_added_table(store: Store, year: int | None = None, phase: str | None = None,
                             urn: int | None = None, lens: str = "official") -> pd.DataFrame:
    """One row per school and measure: urn, year, measure, expected, actual, va, ci_low, ci_high, n, band,
    plus lens and source. The attainment-in-context lens gives the phase's attainment measures instead (it is
    not a progress measure, so has no band). NoProgressMeasure, with DfE's reason, for a year without any."""
    if lens not in TABLE_LENSES:
        raise BenchmarkingError(f"The lens must be one of {', '.join(TABLE_LENSES)}, not {lens!r}.")
    year = year or store.latest_year()
    if lens == ATTAINMENT_LENS:
        return _attainment_table(store, year, phase, urn)
    measures = phase_named(phase).value_added if phase else tuple(SUBJECTS)
    frames = []
    for measure in measures:
        subject = SUBJECTS[measure]
        if no_progress_reason(subject.key_stage, year):
            continue  # a cohort with no prior attainment: DfE published no progress measure (nor does this)
        if pupils_exist(store, year, subject.key_stage):
            if lens == "official":
                rows = schools_from_pupils(store, year, measure)
            else:
                rows = _school_rows_from_pupils(pupil_value_added(store, year, measure, lens, with_ids=False))
        else:
            rows = _published_rows(store, year, measure, lens)
        if rows.empty:
            continue
        rows = suppress_small(rows, ["expected", "actual", "va", "ci_low", "ci_high"])
        rows["band"] = bands(rows["va"], rows["ci_low"], rows["ci_high"],
                             band_cutoffs(store, year, measure, rows)).to_numpy()
        published = published_bands(store, year, measure) if lens == "official" else None
        if published is not None:
            # DfE's own band where it published one; none where it published none (SUPP: UTCs, studio schools).
            from_file = (rows["source"] == "published").to_numpy()
            rows.loc[from_file, "band"] = rows.loc[from_file, "urn"].map(published).astype("Int64").to_numpy()
        frames.append(rows)
    if not frames:
        reasons = list(dict.fromkeys(filter(None, (no_progress_reason(SUBJECTS[m].key_stage, year) for m in measures))))
        if reasons:
            raise NoProgressMeasure(" ".join(reasons))
        raise BenchmarkingError(f"No value added in the store for {year}.")
    return school_table(pd.concat(frames, ignore_index=True), urn, "value added", year)


def _attainment_table(store: Store, year: int, phase: str | None, urn: int | None) -> pd.DataFrame:
    """Attainment in context for one phase, or for both (a phase the store has too few schools of is left out)."""
    if phase:
        return attainment_in_context(store, year, phase, urn)
    frames = []
    for name in PHASES:
        try:
            frames.append(attainment_in_context(store, year, name, urn))
        except BenchmarkingError:
            continue
    if not frames:
        raise BenchmarkingError(f"No attainment in context for {year}" + (f" for URN {urn}." if urn else "."))
    return pd.concat(frames, ignore_index=True)


def pupil_group_comparison(store: Store, urn: int, year: int, measure: str = "ks4_p8",
                           club: list[int] | None = None) -> pd.DataFrame:
    """The school's pupil groups (disadvantaged, SEN, EAL, sex, prior attainment band) each beside the same
    group nationally and in its club, with n and CI; groups under 6 pupils are suppressed."""
    return group_comparison(pupil_value_added(store, year, measure), urn, club)


def national_groups(va: PupilValueAdded) -> pd.DataFrame:
    """Every pupil group's value added nationally: the yardstick every school's groups are set against."""
    return group_value_added(pd.DataFrame({"scope": ["national"] * len(va.pupils)}), va.group_labels(), va.pupils,
                             va.national_sd)


def school_group_sums(va: PupilValueAdded, urns: list[int] | None = None) -> GroupSums:
    """Each school's pupil-group sums for the year, for the given schools or every school. The dashboard
    works them out once a year, so a school's and its club's groups are sums of a few rows rather than
    passes over half a million pupils."""
    if urns is None:
        return GroupSums.of(group_sums(va.pupils[["urn"]], va.group_labels(), va.pupils))
    pupils = va.pupils[va.pupils["urn"].isin(urns).to_numpy()]
    return GroupSums.of(group_sums(pupils[["urn"]], pupil_group_labels(pupils), pupils))


def same_groups(figures: pd.DataFrame, groups: pd.DataFrame, stats: tuple[str, ...]) -> dict[str, np.ndarray]:
    """`figures`' stats (one row per grouping and group) for each of `groups`' rows, NaN for a group it lacks:
    a look-up of a few dozen groups, where a MultiIndex reindex costs a page view a millisecond."""
    at = {key: i for i, key in enumerate(zip(figures["grouping"], figures["group"]))}
    rows = np.array([at.get(key, -1) for key in zip(groups["grouping"], groups["group"])], dtype=int)
    found = rows >= 0
    out = {}
    for stat in stats:
        values = np.full(len(rows), np.nan)
        values[found] = figures[stat].to_numpy(dtype=float)[rows[found]]
        out[stat] = values
    return out


def group_comparison(va: PupilValueAdded, urn: int, club: list[int] | None = None,
                     national: pd.DataFrame | None = None, sums: GroupSums | None = None) -> pd.DataFrame:
    """pupil_group_comparison on pupil scores already worked out (the dashboard caches them, the national
    groups, which are the same for every school, and every school's group sums). One row for each group
    the school has pupils in, with the school's, the nation's and the club's n, value added and CI."""
    national = national_groups(va) if national is None else national
    if not va.has_school(urn):
        raise BenchmarkingError(f"The store has no {SUBJECTS[va.measure].key_stage} pupils of URN {urn} for {va.year}.")
    club = list(club or [])
    sums = school_group_sums(va, [urn] + club) if sums is None else sums
    n, total = sums.totals([urn])
    mine = n > 0
    groups = sums.groups[mine].reset_index(drop=True)
    scopes = {"school": group_scores(n[mine], total[mine], va.national_sd),
              "national": same_groups(national, groups, ("n", "va", "ci_low", "ci_high")),
              "club": group_scores(*(part[mine] for part in sums.totals(club)), va.national_sd)}
    # The same columns with or without a club (blank without one), made in one frame, not added one by one.
    return pd.DataFrame({**{c: groups[c].array for c in groups.columns},
                         **{f"{scope}_{stat}": values for scope, stats in scopes.items() for stat, values in stats.items()}})


def pooled_table(store: Store, urn: int | None = None, phase: str = "secondary", years: list[int] | None = None) -> pd.DataFrame:
    """Value added pooled over the store's years (or the given ones), cohort-weighted, per school and measure;
    years DfE published no progress measure for are skipped."""
    key_stage = phase_named(phase).key_stage
    all_years = progress_years(key_stage, years or store.query_file("result_years")["year"].tolist())
    return pool_rows(pd.concat([school_value_added_table(store, y, phase) for y in all_years], ignore_index=True), urn)


def pool_rows(rows: pd.DataFrame, urn: int | None = None) -> pd.DataFrame:
    """pooled_table on yearly rows already worked out (the dashboard caches each year)."""
    if urn is not None:
        rows = rows[rows["urn"] == urn]
    pooled = [pooled_value_added(group).assign(measure=measure) for measure, group in rows.groupby("measure")]
    return pd.concat(pooled, ignore_index=True) if pooled else pd.DataFrame()


def funnel_points(table: pd.DataFrame, names: pd.DataFrame, measure: str, host: int | None,
                  members: list[int] | None = None, centre_on_schools: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A funnel plot's points (urn, name, n, va, is_host: every school with the measure, or only `members`)
    and its limits, from the national pupil SD behind every school's interval (never the members' alone).
    The limits are centred on 0, the national average, or with `centre_on_schools` on the schools' own
    pupil-weighted mean (special schools, whose average is far from the national one); limits.attrs["centre"]."""
    everyone = table[(table["measure"] == measure) & table["va"].notna()]
    if everyone.empty:
        raise BenchmarkingError(f"No school has {measure} value added to plot.")
    national_sd = recover_national_sd(everyone["ci_low"], everyone["ci_high"], everyone["n"])
    points = everyone if members is None else everyone[everyone["urn"].isin(members)]
    points = points.merge(names[["urn", "name"]], on="urn").assign(is_host=lambda f: f["urn"] == host)
    centre = pupil_weighted_mean(everyone["va"], everyone["n"]) if centre_on_schools else 0.0
    limits = funnel_limits(int(everyone["n"].max()), national_sd, centre)
    limits.attrs["centre"] = centre
    return points, limits
