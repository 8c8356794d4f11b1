"""Does the club work? Each member's change from before it joined to after, against the change at matched
schools that are not members: a difference-in-differences, with a 95% CI and an event study.

- The measure is the phase's main value added (Progress 8, KS2 maths progress); in the years DfE published
  none, the attainment-in-context score of the matching attainment measure, on the same scale (Attainment 8
  points / 10, KS2 maths scaled-score points), so that every year counts.
- Before is every year up to and including the year a school joined; after is every later year while it was
  a member (the club's work needs a year to show).
- Each member's comparison schools are its COMPARISONS nearest non-members on context (the similar-schools
  features of the joining year) and on the measure before joining, level and trend.
- A member's difference-in-differences is (its mean after - its mean before) minus the same for the mean of
  its comparison schools, over the same calendar years. The estimate is the mean over members; its CI is a t
  interval over members (each member and its comparison schools form one cluster, so the CI allows for the
  comparison schools' shared noise). The event study gives each year since joining the members' gap to their
  comparison schools, less their gap in the year of joining: the years before joining are a placebo, and should
  be 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import t as t_distribution

from .attainment_context import attainment_in_context
from .errors import BenchmarkingError
from .measures import MEASURES_BY_CODE
from .phases import phase as phase_named
from .similarity import SimilarityIndex, load_features
from .store import Store
from .va_report import NoProgressMeasure, school_value_added_table
from .value_added import SUBJECTS

COMPARISONS = 5
MIN_MEMBERS = 3


@dataclass
class Impact:
    club: str
    measure: str  # what the score is, in words
    estimate: float
    ci_low: float
    ci_high: float
    n_members: int
    n_comparison: int
    years_before: int
    years_after: int
    verdict: str
    planted: float | None = None
    event_study: pd.DataFrame = field(default_factory=pd.DataFrame)  # years_since_joining, estimate, ci_low, ci_high, members
    members: pd.DataFrame = field(default_factory=pd.DataFrame)  # urn, joined, left_in, did, comparison_urns

    def summary(self) -> dict:
        out = {"club": self.club, "measure": self.measure, "estimate": self.estimate, "ci_low": self.ci_low,
               "ci_high": self.ci_high, "n_members": self.n_members, "n_comparison": self.n_comparison,
               "years_before": self.years_before, "years_after": self.years_after, "verdict": self.verdict}
        if self.planted is not None:
            out["planted"] = self.planted
        return out


def yearly_scores(store: Store, phase: str, years: list[int]) -> pd.DataFrame:
    """Every school's score in every year (urn, year, score, source): value added, or in a year without it
    attainment in context on the value-added scale."""
    p = phase_named(phase)
    main = SUBJECTS[p.main_value_added]
    # In a year without it: the phase's stand-in (the same outcome) in context, on the value-added scale.
    stand_in = p.stand_in
    frames = []
    for year in years:
        try:
            table = school_value_added_table(store, year, phase)
            rows = table[table["measure"] == main.measure][["urn", "va"]].assign(source="value added")
        except NoProgressMeasure:
            context = attainment_in_context(store, year, phase)
            rows = context[context["measure"] == stand_in][["urn", "va"]].assign(
                va=lambda f: f["va"] / main.scale, source="attainment in context")
        except BenchmarkingError:
            continue
        frames.append(rows.rename(columns={"va": "score"}).assign(year=year))
    if not frames:
        raise BenchmarkingError(f"No {phase} scores in the store to measure impact with.")
    return pd.concat(frames, ignore_index=True).dropna(subset=["score"])


def score_grid(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores as one row per school and one column per year."""
    return scores.pivot_table(index="urn", columns="year", values="score")


def level_and_trend(wide: pd.DataFrame, before: list[int]) -> pd.DataFrame:
    """Each school's mean score over the years before joining and its least-squares slope per year (0 with
    fewer than two years)."""
    y = wide.reindex(columns=before).to_numpy(dtype=float)
    seen = ~np.isnan(y)
    x = np.broadcast_to(np.array(before, dtype=float), y.shape)
    n = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean = np.where(seen, x, 0).sum(axis=1) / n
        y_mean = np.where(seen, y, 0).sum(axis=1) / n
        dx = np.where(seen, x - x_mean[:, None], 0)
        sxx = (dx ** 2).sum(axis=1)
        slope = np.where(sxx > 0, (dx * np.where(seen, y - y_mean[:, None], 0)).sum(axis=1) / sxx, 0.0)
    return pd.DataFrame({"level": y_mean, "trend": slope}, index=wide.index)


def comparison_space(wide: pd.DataFrame, index: SimilarityIndex, before: list[int]) -> pd.DataFrame:
    """Every school with context and scores before joining, on its context (the similar-schools features, scaled
    as that engine scales them) and its scores' level and trend before joining, standardised: where comparison
    schools are looked for. The same for every member that joined in the same year."""
    context = pd.DataFrame(index.z.to_numpy(), index=index.urns, columns=index.used)
    frame = context.join(level_and_trend(wide, before), how="inner").dropna()
    return (frame - frame.mean()) / frame.std().replace(0, 1)


def matched_comparisons(space: pd.DataFrame, wide: pd.DataFrame, member: int, after: list[int], excluded: set[int],
                        k: int = COMPARISONS) -> list[int]:
    """The k non-members nearest the member in the comparison space, among schools with a score after joining."""
    if member not in space.index:
        return []
    distance = np.sqrt(((space - space.loc[member]) ** 2).sum(axis=1))
    scored_after = wide.reindex(columns=after).notna().any(axis=1)
    keep = ~distance.index.isin(list(excluded)) & scored_after.reindex(distance.index, fill_value=False).to_numpy()
    return [int(u) for u in distance[keep].sort_values(kind="stable").index[:k]]


def difference_in_differences(wide: pd.DataFrame, member: int, comparisons: list[int], before: list[int],
                              after: list[int]) -> float:
    """(member's mean after - mean before) - (the comparison schools' mean of the same), over the same years;
    NaN without a score on both sides."""
    def change(urns) -> float:
        rows = wide.reindex(index=urns)
        return float(rows.reindex(columns=after).mean(axis=1).mean() - rows.reindex(columns=before).mean(axis=1).mean())

    return change([member]) - change(comparisons)


def t_interval(values) -> tuple[float, float, float]:
    """Mean and 95% t interval over clusters (members)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return (float(values.mean()) if len(values) else np.nan), np.nan, np.nan
    mean = float(values.mean())
    half = float(t_distribution.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def club_impact(store: Store, club: str, k: int = COMPARISONS, scores: pd.DataFrame | None = None) -> Impact:
    """The club's measured impact (see the module's docstring). `scores`: yearly_scores for the club's phase,
    when several clubs are measured at once."""
    from .club_store import club_details

    record, members = club_details(store, club)
    phase = record["phase"]
    years = sorted(int(y) for y in store.query_file("result_years")["year"])
    if scores is None:
        scores = yearly_scores(store, phase, years)
    wide = score_grid(scores)
    spaces: dict[int, pd.DataFrame] = {}  # by year of joining
    sources = scores.groupby("source")["year"].unique()
    label = MEASURES_BY_CODE[phase_named(phase).main_value_added].label
    if "attainment in context" in sources:
        label += " (attainment in context, on the same scale, in " + ", ".join(map(str, sorted(sources["attainment in context"]))) + ")"
    all_members = set(members["urn"].astype(int))
    rows, gaps = [], []
    for member in members.itertuples():
        joined = int(member.joined)
        last = int(member.left_in) - 1 if pd.notna(member.left_in) else max(years)
        before = [y for y in years if y <= joined]
        after = [y for y in years if joined < y <= last]
        mine = wide.reindex(index=[member.urn]).iloc[0]
        if mine.reindex(before).isna().all() or mine.reindex(after).isna().all():
            continue
        if joined not in spaces:
            spaces[joined] = comparison_space(wide, SimilarityIndex(load_features(store, joined, phase)), before)
        comparisons = matched_comparisons(spaces[joined], wide, int(member.urn), after, all_members, k)
        if not comparisons:
            continue
        did = difference_in_differences(wide, int(member.urn), comparisons, before, after)
        rows.append({"urn": int(member.urn), "joined": joined, "left_in": member.left_in, "did": did,
                     "comparison_urns": comparisons})
        gap = wide.reindex(index=[int(member.urn)]).iloc[0] - wide.reindex(index=comparisons).mean()
        baseline = gap.get(joined, np.nan)  # the joining year is the reference: earlier years are the placebo
        if pd.isna(baseline):
            baseline = gap.reindex(before).mean()
        for year in before + after:
            if pd.notna(gap.get(year)):
                gaps.append({"urn": int(member.urn), "years_since_joining": year - joined, "gap": gap[year] - baseline})
    used = pd.DataFrame(rows)
    planted = _planted(store, club)
    if len(used) < MIN_MEMBERS:
        return Impact(club, label, np.nan, np.nan, np.nan, len(used),
                      len({u for r in rows for u in r["comparison_urns"]}), 0, 0,
                      f"Too few members with scores before and after joining to tell ({len(used)}; "
                      f"{MIN_MEMBERS} or more are needed).", planted, pd.DataFrame(), used)
    estimate, low, high = t_interval(used["did"])
    events = pd.DataFrame(gaps)
    study = [{"years_since_joining": int(e), "members": len(part), **dict(zip(("estimate", "ci_low", "ci_high"),
                                                                          t_interval(part["gap"])))}
             for e, part in events.groupby("years_since_joining")]
    study = pd.DataFrame(study)
    before_n = int((study["years_since_joining"] <= 0).sum())
    after_n = int((study["years_since_joining"] > 0).sum())
    if low > 0:
        verdict = "Members improved significantly more than their matched comparison schools."
    elif high < 0:
        verdict = "Members did significantly worse than their matched comparison schools."
    else:
        verdict = "No clear difference: the 95% CI includes 0."
    comparison_n = len({u for r in rows for u in r["comparison_urns"]})
    return Impact(club, label, estimate, low, high, len(used), comparison_n, before_n, after_n, verdict, planted,
                  study, used)


def _planted(store: Store, club: str) -> float | None:
    """The effect planted in a synthetic club (None for a real store)."""
    try:
        found = store.query_file("planted_club_effect", [club])
    except Exception:  # a store made before schema 10 has no truth of clubs
        return None
    return float(found["effect"][0]) if len(found) else None

