"""A school's pupil groups beside the same groups in its club: DfE's published group figures (public, from
the full-width files) and, where the store holds the school's pupils and the viewer may see them, the
groups worked out from its pupils.

The club's figure for a group is the median of its members' figures for that group, given only when at
least MIN_CLUB_SCHOOLS members have one (a median of one or two schools would be those schools' figures).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import pupil_views
from .numbers import number
from .access import NotAllowed, Viewer
from .errors import BenchmarkingError
from .measures import MEASURES_BY_CODE
from .progress_gaps import no_progress_reason
from .pupil_views import Suppressed
from .store import Store
from .va_report import pupil_value_added, pupils_exist
from .value_added import SUBJECTS, group_value_added, pupil_group_labels

MIN_CLUB_SCHOOLS = 3
COLUMNS = ["grouping", "group", "measure", "value", "ci_low", "ci_high", "n", "club_median", "club_schools",
           "national", "source"]
GROUP_ORDER = {"disadvantaged": 0, "not disadvantaged": 1, "low": 2, "middle": 3, "high": 4, "EAL": 5, "not EAL": 6,
               "no SEN": 7, "SEN support": 8, "EHC plan": 9, "girls": 10, "boys": 11}


def club_medians(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The median of the members' values for each key, and how many members have one; blank under
    MIN_CLUB_SCHOOLS members."""
    present = frame.dropna(subset=["value"])
    out = present.groupby(keys)["value"].agg(club_median="median", club_schools="size").reset_index()
    out.loc[out["club_schools"] < MIN_CLUB_SCHOOLS, "club_median"] = np.nan
    return out


def published_groups(store: Store, urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """The school's published group figures for the year, each with its club's median and England's figure
    for the same group (source "published"). CIs and counts only where DfE publishes them."""
    rows = store.query_file("group_results_for_schools", [year, [urn] + list(club)])
    return groups_beside_club(rows, urn, club, store.query_file("national_groups", [year]))


def groups_beside_club(rows: pd.DataFrame, urn: int, club: list[int], national: pd.DataFrame) -> pd.DataFrame:
    """published_groups from the school's and its club's published group rows (urn, measure, grouping, grp,
    value, ci_low, ci_high, n) and England's (measure, grouping, grp, value)."""
    own = rows[rows["urn"] == urn].drop(columns=["urn"])
    if own.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = ["measure", "grouping", "grp"]
    members = club_medians(rows[rows["urn"].isin(club)], keys)
    national = national.rename(columns={"value": "national"})
    out = own.merge(members, on=keys, how="left").merge(national, on=keys, how="left")
    # A measure DfE published for no one this year (Progress 8 in 2025) is not a group figure to show.
    out = out[out[["value", "club_median", "national"]].notna().any(axis=1)]
    out["club_schools"] = out["club_schools"].fillna(0).astype(int)
    return in_reading_order(out.rename(columns={"grp": "group"}).assign(source="published")[COLUMNS])


def in_reading_order(groups: pd.DataFrame) -> pd.DataFrame:
    """Group rows as a reader looks for them: published before from pupils, measures in the catalogue's order,
    then each grouping's groups in GROUP_ORDER (disadvantaged before the others, low before high)."""
    keys = groups.assign(_s=groups["source"] != "published",
                         _m=groups["measure"].map({m: i for i, m in enumerate(MEASURES_BY_CODE)}),
                         _g=groups["group"].map(GROUP_ORDER).fillna(99))
    return keys.sort_values(["_s", "_m", "grouping", "_g"], kind="stable").drop(columns=["_s", "_m", "_g"]).reset_index(drop=True)


def pupil_groups(store: Store, viewer: Viewer, urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """The school's value added by pupil group from its pupils (source "pupils"), with its club's median
    school for each group; empty where the store has none of its pupils. NotAllowed outside the viewer's
    scope, Suppressed for 5 or fewer pupils."""
    frames = []
    place = pupil_views.school(store, urn)
    for measure, subject in SUBJECTS.items():
        if not pupils_exist(store, year, subject.key_stage) or no_progress_reason(subject.key_stage, year):
            continue
        try:
            va = pupil_value_added(store, year, measure, with_ids=False)
        except BenchmarkingError:  # pupils without prior attainment: no value added to group
            continue
        if pupil_views.pupils_of_school(viewer, place, va).empty:
            continue
        mine = pupil_views.pupil_groups_of_school(viewer, place, va, [])
        members = va.pupils[va.pupils["urn"].isin(club)]
        per_school = group_value_added(members[["urn"]], pupil_group_labels(members), members, va.national_sd)
        medians = club_medians(per_school.rename(columns={"va": "value"}), ["grouping", "group"])
        frame = mine.rename(columns={"school_va": "value", "school_ci_low": "ci_low", "school_ci_high": "ci_high",
                                     "school_n": "n", "national_va": "national"})
        frames.append(frame.merge(medians, on=["grouping", "group"], how="left").assign(measure=measure, source="pupils"))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["club_schools"] = out["club_schools"].fillna(0).astype(int)
    return out[COLUMNS]


def school_groups(store: Store, viewer: Viewer, urn: int, year: int, club: list[int]) -> pd.DataFrame:
    """Every group figure the viewer may see for the school: published ones, then those from its pupils.
    The `pupils_note` attribute says why pupil groups are missing, where they are."""
    published = published_groups(store, urn, year, club)
    note = None
    try:
        from_pupils = pupil_groups(store, viewer, urn, year, club)
    except (NotAllowed, Suppressed) as exc:
        from_pupils, note = pd.DataFrame(columns=COLUMNS), str(exc)
    parts = [p for p in (published, from_pupils) if not p.empty]
    if not parts and note:
        raise BenchmarkingError(note)
    if not parts:
        raise BenchmarkingError(f"URN {urn} has no pupil-group figures for {year}: the store holds neither DfE's "
                                "full-width files (which publish them) nor the school's pupils with prior attainment "
                                "(pupil groups are value added, which needs it).")
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].astype("Int64")
    out = in_reading_order(out)
    out.attrs["pupils_note"] = note
    return out


def group_sentence(row: pd.Series, club_size: int) -> str:
    """One group's figure in a sentence, e.g. "Disadvantaged pupils' Progress 8: -0.41 (95% CI -0.80 to
    -0.02, 31 pupils), against a median of -0.12 for the same group in 20 similar schools"."""
    spec = MEASURES_BY_CODE[row["measure"]]
    digits = spec.digits
    who = {"disadvantaged": "Disadvantaged pupils'", "not disadvantaged": "Other pupils'", "EAL": "EAL pupils'",
           "not EAL": "Non-EAL pupils'", "girls": "Girls'", "boys": "Boys'", "low": "Low prior attainers'",
           "middle": "Middle prior attainers'", "high": "High prior attainers'", "no SEN": "Pupils without SEN:",
           "SEN support": "SEN support pupils'", "EHC plan": "EHC plan pupils'"}.get(row["group"], f"{row['group']}:")
    if pd.isna(row["value"]):
        return f"{who} {spec.label}: not published (too few pupils)."
    signed = spec.unit == "score"
    value = number(row["value"], digits, sign=signed)
    bits = []
    if pd.notna(row["ci_low"]):
        bits.append(f"95% CI {number(row['ci_low'], digits, sign=signed)} to {number(row['ci_high'], digits, sign=signed)}")
    elif spec.unit == "score":
        bits.append("DfE publishes no CI for this group" if row["source"] == "published" else "no CI")
    if pd.notna(row["n"]):
        bits.append(f"{int(row['n'])} pupils")
    text = f"{who} {spec.label}: {value}" + (f" ({', '.join(bits)})" if bits else "")
    if pd.notna(row["club_median"]):
        text += f", against a median of {number(row['club_median'], digits, sign=signed)} for the same group in {int(row['club_schools'])} of {club_size} similar schools"
    return text + "."
