"""Benchmarking clubs: meeting-sized groups of similar schools, formed, stored and edited.

Forming splits every school of a pool into clubs of about `size` members, each school in exactly one,
as tight as possible on the similar-schools features, never under size/2 or over 2 x size members.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import BenchmarkingError
from .phases import PHASES

DEFAULT_SIZE = PHASES["secondary"].club_size


def club_size_limits(size: int) -> tuple[int, int]:
    """The smallest and largest club allowed for a target size: size/2 and 2 x size."""
    return math.ceil(size / 2), 2 * size


def _assign_with_capacity(points: np.ndarray, centres: np.ndarray, capacity: int, extra: int = 0) -> np.ndarray:
    """Each point to its nearest centre that still has room; points that lose most by waiting go first.
    Every centre takes `capacity` points, and `extra` of them one more (so sizes differ by one at most)."""
    from sklearn.neighbors import NearestNeighbors  # imported here: scikit-learn takes 0.4 s to load, and
    # pages that only read or edit clubs should not pay it on their first visit (bench: first visit)

    reach = min(len(centres), 40)
    distance, nearest = NearestNeighbors(n_neighbors=reach).fit(centres).kneighbors(points)
    regret = distance[:, 1] - distance[:, 0] if reach > 1 else np.zeros(len(points))
    load = np.zeros(len(centres), dtype=int)
    labels = np.full(len(points), -1)

    def room(c: int) -> bool:
        return load[c] < capacity or (load[c] == capacity and extra > 0)

    for i in np.argsort(-regret, kind="stable"):
        c = next((c for c in nearest[i] if room(c)), None)
        if c is None:  # every nearby club is full: take the nearest club with room anywhere
            open_clubs = np.flatnonzero([room(c) for c in range(len(centres))])
            c = open_clubs[np.argmin(((centres[open_clubs] - points[i]) ** 2).sum(axis=1))]
        if load[c] == capacity:
            extra -= 1
        labels[i], load[c] = c, load[c] + 1
    return labels


def form_clubs(points: np.ndarray, size: int = DEFAULT_SIZE, seed: int = 0, rounds: int = 4) -> np.ndarray:
    """Club labels (0..m-1) for points in the weighted, standardised feature space.

    k-means gives tight centres; capacity-limited nearest-centre assignment gives every club n // clubs
    members or one more, so the mean size is within half a school of `size` when n is large; clubs that
    could still end under size/2 are dissolved into their members' nearest clubs with room.
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
    # Even shares: every club gets n // clubs members and some one more, so the mean is n / clubs, close to
    # `size` (a looser capacity left some clubs tiny, and dissolving them made the rest too big).
    capacity, extra = divmod(n, clubs)
    for _ in range(rounds):
        labels = _assign_with_capacity(points, centres, capacity, extra)
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
