"""Similar schools: each school's nearest neighbours on intake and context, from every LA in the store.

Features are standardised within the pool (one phase, mainstream or special, one year), weighted, and
compared by weighted Euclidean distance. Every neighbour comes with each feature's share of its distance,
so a head can say "they are like us because...".
"""
from __future__ import annotations

import math
from functools import cached_property
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .directory import school_pool
from .errors import BenchmarkingError
from .measures import in_sentence
from .nearest import Shortlist, tree_nearest
from .percentiles import median_of_known
from .phases import K_RANGE, PHASES
from .phases import phase as phase_named
from .store import Store

FEATURES = ("prior_attainment", "pct_disadvantaged", "pct_eal", "pct_sen_support", "pct_ehcp", "log_pupils_on_roll",
            "area_deprivation")
# Context the store may or may not hold: used only when most of the pool has it.
OPTIONAL_FEATURES = ("area_deprivation",)
OPTIONAL_COVERAGE = 0.5
FEATURE_LABELS = {
    "prior_attainment": "Cohort prior attainment",
    "pct_disadvantaged": "% disadvantaged",
    "pct_eal": "% EAL",
    "pct_sen_support": "% SEN support",
    "pct_ehcp": "% EHC plan",
    "log_pupils_on_roll": "Pupils on roll (log scale)",
    "area_deprivation": "Area deprivation (IDACI percentile)",
}
# Where a store has only headline KS4 files (no KS2 average), the cohort's expected Attainment 8 stands in.
STANDIN_SOURCE = "expected Attainment 8 (ATT8SCR - 10 x P8MEA_ORIG, the uncapped Progress 8)"
STANDIN_LABEL = "Cohort prior attainment (expected Attainment 8, not a KS2 score)"
# Where a cohort has no prior attainment at all, the school's most recent earlier cohort's stands in: its KS2
# (or KS1) average where a file gave one, else (KS4) that cohort's expected Attainment 8.
EARLIER_SOURCE = "the most recent earlier cohort's prior attainment (this cohort has none)"
EARLIER_LABEL = "Earlier cohort's prior attainment (this cohort has none)"
EARLIER_STANDIN_SOURCE = "the most recent earlier cohort's expected Attainment 8 (this cohort has no KS2 results)"
EARLIER_STANDIN_LABEL = "Earlier cohort's expected Attainment 8 (this cohort has no KS2 results)"
# Where neither this cohort nor an earlier one in the store has any, schools are matched on context alone.
NO_PRIOR_SOURCE = "none"
NO_PRIOR_NOTE = ("No prior attainment for this cohort or an earlier one in the store (no KS2 tests in 2020 and 2021, "
                 "no KS1 assessments in 2020 and 2021): schools are matched on their context alone.")
# Size is matched on a log scale but shown to people as a count.
DISPLAY_COLUMNS = {"log_pupils_on_roll": "pupils_on_roll"}
DISPLAY_LABELS = {"log_pupils_on_roll": "Pupils on roll"}
# Prior attainment and disadvantage predict outcomes most strongly; EAL shapes how a school works and
# varies most between places; SEN, EHC plans and size matter less. EAL and EHC-plan shares are very
# skewed (many schools near 0%), so they are compared on a log(1 + %) scale, where 1% and 6% differ.
# With these settings, on the real 2018-19 England file, 93% of mixed schools get a group of 20 tighter than
# their own LA on every feature, with 95% of neighbours from other LAs (docs/statistics.md, tests/test_similarity.py).
# Area deprivation (the school's own small area, where the store has it) adds where the school is.
DEFAULT_WEIGHTS = {"prior_attainment": 1.0, "pct_disadvantaged": 1.0, "pct_eal": 1.2, "pct_sen_support": 0.5,
                   "pct_ehcp": 0.5, "log_pupils_on_roll": 0.5, "area_deprivation": 0.4}
LOG_SCALED = ("pct_eal", "pct_ehcp")
# A school without these cannot be placed among similar schools at all.
REQUIRED_FEATURES = ("prior_attainment", "pct_disadvantaged")
DEFAULT_K = PHASES["secondary"].default_k


def feature_label(feature: str, prior_source: str = "published") -> str:
    """How a feature is named to people; prior attainment says when expected Attainment 8 stands in for it
    (it is on another scale from a KS2 score: 48.2, not 103)."""
    if feature == "prior_attainment" and prior_source == STANDIN_SOURCE:
        return STANDIN_LABEL
    if feature == "prior_attainment" and prior_source == EARLIER_SOURCE:
        return EARLIER_LABEL
    if feature == "prior_attainment" and prior_source == EARLIER_STANDIN_SOURCE:
        return EARLIER_STANDIN_LABEL
    return DISPLAY_LABELS.get(feature, FEATURE_LABELS[feature])


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """Every feature's weight (the defaults where none is given): known features, finite and not negative,
    at least one above zero."""
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise BenchmarkingError(f"Unknown feature {sorted(unknown)[0]!r} in the weights. Features: {', '.join(FEATURES)}.")
    out = dict(DEFAULT_WEIGHTS) | {name: float(value) for name, value in weights.items()}
    for name, value in out.items():
        if not math.isfinite(value) or value < 0:
            raise BenchmarkingError(f"The weight for {name} must be a number of 0 or more, not {value}.")
    if not any(out.values()):
        raise BenchmarkingError("At least one weight must be above zero.")
    return out


def parse_weights(text: str | None) -> dict[str, float]:
    """Weights from 'name=w,name=w' (others keep their defaults); unknown names are an error."""
    weights: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in FEATURES:
            raise BenchmarkingError(f"Unknown feature {name!r} in --weights. Features: {', '.join(FEATURES)}.")
        try:
            weights[name] = float(value)
        except ValueError:
            raise BenchmarkingError(f"The weight for {name} must be a number, not {value.strip()!r}.") from None
    return check_weights(weights)


def load_features(store: Store, year: int, phase: str = "secondary", mainstream: bool = True) -> pd.DataFrame:
    """Each school's features for a phase and year, with its name and LA. Reads the store."""
    key_stage, prior_measure = phase_named(phase).key_stage, phase_named(phase).prior_measure
    frame = store.query_file("similarity_features", [year, key_stage, prior_measure])
    frame = frame[frame["mainstream"] == mainstream].reset_index(drop=True)
    coverage = {c: frame[c].notna().mean() if len(frame) else 0.0 for c in ("prior_published", "prior_standin")}
    if coverage["prior_published"] >= 0.5 or (key_stage == "KS2" and coverage["prior_published"] > 0):
        frame["prior_attainment"], source = frame["prior_published"], "published"
    elif coverage["prior_standin"] >= 0.5:
        frame["prior_attainment"], source = frame["prior_standin"], STANDIN_SOURCE
    else:
        # A cohort with no prior attainment (no KS2 tests in 2020 and 2021, no KS1 in 2020 and 2021): the school's
        # most recent earlier cohort's stands in, as the best guide to its intake; without one, there is none.
        earlier, source = earlier_prior(store, year, phase)
        frame = frame.merge(earlier[["urn", "earlier_prior"]], on="urn", how="left")
        frame["prior_attainment"] = frame.pop("earlier_prior")
        if frame["prior_attainment"].notna().mean() < OPTIONAL_COVERAGE if len(frame) else True:
            frame["prior_attainment"], source = np.nan, NO_PRIOR_SOURCE
    roll = frame["pupils_on_roll"].astype(float)
    frame["log_pupils_on_roll"] = np.log(roll.where(roll > 0))
    frame.attrs.update(year=year, phase=phase, mainstream=mainstream, prior_source=source)
    return frame.drop(columns=["prior_published", "prior_standin"])


def earlier_prior(store: Store, year: int, phase: str) -> tuple[pd.DataFrame, str]:
    """Each school's most recent earlier cohort's prior attainment (urn, earlier_prior, earlier_prior_year) and
    what it is: the cohort's KS2 (or KS1) average where files gave it for most schools, else, for KS4, that
    cohort's expected Attainment 8 (a stand-in on another scale: never mixed with the averages in one pool)."""
    published = store.query_file("earlier_prior_attainment", [year, phase_named(phase).prior_measure])
    if phase_named(phase).key_stage != "KS4":
        return published, EARLIER_SOURCE
    standin = store.query_file("earlier_expected_attainment", [year])
    if len(published) >= OPTIONAL_COVERAGE * len(standin):
        return published, EARLIER_SOURCE
    return standin, EARLIER_STANDIN_SOURCE


@dataclass
class SimilarGroup:
    """One school's similar schools, with the why."""
    urn: int
    year: int
    phase: str
    features: list[str]
    weights: dict[str, float]
    neighbours: pd.DataFrame  # urn, name, la_code, la_name, rank, distance, contributions, feature values
    school: pd.Series  # the school's own row
    matched_without: list[str] = field(default_factory=list)  # features the school lacks
    prior_source: str = "published"  # or STANDIN_SOURCE where expected Attainment 8 stands in
    matching: dict[str, bool] = field(default_factory=dict)  # sex, admissions: whether neighbours share them

    def nearest(self, k: int) -> "SimilarGroup":
        """The same group cut to its k most similar schools (as neighbours(urn, k) with the same settings): the
        group itself where it has no more than k."""
        return self if k >= len(self.neighbours) else replace(self, neighbours=self.neighbours.head(k))

    @property
    def note(self) -> str | None:
        """What a reader must know about how the group was matched, beyond the school's own missing features."""
        return NO_PRIOR_NOTE if self.prior_source == NO_PRIOR_SOURCE else None

    def comparison(self) -> pd.DataFrame:
        """The school's own values beside the group's median, feature by feature, with the decimals to show
        (a count of pupils has none). Worked out once per group (a group is shared by every page and visitor
        of its school): read it, never change it."""
        return self._comparison

    @cached_property
    def _comparison(self) -> pd.DataFrame:
        shown = {f: DISPLAY_COLUMNS.get(f, f) for f in FEATURES if f in self.features or f in self.matched_without}
        columns = list(shown.values())  # the frame made from its columns: a third quicker than from rows
        return pd.DataFrame({"feature": list(shown), "label": [feature_label(f, self.prior_source) for f in shown],
                             "school": [self.school[column] for column in columns],
                             "group_median": [median_of_known(self.neighbours[column].to_numpy(dtype=float, na_value=np.nan))
                                              for column in columns],
                             "digits": [0 if column == "pupils_on_roll" else 1 for column in columns]})

    def to_dict(self) -> dict:
        return {
            "urn": self.urn, "year": self.year, "phase": self.phase, "features": self.features,
            "weights": {f: self.weights[f] for f in self.features}, "matched_without": self.matched_without,
            "matching": self.matching, "note": self.note,
            "neighbours": [
                {"urn": int(r.urn), "name": r.name, "la_code": int(r.la_code), "la_name": r.la_name,
                 "rank": int(r.rank), "distance": round(float(r.distance), 4),
                 "contributions": {f: round(float(v), 4) for f, v in r.contributions.items()}}
                for r in self.neighbours.itertuples()
            ],
        }


def _column_values(column: pd.Series):
    """A column's values to take a club's rows from: a numpy array where pandas holds one (a frame is made from it
    quicker than from pandas' wrapper of it), else pandas' own array (text)."""
    return column.array if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) else column.to_numpy()


class SimilarityIndex:
    """Standardised, weighted features of one pool of schools, ready for nearest-neighbour queries."""

    def __init__(self, features: pd.DataFrame, weights: dict[str, float] | None = None):
        self.weights = check_weights(dict(weights or {}))
        self.frame = features.reset_index(drop=True)
        self._columns = {column: _column_values(self.frame[column]) for column in self.frame.columns}
        coverage = self.frame.reindex(columns=list(FEATURES)).notna().mean() if len(self.frame) else pd.Series(0.0, index=FEATURES)
        # Optional context that most of the pool lacks is not used at all (and says so), rather than
        # flagging nearly every school as matched without it.
        self.prior_source = features.attrs.get("prior_source", "published")
        optional = OPTIONAL_FEATURES + (("prior_attainment",) if self.prior_source == NO_PRIOR_SOURCE else ())
        self.unavailable = [f for f in optional if coverage.get(f, 0) < OPTIONAL_COVERAGE]
        self.used = [f for f in FEATURES if self.weights.get(f, 0) > 0 and f not in self.unavailable]
        self.year = features.attrs.get("year")
        self.phase = features.attrs.get("phase", "secondary")
        values = self.frame.reindex(columns=list(FEATURES)).astype(float)
        values[list(LOG_SCALED)] = np.log1p(values[list(LOG_SCALED)].clip(lower=0))
        sd = values.std().replace(0, 1.0).fillna(1.0)
        self.z = ((values - values.mean()) / sd)[self.used]
        self.scaled = (self.z * np.sqrt([self.weights[f] for f in self.used])).to_numpy()
        self.present = ~np.isnan(self.scaled)
        required = [f for f in REQUIRED_FEATURES if f in FEATURES and f not in self.unavailable]
        missing_required = self.frame[required].isna()
        self.excluded = {
            int(urn): "no " + " and no ".join(in_sentence(FEATURE_LABELS[f]) for f in required if row[f])
            for urn, row in zip(self.frame["urn"], missing_required.to_dict("records")) if any(row.values())
        }
        self.position = {int(u): i for i, u in enumerate(self.frame["urn"])}
        self.la = self.frame["la_code"].to_numpy()
        self.urns = self.frame["urn"].to_numpy()
        # Who a school admits, and whether it is open: closed schools are never anyone's neighbours.
        self.sex = self._words("sex_of_entry")
        self.admissions = self._words("admissions")
        self.open = self.frame.get("is_open", pd.Series(True, index=self.frame.index)).fillna(True).to_numpy(dtype=bool)
        # Who can be matched at all (not excluded for want of a required feature), and who may be anyone's
        # neighbour (those of them that are open).
        self.matchable = ~np.isin(self.urns, np.fromiter(self.excluded, dtype=self.urns.dtype, count=len(self.excluded)))
        self.eligible = self.open & self.matchable
        self.shortlist: Shortlist | None = None  # see shortlist_groups

    def _matched_together(self) -> tuple[np.ndarray, np.ndarray]:
        """The schools whose groups come from one pool (complete on every feature, not excluded, neither single-sex
        nor selective: those are matched with their own kind) and that pool (every complete, open school)."""
        complete = self.present.all(axis=1) & self.matchable
        own_kind = np.isin(self.sex, ["boys", "girls"]) | (self.admissions == "selective")
        return np.flatnonzero(complete & ~own_kind), np.flatnonzero(complete & self.eligible)

    def shortlist_groups(self, k: int) -> None:
        """Find every ordinary school's nearest candidates at once (nearest.Shortlist), so that neighbours() with
        the default settings, for any k below k + 5, looks among a few dozen schools instead of the whole pool:
        worth it where many schools' groups are asked for (the dashboard), not for one."""
        rows, pool = self._matched_together()
        width = k + 5
        self.shortlist = Shortlist(self.scaled, rows, pool, width) if len(rows) and len(pool) > width + 1 else None

    def _words(self, column: str) -> np.ndarray:
        """A text column of the features ("unknown" where missing or absent), as an array to compare."""
        if column not in self.frame:
            return np.full(len(self.frame), "unknown", dtype=object)
        return self.frame[column].astype(object).where(self.frame[column].notna(), "unknown").to_numpy()

    def _row(self, urn: int) -> int:
        if urn not in self.position:
            raise BenchmarkingError(f"URN {urn} is not in the {self.year} pool of {self.phase} schools: it has no "
                                    f"published results for {self.year} (suppressed for too few pupils, or not in "
                                    "the store).")
        if urn in self.excluded:
            raise BenchmarkingError(f"URN {urn} cannot be matched for {self.year}: {self.excluded[urn]} in the store.")
        return self.position[urn]

    def matching(self, urn: int, match_sex: bool | None = None, match_admissions: bool | None = None) -> dict[str, bool]:
        """Whether a school's neighbours must share its sex of entry and its admissions: on by default for
        single-sex and for selective schools, whose heads would not accept mixed or comprehensive peers."""
        i = self._row(urn)
        return {"sex": bool(self.sex[i] in ("boys", "girls")) if match_sex is None else bool(match_sex),
                "admissions": bool(self.admissions[i] == "selective") if match_admissions is None
                else bool(match_admissions)}

    def neighbours(self, urn: int, k: int = DEFAULT_K, las: set[int] | None = None,
                   max_own_la: int | None = None, match_sex: bool | None = None,
                   match_admissions: bool | None = None) -> SimilarGroup:
        """The k most similar schools to `urn`; ties go to the lower URN. Closed schools are never among them;
        single-sex and selective schools are matched with their own kind unless told otherwise."""
        if not K_RANGE[0] <= k <= K_RANGE[1]:
            raise BenchmarkingError(f"k must be between {K_RANGE[0]} and {K_RANGE[1]}, not {k}.")
        i = self._row(urn)
        have = self.present[i]
        matching = self.matching(urn, match_sex, match_admissions)
        candidates = None
        if self.shortlist and not (las or max_own_la is not None or matching["sex"] or matching["admissions"]):
            candidates = self.shortlist.candidates(i, k)  # the same group, found among the school's short list
            if candidates is not None:
                squared, distance = self._distances(i, have, candidates)
                if not self.shortlist.holds(i, distance, k):
                    candidates = None
        if candidates is None:
            usable = self.eligible & (self.present[:, have].all(axis=1) if not have.all() else True)
            usable[i] = False
            candidates = np.flatnonzero(usable)
            if matching["sex"]:
                candidates = candidates[self.sex[candidates] == self.sex[i]]
            if matching["admissions"]:
                candidates = candidates[self.admissions[candidates] == self.admissions[i]]
            if las:
                candidates = candidates[np.isin(self.la[candidates], list(las))]
            squared, distance = self._distances(i, have, candidates)
        if max_own_la is None and len(distance) > k:
            # Only the k nearest need sorting: every candidate as near as the k-th (ties included), by distance
            # then URN, exactly as a sort of them all would order them.
            nearest = distance <= np.partition(distance, k - 1)[k - 1]
            order = np.flatnonzero(nearest)[np.lexsort((self.urns[candidates[nearest]], distance[nearest]))]
        else:
            order = np.lexsort((self.urns[candidates], distance))
        if max_own_la is not None:
            own = self.la[candidates[order]] == self.la[i]
            order = order[~own | (np.cumsum(own) <= max_own_la)]
        chosen = order[:k]
        if len(chosen) == 0:
            kinds = []
            if matching["sex"]:
                kinds.append(f"{self.sex[i]} schools")
            if matching["admissions"]:
                kinds.append(f"{self.admissions[i]} schools")
            only = (f" among {' and '.join(kinds)} (matching on sex of entry or admissions can be turned off)" if kinds
                    else " under these settings")
            raise BenchmarkingError(f"No schools to compare URN {urn} with{only}.")
        used_here = [f for f, h in zip(self.used, have) if h]
        total = distance[chosen][:, None]
        shares = np.divide(squared[chosen], total ** 2, out=np.zeros_like(squared[chosen]), where=total > 0)
        rows = candidates[chosen]  # the frame made in one go from its columns: a third of the time of iloc and inserts
        neighbours = pd.DataFrame({"rank": np.arange(1, len(chosen) + 1)}
                                  | {column: values.take(rows) for column, values in self._columns.items()}
                                  | {"distance": distance[chosen],
                                     "contributions": [dict(zip(used_here, row)) for row in shares]})
        return SimilarGroup(urn=urn, year=self.year, phase=self.phase, features=used_here, weights=self.weights,
                            neighbours=neighbours, school=self.frame.iloc[i],
                            matched_without=[f for f, h in zip(self.used, have) if not h],
                            prior_source=self.prior_source, matching=matching)

    def _distances(self, i: int, have: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each candidate's squared difference from school i on each feature i has, and its distance."""
        squared = (self.scaled[candidates][:, have] - self.scaled[i, have]) ** 2
        return squared, np.sqrt(squared.sum(axis=1))

    def all_groups(self, k: int = DEFAULT_K) -> pd.DataFrame:
        """Every school's k nearest neighbours at once (urn, neighbour, rank, distance), from one k-d tree.

        Schools complete on every feature are matched in one tree of the open schools (nearest.tree_nearest); the
        few with a missing optional feature, and single-sex and selective schools, are matched one by one.
        """
        complete, pool = self._matched_together()
        rows = []
        width = min(k, len(pool) - 1)  # a school is never its own neighbour
        if width > 0 and len(complete):
            distance, index = tree_nearest(self.scaled, complete, pool, width)
            rows.append(pd.DataFrame({"urn": np.repeat(self.urns[complete], width),
                                      "neighbour": self.urns[index].ravel(),
                                      "rank": np.tile(np.arange(1, width + 1), len(complete)),
                                      "distance": distance.ravel()}))
        for i in np.setdiff1d(np.flatnonzero(self.matchable), complete):
            group = self.neighbours(int(self.urns[i]), k)
            rows.append(pd.DataFrame({"urn": self.urns[i], "neighbour": group.neighbours["urn"].to_numpy(),
                                      "rank": group.neighbours["rank"].to_numpy(),
                                      "distance": group.neighbours["distance"].to_numpy()}))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["urn", "neighbour", "rank", "distance"])


def similar_schools(store: Store, urn: int, year: int | None = None, k: int = DEFAULT_K,
                    weights: dict[str, float] | None = None, las: set[int] | None = None,
                    max_own_la: int | None = None, match_sex: bool | None = None,
                    match_admissions: bool | None = None) -> SimilarGroup:
    """A school's similar-schools group, from the store (the latest year the school has results if none given)."""
    phase, year, mainstream = school_pool(store, urn, year)
    index = SimilarityIndex(load_features(store, year, phase, mainstream), weights)
    return index.neighbours(urn, k, las=las, max_own_la=max_own_la, match_sex=match_sex,
                            match_admissions=match_admissions)


def stability(this_year: SimilarGroup, last_year: SimilarGroup) -> float:
    """Share of this year's group that was also in last year's group."""
    now = set(this_year.neighbours["urn"])
    return len(now & set(last_year.neighbours["urn"])) / len(now) if now else float("nan")
