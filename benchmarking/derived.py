"""Tables worked out from others when data is written, so pages read them at once: each pupil's
prior-attainment group, each year's national estimates, every school's official value added, and the pupil
count of a published figure whose file gives none (its key stage cohort's).

The writer calls `refresh` before it commits a write; the formulas are value_added.py's, run in DuckDB.
"""
from __future__ import annotations

import pandas as pd

from .store import Changes, Store, sql_text
from .value_added import CAP_Z, KS4_GROUPS, MIN_CAP_PUPILS, SUBJECTS, Z95, Subject, prior_groups

KEY_STAGES = tuple(sorted({subject.key_stage for subject in SUBJECTS.values()}))  # of pupils with value added


def school_value_added_query(subject: Subject, years: list[int]) -> tuple[str, list]:
    """The query, and its parameters, of every school's official value added in one measure for the
    years (the outcome column comes from SUBJECTS, never from user input)."""
    sql = sql_text("school_value_added_from_pupils").replace("{outcome}", subject.outcome).rstrip().rstrip(";")
    return sql, [sorted(years), subject.key_stage, subject.measure, subject.scale, subject.cap, Z95, CAP_Z,
                 MIN_CAP_PUPILS, KS4_GROUPS]


def stored_groups(key_stage: pd.Series, prior: pd.Series) -> pd.Series:
    """Prior-attainment groups as the store keeps them: NULL, not 0, where the prior attainment is missing."""
    groups = prior_groups(key_stage.to_numpy(), pd.to_numeric(prior, errors="coerce").to_numpy(dtype=float))
    return pd.Series(groups, index=key_stage.index, dtype="Int8").mask(groups == 0)


def write_pupils(store: Store, frame: pd.DataFrame, select: str = "SELECT * FROM incoming_pupils",
                 params: list | None = None) -> int:
    """Replace the pupils of each school, year and key stage in `frame` with its rows (through `select`,
    which may rename or derive columns), each with its prior-attainment group."""
    frame = frame.assign(prior_group=stored_groups(frame["key_stage"], frame["prior_attainment"]))
    store.touch("pupils")
    with store.registered("incoming_pupils", frame):
        store.execute_file("delete_pupils_written")
        store.execute(f"INSERT INTO pupils BY NAME {select}", params)
    for key_stage, years in frame.groupby("key_stage")["year"].unique().items():
        store.changes.pupils.setdefault(str(key_stage), set()).update(int(y) for y in years)
    return len(frame)


def refresh(store: Store, changes: Changes) -> None:
    """Work out again what the write changed: the estimates and school value added of the years and key
    stages of the pupils written, and the school value added of years whose DfE estimates or SD came in."""
    for key_stage, years in changes.pupils.items():
        refresh_value_added(store, sorted(years), [key_stage])
    if changes.estimate_years:
        refresh_school_value_added(store, sorted(changes.estimate_years), KEY_STAGES)
    if changes.result_years:
        store.execute_file("fill_missing_counts", [sorted(changes.result_years)])


def refresh_value_added(store: Store, years: list[int], key_stages=KEY_STAGES) -> None:
    """The national estimates, then every school's official value added, of those years and key stages."""
    for key_stage in key_stages:
        store.execute_file("delete_pupil_estimates", [years, key_stage])
        store.execute_file("refresh_pupil_estimates", [years, key_stage])
    refresh_school_value_added(store, years, key_stages)


def refresh_school_value_added(store: Store, years: list[int], key_stages=KEY_STAGES) -> None:
    """Every school's official value added for those years and key stages' measures, from its pupils
    (sql/school_value_added_from_pupils.sql)."""
    for subject in SUBJECTS.values():
        if subject.key_stage not in key_stages:
            continue
        store.execute_file("delete_school_value_added", [years, subject.measure])
        sql, params = school_value_added_query(subject, years)
        store.execute(f"INSERT INTO school_value_added BY NAME SELECT * FROM ({sql})", params)


def all_years(store: Store) -> list[int]:
    """Every year that has pupils (a migration works everything out again)."""
    return [int(y) for y in store.query_file("pupil_years")["year"]]


def set_prior_groups(store: Store) -> None:
    """Set the prior-attainment group of every pupil stored before the store kept it (migration 5)."""
    pupils = store.query_file("pupils_without_groups")
    if pupils.empty:
        return
    groups = pd.DataFrame({"row": pupils["row"], "prior_group": stored_groups(pupils["key_stage"], pupils["prior_attainment"])})
    with store.registered("pupil_groups", groups):
        store.execute_file("set_prior_groups")
