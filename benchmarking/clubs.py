"""Benchmarking clubs: meeting-sized groups of similar schools, formed, stored and edited.

Forming splits every school of a pool into clubs of about `size` members, each school in exactly one,
as tight as possible on the similar-schools features, never under size/2 or over 2 x size members.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .similarity import SimilarityIndex
from .store import Store

DEFAULT_SIZE = 12


def club_size_limits(size: int) -> tuple[int, int]:
    """The smallest and largest club allowed for a target size: size/2 and 2 x size."""
    return math.ceil(size / 2), 2 * size


def _assign_with_capacity(points: np.ndarray, centres: np.ndarray, capacity: int) -> np.ndarray:
    """Each point to its nearest centre that still has room; points that lose most by waiting go first."""
    from sklearn.neighbors import NearestNeighbors  # imported here: scikit-learn takes 0.4 s to load, and
    # pages that only read or edit clubs should not pay it on their first visit (bench: first visit)

    reach = min(len(centres), 40)
    distance, nearest = NearestNeighbors(n_neighbors=reach).fit(centres).kneighbors(points)
    regret = distance[:, 1] - distance[:, 0] if reach > 1 else np.zeros(len(points))
    load = np.zeros(len(centres), dtype=int)
    labels = np.full(len(points), -1)
    for i in np.argsort(-regret, kind="stable"):
        for c in nearest[i]:
            if load[c] < capacity:
                labels[i], load[c] = c, load[c] + 1
                break
        else:  # every nearby club is full: take the nearest club with room anywhere
            open_clubs = np.flatnonzero(load < capacity)
            c = open_clubs[np.argmin(((centres[open_clubs] - points[i]) ** 2).sum(axis=1))]
            labels[i], load[c] = c, load[c] + 1
    return labels


def form_clubs(points: np.ndarray, size: int = DEFAULT_SIZE, seed: int = 0, rounds: int = 4) -> np.ndarray:
    """Club labels (0..m-1) for points in the weighted, standardised feature space.

    k-means gives tight centres; capacity-limited nearest-centre assignment keeps clubs near `size`;
    clubs left under size/2 are dissolved into their members' nearest clubs with room.
    """
    n = len(points)
    if size < 2:
        raise BenchmarkingError("A club needs at least 2 members.")
    smallest, largest = club_size_limits(size)
    if n <= largest:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import KMeans  # imported here, as in _assign_with_capacity

    clubs = max(1, round(n / size))
    centres = KMeans(n_clusters=clubs, n_init=1, random_state=seed).fit(points).cluster_centers_
    capacity = min(largest, math.ceil(size * 1.25))
    for _ in range(rounds):
        labels = _assign_with_capacity(points, centres, capacity)
        centres = np.vstack([points[labels == c].mean(axis=0) if (labels == c).any() else centres[c]
                             for c in range(len(centres))])
    while True:
        counts = np.bincount(labels, minlength=len(centres))
        small = np.flatnonzero((counts > 0) & (counts < smallest))
        if len(small) == 0:
            break
        keep = np.flatnonzero(counts >= smallest)
        movers = np.isin(labels, small)
        load = counts[keep].copy()
        for i in np.flatnonzero(movers):
            order = np.argsort(((centres[keep] - points[i]) ** 2).sum(axis=1))
            c = next(j for j in order if load[j] < largest)
            labels[i], load[c] = keep[c], load[c] + 1
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def club_spread(points: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Each club's size and mean distance of its members from the club's centre (lower is tighter)."""
    frame = pd.DataFrame({"club": labels})
    centres = np.vstack([points[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    frame["distance"] = np.sqrt(((points - centres[labels]) ** 2).sum(axis=1))
    return frame.groupby("club").agg(members=("distance", "size"), spread=("distance", "mean")).reset_index()


# -- stored clubs ---------------------------------------------------------------------------------

def save_club(store: Store, name: str, phase: str, year: int, method: str, settings: dict, urns) -> int:
    """Store a new club; the name must be new."""
    name = name.strip()
    if not name:
        raise BenchmarkingError("A club needs a name.")
    if not store.query("SELECT 1 FROM clubs WHERE lower(name) = lower(?)", [name]).empty:
        raise BenchmarkingError(f"There is already a club called {name!r}; choose another name.")
    urns = sorted({int(u) for u in urns})
    unknown = set(urns) - set(store.query("SELECT urn FROM schools WHERE urn IN (SELECT unnest(?))", [urns])["urn"])
    if unknown:
        raise BenchmarkingError("Not in the store: URN " + ", ".join(map(str, sorted(unknown))) + ".")
    with store.transaction():
        club_id = store.con.execute(
            "INSERT INTO clubs (name, phase, year, method, settings) VALUES (?, ?, ?, ?, ?) RETURNING club_id",
            [name, phase, year, method, json.dumps(settings)]).fetchone()[0]
        store.con.executemany("INSERT INTO club_members VALUES (?, ?)", [[club_id, u] for u in urns])
    return club_id


def form_and_save_clubs(store: Store, index: SimilarityIndex, size: int = DEFAULT_SIZE) -> pd.DataFrame:
    """Form clubs for every school of the index's pool and store them, replacing clubs formed before for
    the same phase and year. Returns one row per club: name, members, spread."""
    eligible = ~np.isin(index.urns, list(index.excluded)) & index.present.all(axis=1)
    points = index.scaled[eligible]
    labels = form_clubs(points, size)
    spread = club_spread(points, labels)
    phase, year = index.phase, index.year
    settings = {"size": size, "weights": index.weights, "features": index.used}
    names = [f"{phase.capitalize()} {year} club {club + 1:03d}" for club in range(labels.max() + 1)]
    members = pd.DataFrame({"name": np.array(names)[labels], "urn": index.urns[eligible]})
    with store.transaction():
        store.con.execute(
            """
            DELETE FROM club_members WHERE club_id IN
                (SELECT club_id FROM clubs WHERE method = 'formed' AND phase = ? AND year = ?)
            """, [phase, year])
        store.con.execute("DELETE FROM clubs WHERE method = 'formed' AND phase = ? AND year = ?", [phase, year])
        taken = store.query("SELECT name FROM clubs WHERE lower(name) IN (SELECT lower(unnest(?)))", [names])
        if not taken.empty:
            raise BenchmarkingError(f"A club made by hand is already called {taken['name'][0]!r}; rename it first.")
        store.con.executemany("INSERT INTO clubs (name, phase, year, method, settings) VALUES (?, ?, ?, 'formed', ?)",
                              [[n, phase, year, json.dumps(settings)] for n in names])
        with store._registered("formed_members", members):
            store.con.execute(
                """
                INSERT INTO club_members
                SELECT c.club_id, m.urn FROM formed_members m JOIN clubs c USING (name)
                """)
    spread["name"] = names
    return spread[["name", "members", "spread"]]


def _club_id(store: Store, name: str) -> int:
    found = store.query("SELECT club_id FROM clubs WHERE lower(name) = lower(?)", [name.strip()])
    if found.empty:
        raise BenchmarkingError(f"No club called {name!r}. `python -m benchmarking clubs list` shows them.")
    return int(found["club_id"][0])


def list_clubs(store: Store) -> pd.DataFrame:
    return store.query(
        """
        SELECT c.name, c.phase, c.year, c.method, count(m.urn) AS members, c.created_at
        FROM clubs c LEFT JOIN club_members m USING (club_id)
        GROUP BY ALL ORDER BY c.phase, c.year, c.name
        """
    )


def club_details(store: Store, name: str) -> tuple[dict, pd.DataFrame]:
    """A club's record and its members with their LA."""
    club_id = _club_id(store, name)
    club = store.query("SELECT * FROM clubs WHERE club_id = ?", [club_id]).iloc[0].to_dict()
    club["settings"] = json.loads(club["settings"])
    members = store.query(
        """
        SELECT s.urn, coalesce(s.name, 'School ' || s.urn) AS name, s.la_code,
               coalesce(la.la_name, 'LA ' || s.la_code) AS la_name
        FROM club_members m JOIN schools s USING (urn)
        LEFT JOIN local_authorities la ON la.la_code = s.la_code
        WHERE m.club_id = ? ORDER BY name
        """, [club_id])
    return club, members


def add_member(store: Store, name: str, urn: int) -> None:
    club_id = _club_id(store, name)
    if store.query("SELECT 1 FROM schools WHERE urn = ?", [urn]).empty:
        raise BenchmarkingError(f"URN {urn} is not in the store.")
    store.execute("INSERT OR IGNORE INTO club_members VALUES (?, ?)", [club_id, urn])


def remove_member(store: Store, name: str, urn: int) -> None:
    club_id = _club_id(store, name)
    if store.query("SELECT 1 FROM club_members WHERE club_id = ? AND urn = ?", [club_id, urn]).empty:
        raise BenchmarkingError(f"URN {urn} is not a member of {name!r}.")
    store.execute("DELETE FROM club_members WHERE club_id = ? AND urn = ?", [club_id, urn])


def rename_club(store: Store, name: str, new_name: str) -> None:
    club_id = _club_id(store, name)
    new_name = new_name.strip()
    if not new_name:
        raise BenchmarkingError("A club needs a name.")
    clash = store.query("SELECT 1 FROM clubs WHERE lower(name) = lower(?) AND club_id <> ?", [new_name, club_id])
    if not clash.empty:
        raise BenchmarkingError(f"There is already a club called {new_name!r}; choose another name.")
    store.execute("UPDATE clubs SET name = ? WHERE club_id = ?", [new_name, club_id])
