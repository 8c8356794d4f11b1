"""Who is looking, and the store's schools and published results: the directory, a year's results, trends."""
from __future__ import annotations

import pandas as pd

from benchmarking import pupil_views, school_view
from benchmarking.access import Viewer
from benchmarking.directory import school_directory
from benchmarking.by_urn import RowsByUrn
from benchmarking.percentiles import national_scored
from benchmarking.school_view import errors_by_measure, trend_from_years, values_by_measure
from benchmarking.summary import store_summary
from benchmarking.targets import TARGET_COLUMNS, progress_against_targets
from benchmarking.users import imported_pupils, viewer_for

from .cache import SCHOOLS, YEARS, data_key, revision, shared, store, urns_key

@shared(max_entries=256, ttl=300)
def _viewer(key: str, email: str | None) -> Viewer:
    return viewer_for(store(), email)


def viewer_for_email(email: str | None) -> Viewer:
    """The viewer a signed-in email is, from the store's users (read again after every change to them)."""
    return _viewer(revision("access"), email)


@shared(max_entries=4)
def _flags(key: str) -> tuple[bool, bool]:
    return imported_pupils(store()), bool(store().query_file("is_synthetic")["synthetic"][0])


def imported_pupils_present() -> bool:
    """Whether the store holds pupils imported from files (real pupils)."""
    return _flags(data_key())[0]


def synthetic() -> bool:
    """Whether the store is the synthetic demo (fictional schools)."""
    return _flags(data_key())[1]


# -- whole-store tables ---------------------------------------------------------------------------

@shared(max_entries=4)
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
def _directory_records(key: str) -> dict[int, dict]:
    schools = _directory(key)
    columns = {c: schools[c].tolist() for c in schools.columns}
    return {int(urn): {c: values[i] for c, values in columns.items()} for i, urn in enumerate(columns["urn"])}


def directory_record(urn: int) -> dict | None:
    """A school's row of the directory as a dict (None for a school without results): the sidebar reads one on
    every page view, a dict lookup where a row of the frame cost a fifth of a millisecond. Shared: never change it."""
    return _directory_records(data_key()).get(int(urn))


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


@shared(max_entries=8)
def _phase_urns(key: str, phase: str) -> list[int]:
    return [int(u) for u in _phase_directory(key, phase)["urn"]]


def phase_urns(phase: str) -> list[int]:
    """The URNs of phase_directory, in its order: the school picker's options before any search. Shared: read
    it, never change it."""
    return _phase_urns(data_key(), phase)


@shared(max_entries=4)
def _school_names(key: str) -> pd.DataFrame:
    return store().query_file("school_names_with_la")


def school_names() -> pd.DataFrame:
    return _school_names(data_key())


@shared(max_entries=4)
def _names_by_urn(key: str) -> pd.DataFrame:
    return school_names().set_index("urn")


def names_by_urn() -> pd.DataFrame:
    """school_names indexed by URN (built once, not on every page view). Shared: read it, never change it."""
    return _names_by_urn(data_key())


@shared(max_entries=4)
def _school_refs(key: str) -> dict[int, pupil_views.School]:
    names = _school_names(key)
    return {int(urn): pupil_views.School(int(urn), name, None if pd.isna(la_code) else int(la_code))
            for urn, name, la_code in zip(names["urn"].tolist(), names["name"].tolist(), names["la_code"].tolist())}


def school_ref(urn: int) -> pupil_views.School:
    """A school's URN, name and LA, held for every school (no query, nor frame lookup, per page); KeyError for a
    URN the store does not name."""
    return _school_refs(data_key())[int(urn)]


def school_name(urn: int, default: str) -> str:
    """A school's name, or `default` for a URN the store does not name."""
    ref = _school_refs(data_key()).get(int(urn))
    return default if ref is None else ref.name


def year_results(year: int) -> pd.DataFrame:
    """A year's results of state-funded mainstream schools: read only to build the year's cached values and
    errors, so not itself held (it would be 40 MB a year at national scale)."""
    return store().query_file("year_results", [year])


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


@shared(max_entries=SCHOOLS)
def _school_trend(key: str, urn: int, measure: str) -> pd.DataFrame:
    return trend_from_years(urn, measure, {year: _measure_rows(key, year, measure) for year in summary()["years"]})


def school_trend(urn: int, measure: str) -> pd.DataFrame:
    """One school's scores over the store's years, gaps included (school_view.school_trend), from every
    school's results of each year, read once a year; worked out once per school. Shared: read it, never change it."""
    return _school_trend(data_key(), urn, measure)


@shared(max_entries=4)
def _schools_with_targets(key: str) -> frozenset[int]:
    return frozenset(store().query_file("schools_with_targets")["urn"].astype(int))


_NO_TARGETS = pd.DataFrame(columns=TARGET_COLUMNS)  # one empty frame for every school without targets: read it only


def recorded_targets(urn: int) -> pd.DataFrame:
    """The school's recorded targets against its results (targets.progress_against_targets); a school
    that has recorded none costs no query (and no frame built)."""
    if urn not in _schools_with_targets(revision("targets")):
        return _NO_TARGETS
    return progress_against_targets(store(), urn)


@shared(max_entries=YEARS)
def _year_values(key: str, year: int) -> dict:
    return values_by_measure(year_results(year))


def year_values(year: int) -> dict:
    """A year's results by measure, each indexed by URN."""
    return _year_values(data_key(), year)


@shared(max_entries=YEARS)
def _every_school_values(key: str, year: int) -> dict:
    return values_by_measure(_year_rows(key, year).frame)


def every_school_values(year: int) -> dict:
    """A year's results by measure, each indexed by URN, for every kind of school: where a club's members are
    read (a special school's club is of special schools)."""
    return _every_school_values(data_key(), year)


@shared(max_entries=YEARS)
def _every_school_errors(key: str, year: int) -> dict:
    return errors_by_measure(_year_rows(key, year).frame, year_results(year), school_view.year_spreads(store(), year))


def every_school_errors(year: int) -> dict:
    """A year's standard errors by measure (school_view.errors_by_measure), each indexed by URN, for every
    kind of school: each rank's interval is simulated from them."""
    return _every_school_errors(data_key(), year)


def measure_results(year: int, measure: str) -> pd.DataFrame:
    """One measure's results (value, CI, pupils, reason) for every school that year, read once a year."""
    return _measure_rows(data_key(), year, measure).frame


def club_results(year: int, measure: str, urns) -> pd.DataFrame:
    """measure_results' rows of the schools in `urns` (a school and its club): slices, not a scan."""
    return _measure_rows(data_key(), year, measure).many(urns)


@shared(max_entries=YEARS)
def _reach(key: str, year: int) -> dict:
    return school_view.measure_reach(store(), year)


def measure_reach(year: int) -> dict:
    """Each measure's (schools, LAs) with a value that year: what a percentile is among."""
    return _reach(data_key(), year)


@shared(max_entries=SCHOOLS)
def _headline(key: str, urn: int, year: int, phase: str, mainstream: bool, club: tuple[int, ...],
              measures: tuple[str, ...] | None) -> pd.DataFrame:
    return school_view.headline_results(school_year_results(urn, year), year_values(year), urn, list(club), phase,
                                        mainstream, measures, club_values=every_school_values(year),
                                        coverage=measure_reach(year), club_errors=every_school_errors(year),
                                        scored=_national_scored(key, year, phase))


@shared(max_entries=YEARS)
def _national_scored(key: str, year: int, phase: str) -> dict:
    return national_scored(year_values(year), phase)


def headline(urn: int, year: int, phase: str, mainstream: bool, club: list[int],
             measures: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The school's headline results ranked in its club and nationally (school_view.headline_results), worked
    out once per school, year and club for everyone who opens it (a club meeting's heads open the same school).
    Shared: read it, never change it."""
    return _headline(data_key(), urn, year, phase, bool(mainstream), urns_key(club), measures)


@shared(max_entries=SCHOOLS)
def _target_levels(key: str, year: int, club: tuple[int, ...], measures: tuple[str, ...], target_year: int):
    from benchmarking.targets import headline_target_levels, settable

    return settable(headline_target_levels(every_school_values(year), list(club), measures), target_year)


def target_levels(year: int, club: list[int], measures: tuple[str, ...], target_year: int) -> tuple[pd.DataFrame, list[str]]:
    """The target levels a head can record for `target_year` from the club's results in `year`, and why any
    measure has none (targets.settable of targets.headline_target_levels): worked out once per club. Shared:
    read them, never change them."""
    return _target_levels(data_key(), year, urns_key(club), tuple(measures), target_year)
