"""What a school's pages show, as tables: its headline results ranked in its club and nationally, its
trend, and the directory to find it. Pure functions over the store's tables."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .bands import BAND_LABELS
from .measures import MEASURES_BY_CODE
from .numbers import interval, number
from .phases import VALUE_ADDED
from .phases import phase as phase_named
from .progress_gaps import no_progress_reason
from .percentiles import Scored, compared_among, median_of_known, national_scored, percentile_among
from .rank_interval import error_from_interval, rank_interval, rank_words
from .by_urn import RowsByUrn, at_urns
from .value_added import floats, sorted_rows
from .reference import MISSING_CODES
from .store import Store

_NONE = pd.Series(dtype=float)  # a measure no school has (never changed: read only)


def rank_among(value: float, others, higher_is_better: bool) -> tuple[int | None, int]:
    """A school's rank by its value among the others' values (missing ones left out): 1 is best, ties share
    the better rank; and how many were ranked, itself included. No rank without a value."""
    others = np.asarray(others, dtype=float)
    others = others[~np.isnan(others)]
    if np.isnan(value):
        return None, len(others)
    better = others > value if higher_is_better else others < value
    return int(better.sum()) + 1, len(others) + 1


def measure_reach(store: Store, year: int) -> dict[str, tuple[int, int]]:
    """Each measure's (schools, LAs) with a value that year, among state-funded mainstream schools."""
    frame = store.query_file("measure_reach", [year])
    return {r.measure: (int(r.schools), int(r.las)) for r in frame.itertuples()}


def values_by_measure(year_results: pd.DataFrame) -> dict[str, pd.Series]:
    """A year's results split by measure, each the schools' values indexed by URN (split once, read often)."""
    return {measure: rows.set_index("urn")["value"] for measure, rows in year_results.groupby("measure", sort=False)}


def year_values(store: Store, year: int, every_school: bool = False) -> dict[str, pd.Series]:
    """A year's results by measure (values_by_measure): of state-funded mainstream schools, the national
    comparison, or of every kind of school, where a club's members are read."""
    return values_by_measure(store.query_file("year_results_every_school" if every_school else "year_results", [year]))


def errors_by_measure(every_school: pd.DataFrame, national: pd.DataFrame,
                      spreads: dict[str, float] | None = None) -> dict[str, pd.Series]:
    """Each measure's standard errors for every school (rank_interval.standard_errors), indexed by URN: an
    average's pupil variance estimated from `national` (state-funded mainstream schools' rows of the year), or
    taken from `spreads` (year_spreads) where the year does not tell it."""
    from .rank_interval import national_pupil_sd, standard_errors

    by_measure = {measure: rows for measure, rows in national.groupby("measure", sort=False)}
    return {measure: standard_errors(measure, rows.set_index("urn"), national_pupil_sd(measure, by_measure, spreads))
            for measure, rows in every_school.groupby("measure", sort=False)}


def year_spreads(store: Store, year: int) -> dict[str, float]:
    """The pupil-level SDs a year's averages take where the year's own results do not tell them: each progress
    measure's in the nearest year the store has it (Attainment 8 in 2025 takes 2024's Progress 8 spread), and
    overall absence's from England's absence that year (rank_interval.absence_pupil_sd)."""
    from .rank_interval import absence_pupil_sd, nearest_year_spreads

    progress = sorted({m.spread_of for m in MEASURES_BY_CODE.values() if m.spread_of})
    spreads = nearest_year_spreads(store.query_file("progress_intervals_every_year", [progress]), year)
    england = dict(store.query_file("england_absence", [year]).itertuples(index=False))
    if {"absence_overall", "absence_persistent"} <= england.keys():
        spreads["absence_overall"] = absence_pupil_sd(england["absence_overall"], england["absence_persistent"])
    return spreads


def year_errors(store: Store, year: int) -> dict[str, pd.Series]:
    """errors_by_measure for a year of the store."""
    return errors_by_measure(store.query_file("year_results_every_school", [year]),
                             store.query_file("year_results", [year]), year_spreads(store, year))


def school_description(la_name: str, phase: str, mainstream: bool, is_open: bool, year: int) -> str:
    """The line under a school's name: "Camden · secondary · 2019", "Camden · special school, KS4 results · 2019",
    with "closed" where GIAS says the school has closed."""
    kind = phase if mainstream else f"special school, {phase_named(phase).key_stage} results"
    return " · ".join([la_name, kind, str(year)] + ([] if is_open else ["closed"]))


def headline_results(own: pd.DataFrame, national: dict[str, pd.Series], urn: int, club: list[int], phase: str,
                     mainstream: bool = True, measures: tuple[str, ...] | None = None,
                     club_values: dict[str, pd.Series] | None = None,
                     coverage: dict[str, tuple[int, int]] | None = None,
                     club_errors: dict[str, pd.Series] | None = None,
                     scored: dict[str, Scored] | None = None) -> pd.DataFrame:
    """The school's headline measures (`own`: its results that year): value, CI and pupils where published,
    rank in its club (the school and its similar schools) and national percentile among state-funded
    mainstream schools with the measure (`national`: values_by_measure). A special school is not ranked
    against them. `club_values`: every school's values (values_by_measure of every kind of school), where the
    club's are read: a special school's club is of special schools, whom `national` leaves out. `coverage`
    (measure_reach) says what each percentile is among: England, or only the store's schools. `club_errors`:
    every school's standard errors (errors_by_measure), from which each rank's 95% interval is simulated.
    `measures`: some of the phase's headline measures only (absence on Similar schools). `scored`:
    percentiles.national_scored of `national` and the phase, where a caller holds it for the year."""
    rows = []
    columns = {c: own[c].tolist() for c in own.columns}  # a few rows: lists, not to_dict's per-value work
    mine = {m: {c: values[i] for c, values in columns.items()} for i, m in enumerate(columns.get("measure", []))}
    scored = national_scored(national, phase) if scored is None else scored
    for measure in phase_named(phase).headline:
        if measures is not None and measure not in measures:
            continue
        among_schools = scored[measure]
        if measure not in mine and among_schools.rows == 0:
            continue
        spec = MEASURES_BY_CODE[measure]
        row = mine.get(measure)
        value = float(row["value"]) if row is not None and pd.notna(row["value"]) else np.nan
        members = at_urns(club_values.get(measure, _NONE) if club_values is not None
                          else compared_among(national, measure, phase), club)
        # Without a club there is nothing to rank against: no rank, rather than "1 of 1".
        rank, ranked = rank_among(value, members, bool(spec.higher_is_better)) if club else (None, 0)
        low = high = None
        errors = (club_errors or {}).get(measure, _NONE)
        own_error = float(at_urns(errors, [urn])[0])
        if rank is not None and club_errors is not None:
            low, high = rank_interval(value, own_error, members, at_urns(errors, club), bool(spec.higher_is_better))
        ends = among_schools.interval(value, own_error, bool(spec.higher_is_better)) if mainstream else (np.nan, np.nan)
        percentile = among_schools.percentile(value, bool(spec.higher_is_better)) if mainstream else None
        among = None  # what the percentile is among: the schools it was worked out from, in so many LAs
        if percentile is not None and not np.isnan(percentile):
            among = percentile_among(among_schools.values.size, (coverage or {}).get(measure, (0, 0))[1])
        rows.append((
            measure, spec.label, spec.digits, value,
            row["ci_low"] if row is not None else np.nan, row["ci_high"] if row is not None else np.nan,
            row["n"] if row is not None else pd.NA,
            (row["reason"] if row is not None else "NOT_PUBLISHED") if np.isnan(value) else None,
            rank, ranked, low, high, median_of_known(members), percentile, ends[0], ends[1], among,
        ))
    # Made from its columns: a frame from a list of dicts costs a third more, and this is on every first view.
    return pd.DataFrame(dict(zip(_HEADLINE_RESULT_COLUMNS, map(list, zip(*rows))))) if rows else pd.DataFrame()


_HEADLINE_RESULT_COLUMNS = ("measure", "label", "digits", "value", "ci_low", "ci_high", "n", "reason", "club_rank",
                            "club_size", "club_rank_low", "club_rank_high", "club_median", "national_percentile",
                            "percentile_low", "percentile_high", "percentile_among")


HEADLINE_COLUMNS = ["measure", "label", "value", "ci_low", "ci_high", "n", "rank", "rank_low", "rank_high", "of",
                    "similar_median",
                    "national_percentile", "percentile_low", "percentile_high", "percentile_among", "lower_is_better",
                    "reason"]


def school_headline(store: Store, urn: int, year: int | None = None) -> pd.DataFrame:
    """What My school's headline table shows for a school and year (its latest by default), one row per
    measure: value, CI and pupils, rank among it and its similar schools, their median, national percentile,
    and whether lower is better (absence). The school's pool and club are those of My school."""
    from .errors import BenchmarkingError
    from .directory import school_pool
    from .similarity import similar_schools

    phase, year, mainstream = school_pool(store, urn, year)
    try:
        club = similar_schools(store, urn, year, k=phase_named(phase).default_k).neighbours["urn"].astype(int).tolist()
    except BenchmarkingError:
        club = []
    own = school_year_results(store, urn, year)
    table = headline_results(own, year_values(store, year), urn, club, phase, mainstream,
                             club_values=year_values(store, year, every_school=True),
                             coverage=measure_reach(store, year), club_errors=year_errors(store, year))
    table = table.rename(columns={"club_rank": "rank", "club_size": "of", "club_median": "similar_median",
                                  "club_rank_low": "rank_low", "club_rank_high": "rank_high"})
    table["lower_is_better"] = [not MEASURES_BY_CODE[m].higher_is_better for m in table["measure"]]
    for column in ("rank", "rank_low", "rank_high"):
        table[column] = table[column].astype("Int64")
    table["n"] = pd.to_numeric(table["n"], errors="coerce").astype("Int64")
    table.attrs.update(urn=urn, year=year, phase=phase)
    return table[HEADLINE_COLUMNS]


def pooled_years_label(first: int, last: int) -> str:
    """The years a pooled figure covers: "2019 only" or "2022 to 2024"."""
    return f"{int(first)} only" if int(first) == int(last) else f"{int(first)} to {int(last)}"


def missing_reason(reason: str | None) -> str:
    """Why a figure is missing, as a sentence a head can read (from DfE's codes)."""
    if reason is None or reason == "NOT_PUBLISHED" or (not isinstance(reason, str) and pd.isna(reason)):
        return "Not published for this school this year."  # a year without the school's row, too
    text = MISSING_CODES.get(str(reason).upper(), "not available")
    return text[0].upper() + text[1:] + "."


def pupils_text(n) -> str:
    """A figure's cohort for people: "170 pupils", or that no count was published."""
    return "pupil count not published" if n is None or pd.isna(n) else f"{int(n):,} pupil{'s' if int(n) != 1 else ''}"


def no_score_text(n, reason: str | None = None) -> str:
    """Why a school has no score: suppressed for 5 or fewer pupils, DfE's reason, or figures incomplete."""
    from .value_added import MIN_PUPILS

    if n is not None and not pd.isna(n) and int(n) < MIN_PUPILS:
        return f"Suppressed: only {int(n)} pupils (figures for 5 or fewer are not shown)."
    if reason:
        return missing_reason(reason)
    return "No score for this school this year: its results or intake figures are incomplete."


@dataclass(frozen=True)
class ValueAddedCard:
    """One value-added measure as My school shows it: the score; its CI, pupils and band, or why it has none; and
    the steadier estimates in words, where there are any."""
    measure: str
    label: str
    score: str
    detail: str
    steadier: str | None


def value_added_cards(rows: pd.DataFrame, steadier_words) -> list[ValueAddedCard]:
    """A card for each of the school's value-added rows (indexed by measure: its score, or its pupils and DfE's
    reason for none). steadier_words(measure, digits): the steadier estimates in words, or None."""
    cards = []
    for measure, row in rows.iterrows():
        spec = MEASURES_BY_CODE[measure]
        score = number(row.get("va"), spec.digits, sign=True)
        if pd.isna(row.get("va")):
            cards.append(ValueAddedCard(measure, spec.label, score, no_score_text(row["n"], row.get("reason")), None))
            continue
        detail = (f"95% CI **{interval(row['ci_low'], row['ci_high'], spec.digits)}** · {pupils_text(row['n'])} · "
                  f"**{BAND_LABELS.get(row['band'], 'no band')}**")
        cards.append(ValueAddedCard(measure, spec.label, score, detail, steadier_words(measure, spec.digits)))
    return cards


def in_context_cards(rows: list[dict], as_text=str) -> list[ValueAddedCard]:
    """A card for each of the school's rows of attainment in context (records of va_table's in-context lens, in
    its order), as My school shows them in a year without a progress measure: the score against a similar intake
    and its sentence (in_context_sentence, shown through `as_text`: a page escapes it), or why there is none."""
    cards = []
    for row in rows:
        spec = MEASURES_BY_CODE[row["measure"]]
        va = row.get("va")
        scored = va is not None and pd.notna(va)
        cards.append(ValueAddedCard(row["measure"], f"{spec.label}: against a similar intake",
                                    number(va, spec.digits, sign=True),
                                    as_text(in_context_sentence(spec.label, spec.digits, va, row["ci_low"], row["ci_high"]))
                                    if scored else no_score_text(row.get("n"), row.get("reason")), None))
    return cards


def unscored_sentence(label: str, n, reason: str | None) -> str:
    """My school's one line when the school has no score: "Progress 8: low coverage: under half the pupils
    included (29 pupils)." rather than a bare "no Progress 8"."""
    text = no_score_text(n, reason)
    counted = "" if n is None or pd.isna(n) or "only" in text else f" ({pupils_text(n)})"
    return f"{label}: {text[0].lower()}{text[1:].rstrip('.')}{counted}."


def rank_in_club(urn: int, scores, club: list[int]) -> tuple[int | None, int, int | None, int | None]:
    """A school's rank on a value-added measure among itself and its club (scores: urn, va, ci_low, ci_high, as a
    frame or a dict of arrays; 1 is the highest score), how many were ranked, and the rank's 95% interval simulated
    from the CIs. No rank without a club or a score."""
    urns = np.asarray(scores["urn"])
    va = floats(scores["va"])
    own = np.flatnonzero(urns == urn)
    members = np.isin(urns, np.asarray(club, dtype=urns.dtype)) & (urns != urn) & ~np.isnan(va)
    if not club or not len(own) or np.isnan(va[own[0]]):
        return None, int(members.sum()) + 1, None, None
    value, errors = float(va[own[0]]), error_from_interval(scores)
    rank, ranked = rank_among(value, va[members], True)
    low_rank, high_rank = rank_interval(value, float(errors[own[0]]), va[members], errors[members], True)
    return rank, ranked, low_rank, high_rank


def value_added_sentence(label: str, digits: int, va: float, ci_low: float, ci_high: float, rank: int | None,
                         ranked: int, relative: dict | None, interval: tuple | None = None) -> str:
    """The one plain sentence My school opens with, e.g. "Progress 8 −0.20 (−0.45 to +0.06): 16th of 21
    similar schools, could be anywhere from 9th to 20th; not significantly different from the club."
    `interval`: the rank's 95% interval (rank_interval)."""
    if va is None or np.isnan(va):
        return f"No {label} for this school this year."
    sentence = f"{label} {number(va, digits, sign=True)} ({number(ci_low, digits, sign=True)} to {number(ci_high, digits, sign=True)})"
    if rank is None or relative is None or np.isnan(relative.get("difference", np.nan)):
        return sentence + ": no similar schools to compare with."
    if relative["ci_low"] > 0:
        verdict = "significantly above the club"
    elif relative["ci_high"] < 0:
        verdict = "significantly below the club"
    else:
        verdict = "not significantly different from the club"
    return f"{sentence}: {rank_words(rank, ranked, *(interval or (None, None)), among='similar schools')}; {verdict}."


def attainment_sentence(label: str, digits: int, value: float, rank: int | None, ranked: int, median: float,
                        reason: str | None = None, interval: tuple | None = None) -> str:
    """Attainment against similar schools, for the years without a progress measure, e.g. "Attainment 8
    45.2: 6th of 21 similar schools, could be anywhere from 2nd to 11th; 2.1 above their median." """
    if value is None or np.isnan(value):
        return f"{label}: {missing_reason(reason)[0].lower()}{missing_reason(reason)[1:]}" if reason else \
            f"No {label} for this school this year."
    sentence = f"{label} {number(value, digits)}"
    if rank is None or np.isnan(median):
        return sentence + ": no similar schools to compare with."
    gap = value - median
    side = "above" if round(gap, digits) > 0 else "below" if round(gap, digits) < 0 else "at"
    against = f"{number(abs(gap), digits)} {side} their median" if side != "at" else "at their median"
    ranked_text = rank_words(int(rank), ranked, *(interval or (None, None)), among="similar schools")
    return f"{sentence}: {ranked_text}{';' if interval else ','} {against}."


def in_context_sentence(label: str, digits: int, va: float, ci_low: float, ci_high: float) -> str:
    """A school's attainment in context in words, always with its interval and never as progress: "Attainment
    8 2.3 above schools with a similar intake (95% CI +0.4 to +4.2). Not a progress measure." """
    if va is None or np.isnan(va):
        return f"No attainment in context for {label} this year."
    side = "above" if round(va, digits) > 0 else "below" if round(va, digits) < 0 else "level with"
    amount = f"{number(abs(va), digits)} " if side != "level with" else ""
    verdict = ("significantly " if ci_low > 0 or ci_high < 0 else "not significantly ") + \
        ("different from" if side == "level with" else side)
    return (f"{label} {amount}{side} what schools with a similar intake achieved (95% CI {number(ci_low, digits, sign=True)} "
            f"to {number(ci_high, digits, sign=True)}: {verdict} them). Not a progress measure.")


def school_year_results(store: Store, urn: int, year: int) -> pd.DataFrame:
    """Every result of one school in one year, with labels (whatever kind of school it is)."""
    return store.query_file("school_year_results", [urn, year])


def school_trend(store: Store, urn: int, measure: str, years: list[int] | None = None) -> pd.DataFrame:
    """One school's scores over the years (year, va, ci_low, ci_high, n, reason, note), with every year in
    `years` it has none for as a gap: a trend never joins 2024 to 2027 as if they were neighbours. `note` says
    why a year has no score (DfE published no progress measure, suppressed, ...)."""
    return with_gaps(store.query_file("school_trend", [urn, measure]), measure, years)


def trend_from_years(urn: int, measure: str, years: dict[int, RowsByUrn]) -> pd.DataFrame:
    """school_trend from each year's results of the measure for every school (`years`: year -> RowsByUrn of
    results_for_measure), as the dashboard holds them: the same rows, gaps and notes, from each year's records."""
    rows = [(year, found) for year, by_urn in sorted(years.items())
            for found in by_urn.records(urn) or [{}]]  # a year without the school's row is a gap

    def scores(name: str) -> np.ndarray:
        return np.array([found.get(name, np.nan) for _, found in rows], dtype=float)

    columns = {"year": [year for year, _ in rows], "va": scores("value"), "ci_low": scores("ci_low"),
               "ci_high": scores("ci_high"), "n": [found.get("n") for _, found in rows],
               "reason": [found.get("reason") for _, found in rows]}
    # The notes worked out from the lists, and the frame made once: a column added to a made frame cost a third more.
    columns["note"] = _gap_notes(measure, columns["year"], columns["va"], columns["reason"])
    return pd.DataFrame(columns, columns=["year", "va", "ci_low", "ci_high", "n", "reason", "note"])


def with_gaps(frame: pd.DataFrame, measure: str, years: list[int] | None) -> pd.DataFrame:
    """A school's yearly scores with every year in `years` it has none for as a gap, and a note for each
    year without a score."""
    if years:
        frame = frame.set_index("year").reindex(sorted(set(years) | set(frame["year"]))).rename_axis("year").reset_index()
    frame["note"] = _gap_notes(measure, frame["year"], frame["va"], frame["reason"])
    return frame


def _gap_notes(measure: str, years, scores, reasons) -> list[str | None]:
    """Why each year without a score has none (DfE published no progress measure, suppressed, ...); None where
    there is a score."""
    key_stage = MEASURES_BY_CODE[measure].key_stage
    return [no_progress_reason(key_stage, y) if measure in VALUE_ADDED and no_progress_reason(key_stage, y)
            else missing_reason(r) if pd.isna(v) else None for y, v, r in zip(years, scores, reasons)]


def group_trend(store: Store, urns: list[int], measure: str) -> pd.DataFrame:
    """A group's mean score per year (year, mean_va, schools), over the schools with a score that year."""
    frame = store.query_file("group_results_by_year", [measure, list(urns)])
    return (frame.groupby("year").agg(mean_va=("value", "mean"), schools=("value", "size")).reset_index()
            .sort_values("year").reset_index(drop=True))


def neighbours_with_results(group, scores: pd.DataFrame, attainment: pd.Series | None) -> pd.DataFrame:
    """A school's similar schools with their distance, each feature's share of it (%), and their headline
    results: the main score (`scores`: every school's, or at least the group's: urn, va, ci_low, ci_high, band, n)
    and the main attainment measure (`attainment`: every school's value, by URN)."""
    near = group.neighbours
    columns = {c: near[c].array for c in ("urn", "name", "la_name", "rank", "distance")}
    contributions = list(near["contributions"])
    for f in group.features:  # a feature missing from a school's contributions is 0% of its distance
        shares = np.array([c.get(f, np.nan) for c in contributions], dtype=float)
        columns[f"share_{f}"] = np.where(np.isnan(shares), 0.0, shares) * 100
    wanted = ["va", "ci_low", "ci_high", "band", "n"]
    at = _rows_of(scores["urn"].to_numpy(), near["urn"].to_numpy())
    if at is None:  # a member without a score row, or a school with two: a join says what that means
        frame = pd.DataFrame(columns).merge(scores[scores["urn"].isin(near["urn"])][["urn", *wanted]], on="urn",
                                            how="left")
    else:  # every member has one row: taken by position
        frame = pd.DataFrame(columns | {c: scores[c].array.take(at) for c in wanted})
    if attainment is not None:
        frame["attainment"] = attainment.reindex(frame["urn"]).to_numpy()
    return frame


def _rows_of(keys: np.ndarray, urns: np.ndarray) -> np.ndarray | None:
    """The position in `keys` of each of `urns`, or None unless each is there exactly once."""
    order = np.argsort(keys, kind="stable")
    at, counts = sorted_rows(keys[order], urns)
    return order[at] if (counts == 1).all() else None
