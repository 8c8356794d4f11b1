"""Stored clubs: saving, listing and editing benchmarking clubs in the store.

Functions that change clubs take a store being written (`writer.writing`); the others read any store.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .clubs import DEFAULT_SIZE, club_spread, form_clubs
from .errors import BenchmarkingError
from .similarity import SimilarityIndex
from .store import Store


def _new_members(store: Store, club_ids, urns, joined) -> None:
    store.touch("clubs")
    with store.registered("new_members", pd.DataFrame({"club_id": club_ids, "urn": urns, "joined": joined})):
        store.execute_file("insert_club_members")


def save_club(store: Store, name: str, phase: str, year: int, method: str, settings: dict, urns) -> int:
    """Store a new club; the name must be new and every member a school in the store."""
    name = name.strip()
    if not name:
        raise BenchmarkingError("A club needs a name.")
    if not store.query_file("club_named", [name]).empty:
        raise BenchmarkingError(f"There is already a club called {name!r}; choose another name.")
    urns = sorted({int(u) for u in urns})
    if not urns:
        raise BenchmarkingError("A club needs at least one school.")
    unknown = set(urns) - set(store.query_file("schools_among", [urns])["urn"])
    if unknown:
        raise BenchmarkingError("Not in the store: URN " + ", ".join(map(str, sorted(unknown))) + ".")
    club_id = store.execute_file("insert_club", [name, phase, year, method, json.dumps(settings)])[0][0]
    _new_members(store, [club_id] * len(urns), urns, year)
    return club_id


def form_and_save_clubs(store: Store, index: SimilarityIndex, size: int = DEFAULT_SIZE) -> pd.DataFrame:
    """Form clubs for every school of the index's pool and store them, replacing clubs formed before for
    the same phase and year. Returns one row per club: name, members, spread."""
    eligible = ~np.isin(index.urns, list(index.excluded)) & index.present.all(axis=1)
    points = index.scaled[eligible]
    if len(points) == 0:
        raise BenchmarkingError(f"No {index.phase} schools with results and context in {index.year} to form clubs from.")
    labels = form_clubs(points, size)
    spread = club_spread(points, labels)
    phase, year = index.phase, index.year
    settings = {"size": size, "weights": index.weights, "features": index.used}
    names = [f"{phase.capitalize()} {year} club {club + 1:03d}" for club in range(labels.max() + 1)]
    store.touch("clubs")
    store.execute_file("delete_formed_club_members", [phase, year])
    store.execute_file("delete_formed_clubs", [phase, year])
    taken = store.query_file("clubs_named", [names])
    if not taken.empty:
        raise BenchmarkingError(f"A club made by hand is already called {taken['name'][0]!r}; rename it first.")
    new_clubs = pd.DataFrame({"name": names, "phase": phase, "year": year, "method": "formed",
                              "settings": json.dumps(settings)})
    with store.registered("new_clubs", new_clubs):
        ids = dict((name, club) for club, name in store.execute_file("insert_clubs"))
    _new_members(store, [ids[n] for n in np.array(names)[labels]], index.urns[eligible], year)
    spread["name"] = names
    return spread[["name", "members", "spread"]]


def club_id(store: Store, name: str) -> int:
    found = store.query_file("club_named", [name])
    if found.empty:
        raise BenchmarkingError(f"No club called {name!r}. `python -m benchmarking clubs list` shows them.")
    return int(found["club_id"][0])


def list_clubs(store: Store) -> pd.DataFrame:
    return store.query_file("list_clubs")


def club_details(store: Store, name: str) -> tuple[dict, pd.DataFrame]:
    """A club's record and its members, past and present, with their LA and the years they joined and left."""
    found = club_id(store, name)
    club = store.query_file("club_record", [found]).iloc[0].to_dict()
    club["settings"] = json.loads(club["settings"])
    return club, store.query_file("club_members", [found])


def current_members(members: pd.DataFrame) -> pd.DataFrame:
    """The members that have not left (club_details gives every member the club has had)."""
    return members[members["left_in"].isna()].reset_index(drop=True)


def _school_exists(store: Store, urn: int) -> bool:
    return bool(store.query_file("school_exists", [urn])["found"][0])


def _membership(store: Store, club: int, urn: int) -> tuple[int, int | None] | None:
    found = store.query_file("club_membership", [club, urn])
    if found.empty:
        return None
    left = found["left_in"][0]
    return int(found["joined"][0]), (None if pd.isna(left) else int(left))


def add_member(store: Store, name: str, urn: int, year: int) -> None:
    """A school joins a club in `year` (again, if it had left: its new membership starts then)."""
    found = club_id(store, name)
    if not _school_exists(store, urn):
        raise BenchmarkingError(f"URN {urn} is not in the store.")
    membership = _membership(store, found, urn)
    if membership and membership[1] is None:
        raise BenchmarkingError(f"URN {urn} is already a member of {name!r} (since {membership[0]}).")
    store.touch("clubs")
    store.execute_file("rejoin_club_member", [found, urn, int(year)])


def remove_member(store: Store, name: str, urn: int, year: int) -> None:
    """A school leaves a club in `year`: it stays in the club's history as a member from the year it joined
    until then. Leaving in the year it joined (or before) means it never took part, so no history is kept."""
    found = club_id(store, name)
    membership = _membership(store, found, urn)
    if membership is None or membership[1] is not None:
        raise BenchmarkingError(f"URN {urn} is not a member of {name!r}.")
    store.touch("clubs")
    if int(year) <= membership[0]:
        store.execute_file("delete_club_member", [found, urn])
    else:
        store.execute_file("leave_club", [found, urn, int(year)])


def save_pairing(store: Store, urn: int, partner: int, phase: str, year: int, how: str = "by hand") -> str:
    """A school-to-school pairing, stored as a club of two that started in `year`; returns its name."""
    if int(urn) == int(partner):
        raise BenchmarkingError("A school cannot be paired with itself.")
    names = []
    for school in (int(urn), int(partner)):
        if not _school_exists(store, school):
            raise BenchmarkingError(f"URN {school} is not in the store.")
        label = store.query_file("school_label", [school])
        if not label["is_open"][0]:
            raise BenchmarkingError(f"{label['name'][0]} has closed: it cannot be paired.")
        names.append(str(label["name"][0]))
    name = f"Pairing {year}: {names[0]} with {names[1]}"
    save_club(store, name, phase, year, "pairing", {"school": int(urn), "partner": int(partner), "how": how},
              [urn, partner])
    return name


def rename_club(store: Store, name: str, new_name: str) -> None:
    found = club_id(store, name)
    new_name = new_name.strip()
    if not new_name:
        raise BenchmarkingError("A club needs a name.")
    if store.query_file("club_name_taken", [new_name, found])["taken"][0]:
        raise BenchmarkingError(f"There is already a club called {new_name!r}; choose another name.")
    store.touch("clubs")
    store.execute_file("rename_club", [new_name, found])
