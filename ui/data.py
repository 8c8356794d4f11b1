"""The dashboard's access to the store: one read-only reader per process, reopened when a write replaces
the file, and cached reads keyed by the revision of the part of the store they read. A write changes only
its parts' revisions, so saving a club leaves every value-added table cached.

Every cache is bounded (max_entries, ttl). Cached frames are shared across sessions: pages never change
them (filtering and merging make new frames), and tests/test_pages.py checks that they do not.
"""
from __future__ import annotations

import functools
import threading
import time
import weakref

import pandas as pd
import streamlit as st

from benchmarking import charts, pupil_views
from benchmarking.access import Viewer
from benchmarking.floor import PRESETS, floor_report, schools_of_concern
from benchmarking.la_view import schools_against_clubs
from benchmarking.la_view import similar_las as _las_like
from benchmarking.partners import partners_this_year
from benchmarking.school_view import RowsByUrn, school_directory, trend_from_years, values_by_measure
from benchmarking.targets import TARGET_COLUMNS, progress_against_targets
from benchmarking.similarity import FEATURES, SimilarGroup, SimilarityIndex, check_weights, load_features
from benchmarking.store import Store, StoreReader, default_db_path
from benchmarking.store import file_version as file_version_of
from benchmarking.summary import store_summary
from benchmarking.users import imported_pupils, viewer_for
from benchmarking.attainment_context import LENS as ATTAINMENT_LENS, MEASURES as IN_CONTEXT
from benchmarking.phases import phase as phase_named
from benchmarking.progress_gaps import progress_years
from benchmarking.va_report import (SUBJECTS, NoProgressMeasure, national_groups, pool_rows, pupil_value_added,
                                    pupils_exist, school_value_added_table)

HOUR = 3600
# Every object a shared cache has handed out and that is still alive (for the test that none changes): held
# weakly, so an entry goes when its object does, and the record stays as small as the caches.
_SHARED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def shared(**cache_args):
    """st.cache_resource, bounded, whose values all sessions share (never copied): pages must treat them as
    read-only, and tests/test_pages.py checks that no page changes one."""
    def wrap(fn):
        @functools.wraps(fn)
        def recorded(*args, **kwargs):
            value = fn(*args, **kwargs)
            try:
                _SHARED[id(value)] = value
            except TypeError:  # bools and other values that cannot be changed anyway
                pass
            return value
        return st.cache_resource(**{"show_spinner": False, "ttl": HOUR} | cache_args)(recorded)
    return wrap


def shared_values() -> list:
    """Every value a shared cache has handed out that is still alive."""
    return list(_SHARED.values())


YEARS = 32  # entries for caches keyed by year, phase and measure
SCHOOLS = 300  # entries for caches keyed by school


@functools.lru_cache(maxsize=8)
def _reader(path: str) -> StoreReader:
    """One reader per store file for the whole process (a plain cache: a page asks for it dozens of times)."""
    return StoreReader(path)


def store() -> Store:
    """The store as it is now: the process's read-only reader, reopened after a write."""
    return _reader(str(default_db_path())).current()


def store_exists() -> bool:
    return default_db_path().exists()


def file_version() -> str | None:
    """The store file's version now (a write replaces the file), or None when there is no store."""
    path = default_db_path()
    return file_version_of(path) if path.exists() else None


def revision(*parts: str) -> str:
    """A cache key for data read from these parts of the store (and this store file)."""
    current = store()
    return f"{current.path}|" + "|".join(current.revision(p) for p in parts)


_run = threading.local()  # each page run has its own thread: what it has read of the store's revision


def data_key() -> str:
    """The cache key of the store's data as it is now. A page run asks for it dozens of times: it is read once
    per run (each run is a thread of its own), and again after a second at most."""
    now = time.monotonic()
    if getattr(_run, "until", 0.0) > now:
        return _run.key
    _run.key, _run.until = revision("data"), now + 1.0
    return _run.key


# -- who is looking ------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=256, ttl=300)
def _viewer(key: str, email: str | None) -> Viewer:
    return viewer_for(store(), email)


def viewer_for_email(email: str | None) -> Viewer:
    """The viewer a signed-in email is, from the store's users (read again after every change to them)."""
    return _viewer(revision("access"), email)


@st.cache_data(show_spinner=False, max_entries=4, ttl=HOUR)
def _flags(key: str) -> tuple[bool, bool]:
    return imported_pupils(store()), bool(store().query_file("is_synthetic")["synthetic"][0])


def imported_pupils_present() -> bool:
    """Whether the store holds pupils imported from files (real pupils)."""
    return _flags(data_key())[0]


def synthetic() -> bool:
    """Whether the store is the synthetic demo (fictional schools)."""
    return _flags(data_key())[1]


# -- whole-store tables ---------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=4, ttl=HOUR)
def _summary(key: str) -> dict:
    return store_summary(store())


def summary() -> dict:
    return _summary(data_key())


@shared(max_entries=4)
def _directory(key: str) -> pd.DataFrame:
    return school_directory(store())


def directory() -> pd.DataFrame:
    """Every school with results: urn, name, LA, phase, years, label."""
    return _directory(data_key())


@shared(max_entries=4)
def _directory_by_urn(key: str) -> pd.DataFrame:
    return _directory(key).set_index("urn")


def directory_by_urn() -> pd.DataFrame:
    """The directory indexed by URN (built once, not on every page view)."""
    return _directory_by_urn(data_key())


@shared(max_entries=4)
def _school_labels(key: str) -> dict[int, str]:
    schools = _directory(key)
    return dict(zip(schools["urn"].astype(int), schools["label"]))


def school_labels() -> dict[int, str]:
    """Each school's label in the school picker (name, URN and LA), by URN: a lookup for every option."""
    return _school_labels(data_key())


@shared(max_entries=8)
def _phase_directory(key: str, phase: str) -> pd.DataFrame:
    schools = _directory(key)
    return schools[schools["phase"] == phase].reset_index(drop=True)


def phase_directory(phase: str) -> pd.DataFrame:
    """The directory's schools of one phase (the sidebar's pool), selected once rather than on every page view."""
    return _phase_directory(data_key(), phase)


@shared(max_entries=4)
def _school_names(key: str) -> pd.DataFrame:
    return store().query_file("school_names_with_la")


def school_names() -> pd.DataFrame:
    return _school_names(data_key())


@shared(max_entries=4)
def _names_by_urn(key: str) -> pd.DataFrame:
    return school_names().set_index("urn")


def school_ref(urn: int) -> pupil_views.School:
    """A school's URN, name and LA, from the cached names (no query per page)."""
    row = _names_by_urn(data_key()).loc[int(urn)]
    return pupil_views.School(int(urn), row["name"], None if pd.isna(row["la_code"]) else int(row["la_code"]))


@shared(max_entries=YEARS)
def _year_results(key: str, year: int) -> pd.DataFrame:
    return store().query_file("year_results", [year])


def year_results(year: int) -> pd.DataFrame:
    return _year_results(data_key(), year)


@shared(max_entries=YEARS)
def _year_rows(key: str, year: int) -> RowsByUrn:
    return RowsByUrn.of(store().query_file("year_results_every_school", [year]))


def schools_year_results(urns: list[int], year: int) -> pd.DataFrame:
    """Some schools' results of one year (a club's members'), slices of every school's, read once a year."""
    rows = _year_rows(data_key(), year)
    return pd.concat([rows.rows(urn) for urn in urns], ignore_index=True)


def school_year_results(urn: int, year: int) -> pd.DataFrame:
    """One school's results of one year, with labels (school_view.school_year_results): a slice of every
    school's, read once a year."""
    return _year_rows(data_key(), year).rows(urn)


@shared(max_entries=YEARS)
def _measure_rows(key: str, year: int, measure: str) -> RowsByUrn:
    return RowsByUrn.of(store().query_file("results_for_measure", [year, measure]))


def school_trend(urn: int, measure: str) -> pd.DataFrame:
    """One school's scores over the store's years, gaps included (school_view.school_trend), from every
    school's results of each year, read once a year."""
    key = data_key()
    return trend_from_years(urn, measure, {year: _measure_rows(key, year, measure) for year in summary()["years"]})


@shared(max_entries=4)
def _schools_with_targets(key: str) -> frozenset[int]:
    return frozenset(store().query_file("schools_with_targets")["urn"].astype(int))


def recorded_targets(urn: int) -> pd.DataFrame:
    """The school's recorded targets against its results (targets.progress_against_targets); a school
    that has recorded none costs no query."""
    if urn not in _schools_with_targets(revision("targets")):
        return pd.DataFrame(columns=TARGET_COLUMNS)
    return progress_against_targets(store(), urn)


@shared(max_entries=YEARS)
def _year_values(key: str, year: int) -> dict:
    return values_by_measure(year_results(year))


def year_values(year: int) -> dict:
    """A year's results by measure, each indexed by URN."""
    return _year_values(data_key(), year)


VA_COLUMNS = ["urn", "year", "measure", "expected", "actual", "va", "ci_low", "ci_high", "n", "band", "lens", "source"]


@shared(show_spinner="Working out value added...", max_entries=YEARS)
def _va_table(key: str, year: int, phase: str, lens: str) -> pd.DataFrame:
    try:
        return school_value_added_table(store(), year, phase, lens=lens)
    except NoProgressMeasure as exc:  # a year DfE published no progress measure for: an empty table that says why
        empty = pd.DataFrame(columns=VA_COLUMNS)
        empty.attrs["no_progress"] = str(exc)
        return empty


def va_table(year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    """Every school's value added for a year and phase; empty, with attrs["no_progress"] saying why, in a year
    DfE published no progress measure."""
    return _va_table(data_key(), year, phase, lens)


@shared(max_entries=YEARS)
def _va_rows(key: str, year: int, phase: str, lens: str) -> RowsByUrn:
    return RowsByUrn.of(va_table(year, phase, lens))


def school_va(urn: int, year: int, phase: str, lens: str = "official") -> pd.DataFrame:
    """One school's rows of va_table: a slice, not a scan of every school's."""
    return _va_rows(data_key(), year, phase, lens).rows(urn)


def in_context(year: int, phase: str) -> pd.DataFrame:
    """Every school's attainment in context (not a progress measure) for a year and phase."""
    return va_table(year, phase, ATTAINMENT_LENS)


def measures_for(year: int, phase: str) -> tuple[tuple[str, ...], str | None]:
    """The measures that say how a school did this year: the phase's value-added measures, or in a year DfE
    published no progress measure its attainment measures in context; and why there is no progress measure."""
    gap = va_table(year, phase).attrs.get("no_progress")
    return (IN_CONTEXT[phase] if gap else phase_named(phase).value_added), gap


@shared(max_entries=YEARS)
def _scores_table(key: str, year: int, phase: str, measure: str, lens: str) -> pd.DataFrame:
    table = in_context(year, phase) if measure in IN_CONTEXT[phase] else va_table(year, phase, lens)
    return table[table["measure"] == measure]


def scores_table(year: int, phase: str, measure: str, lens: str = "official") -> pd.DataFrame:
    """Every school's score on `measure` this year: value added (official or contextual lens), or attainment in
    context for an attainment measure (same columns)."""
    return _scores_table(data_key(), year, phase, measure, lens)


@shared(max_entries=YEARS)
def _kind_scores(key: str, year: int, phase: str, measure: str, mainstream: bool) -> pd.DataFrame:
    names = school_names()
    return scores_table(year, phase, measure).merge(
        names.loc[names["mainstream"] == mainstream, ["urn", "name", "la_code"]], on="urn")


def kind_scores(year: int, phase: str, measure: str, mainstream: bool) -> pd.DataFrame:
    """scores_table for mainstream schools only, or special schools only, with each school's name and LA:
    the schools a school is plotted among (selected once a year, not on every page view)."""
    return _kind_scores(data_key(), year, phase, measure, mainstream)


@shared(max_entries=YEARS)
def _funnel(key: str, year: int, phase: str, measure: str, mainstream: bool):
    from benchmarking.va_report import funnel_points

    table, names = va_table(year, phase), school_names()
    same_kind = names.loc[names["mainstream"] == mainstream, "urn"]
    return funnel_points(table[table["urn"].isin(same_kind)], names, measure, host=None)


def funnel(urn: int, year: int, phase: str, measure: str, mainstream: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The funnel plot of every school of the kind (mainstream or special) and its limits, with `urn` as
    the host: the points and limits are worked out once a year, the host marked per view."""
    points, limits = _funnel(data_key(), year, phase, measure, mainstream)
    return points.assign(is_host=(points["urn"] == urn).to_numpy()), limits


@shared(max_entries=YEARS)
def _funnel_backdrop(key: str, year: int, phase: str, measure: str, mainstream: bool, colour: str) -> dict | None:
    points, _ = _funnel(key, year, phase, measure, mainstream)
    points = points.dropna(subset=["va", "n"])
    return charts.schools_density(points["n"], points["va"], colour) if len(points) > charts.DENSITY_ABOVE else None


def funnel_backdrop(year: int, phase: str, measure: str, mainstream: bool, colour: str) -> dict | None:
    """The funnel's thousands of schools as one shaded trace, made once a year for every host (None for a pool
    small enough to draw school by school)."""
    return _funnel_backdrop(data_key(), year, phase, measure, mainstream, colour)


@shared(max_entries=YEARS)
def _context_backdrop(key: str, year: int, phase: str, mainstream: bool, feature: str, measure: str,
                      colour: str) -> dict | None:
    pool = similarity_index(year, phase, mainstream=mainstream).frame[["urn", feature]]
    points = pool.merge(scores_table(year, phase, measure)[["urn", "va"]], on="urn").dropna()
    if len(points) <= charts.DENSITY_ABOVE:
        return None
    return charts.schools_density(points[feature], points["va"], colour, "Schools of the pool")


def context_backdrop(year: int, phase: str, mainstream: bool, feature: str, measure: str, colour: str) -> dict | None:
    """Every school of a pool on a context feature against its score, as one shaded trace, made once a year for
    every school (None for a pool small enough to draw school by school)."""
    return _context_backdrop(data_key(), year, phase, mainstream, feature, measure, colour)


@shared(max_entries=YEARS)
def _pooled(key: str, phase: str, years: tuple[int, ...]) -> RowsByUrn:
    return RowsByUrn.of(pool_rows(pd.concat([va_table(y, phase) for y in years], ignore_index=True)))


def pooled(urn: int, phase: str, years: list[int]) -> pd.DataFrame:
    """The school's value added pooled over `years`, skipping years without a progress measure: a slice of
    every school's, pooled once."""
    years = tuple(progress_years(phase_named(phase).key_stage, years))
    return _pooled(data_key(), phase, years).rows(urn) if years else pd.DataFrame()


@shared(max_entries=YEARS)
def _floor(key: str, rule_name: str, year: int) -> pd.DataFrame:
    return floor_report(store(), PRESETS[rule_name], year)


def floor(rule_name: str, year: int) -> pd.DataFrame:
    return _floor(data_key(), rule_name, year)


@shared(max_entries=YEARS)
def _concern(key: str, year: int) -> pd.DataFrame:
    return schools_of_concern(store(), year)


def concern(year: int) -> pd.DataFrame:
    return _concern(data_key(), year)


# -- similar schools ------------------------------------------------------------------------------

@shared(show_spinner="Loading the pool of schools...", max_entries=16)
def _index(key: str, year: int, phase: str, weights: tuple, mainstream: bool) -> SimilarityIndex:
    return SimilarityIndex(load_features(store(), year, phase, mainstream), dict(weights))


def weights_key(weights: dict | None) -> tuple:
    """Weights as a cache key: every feature, in order (the defaults where none are given)."""
    weights = check_weights(weights or {})
    return tuple((f, float(weights[f])) for f in FEATURES)


def similarity_index(year: int, phase: str, weights: dict | None = None, mainstream: bool = True) -> SimilarityIndex:
    """The pool of schools of a phase and year (mainstream, or special schools), ready for similar schools."""
    return _index(data_key(), year, phase, weights_key(weights), mainstream)


@shared(max_entries=SCHOOLS)
def _club_group(key: str, year: int, phase: str, urn: int, mainstream: bool) -> SimilarGroup:
    return similarity_index(year, phase, mainstream=mainstream).neighbours(urn, phase_named(phase).default_k)


def club_group(year: int, phase: str, urn: int, mainstream: bool = True, k: int | None = None) -> SimilarGroup:
    """The school's similar schools with every setting at its default (its club on My school, Value added and
    at a club meeting, where the first k are taken), found once per school and year, not once per page.
    BenchmarkingError for a school that cannot be matched."""
    group = _club_group(data_key(), year, phase, urn, mainstream)
    return group if k is None else group.nearest(k)


@shared(max_entries=SCHOOLS)
def _partners(key: str, urn: int, year: int, phase: str, k: int, mainstream: bool) -> pd.DataFrame:
    group = club_group(year, phase, urn, mainstream, k)
    measures, gap = measures_for(year, phase)
    if gap:
        return partners_this_year(store(), group, scores_table(year, phase, measures[0]))
    return partners_this_year(store(), group, results=measure_results(year, phase_named(phase).main_value_added))


def measure_results(year: int, measure: str) -> pd.DataFrame:
    """One measure's results (value, CI, pupils, reason) for every school that year, read once a year."""
    return _measure_rows(data_key(), year, measure).frame


def partners(urn: int, year: int, phase: str, k: int, mainstream: bool = True) -> pd.DataFrame:
    return _partners(data_key(), urn, year, phase, k, mainstream)


@shared(show_spinner="Comparing every school with its club...", max_entries=YEARS)
def _against_clubs(key: str, year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    return schools_against_clubs(similarity_index(year, phase), scores_table(year, phase, measure), la_code)


def against_clubs(year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    """Every school of an LA against its own club, with its best partner."""
    return _against_clubs(data_key(), year, phase, measure, la_code)


@shared(max_entries=YEARS)
def _similar_las(key: str, year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    return _las_like(similarity_index(year, phase).frame, scores_table(year, phase, measure), la_code)


def similar_las(year: int, phase: str, measure: str, la_code: int) -> pd.DataFrame:
    """The LA beside the LAs most like it."""
    return _similar_las(data_key(), year, phase, measure, la_code)


# -- pupils ---------------------------------------------------------------------------------------

@shared(show_spinner="Working out pupils' value added...", max_entries=8)
def _pupil_va(key: str, year: int, measure: str, lens: str):
    return pupil_value_added(store(), year, measure, lens)


@shared(max_entries=YEARS)
def _has_pupils(key: str, year: int, measure: str) -> bool:
    return pupils_exist(store(), year, SUBJECTS[measure].key_stage)


def school_pupils(viewer: Viewer, year: int, measure: str, urn: int) -> pd.DataFrame:
    """One school's pupils with their scores, for a viewer who may see them (empty when the store has none).
    NotAllowed outside the viewer's scope; Suppressed for 5 or fewer pupils."""
    key = data_key()
    if not _has_pupils(key, year, measure):
        return pd.DataFrame()
    return pupil_views.pupils_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"))


@shared(max_entries=YEARS)
def _national_groups(key: str, year: int, measure: str) -> pd.DataFrame:
    return national_groups(_pupil_va(key, year, measure, "official"))


@shared(max_entries=YEARS)
def _group_sums(key: str, year: int, measure: str) -> pd.DataFrame:
    from benchmarking.va_report import school_group_sums

    return school_group_sums(_pupil_va(key, year, measure, "official"))


def pupil_groups(viewer: Viewer, urn: int, year: int, measure: str, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups against the same groups nationally and in its club (both from figures
    worked out once a year), for a viewer who may see them."""
    key = data_key()
    return pupil_views.pupil_groups_of_school(viewer, school_ref(urn), _pupil_va(key, year, measure, "official"),
                                              club, _national_groups(key, year, measure), _group_sums(key, year, measure))


@shared(max_entries=YEARS)
def _capping_note(key: str, year: int, measure: str) -> str | None:
    from benchmarking.va_report import capping_note as note

    return note(store(), year, measure)


def capping_note(year: int, measure: str) -> str | None:
    """Which prior-attainment groups' extreme scores were not capped this year, or None."""
    return _capping_note(data_key(), year, measure)


@shared(max_entries=YEARS)
def _published_group_rows(key: str, year: int) -> tuple[RowsByUrn, pd.DataFrame]:
    return (RowsByUrn.of(store().query_file("group_results_of_year", [year])),
            store().query_file("national_groups", [year]))


def published_groups(urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """The school's pupil groups as DfE published them, beside its club's median school (public data): slices
    of every school's, read once a year."""
    from benchmarking.group_report import groups_beside_club

    rows, national = _published_group_rows(data_key(), year)
    return groups_beside_club(pd.concat([rows.rows(u) for u in [urn, *club]], ignore_index=True), urn, club, national)


# -- clubs ----------------------------------------------------------------------------------------

@shared(max_entries=8)
def _clubs(key: str) -> pd.DataFrame:
    from benchmarking.club_store import list_clubs

    return list_clubs(store())


def clubs() -> pd.DataFrame:
    return _clubs(revision("clubs"))


@shared(show_spinner="Measuring the club's impact against matched schools...", max_entries=16)
def _club_impact(key: str, club: str):
    from benchmarking.impact import club_impact as impact

    return impact(store(), club)


def club_impact(club: str):
    """A stored club's measured impact (benchmarking.impact.Impact), worked out once per store revision."""
    return _club_impact(revision("data", "clubs"), club)
