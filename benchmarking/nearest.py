"""Many schools' nearest schools at once, from one k-d tree: every group of a year (all_groups), and the short
lists that let one school's group be found among a few dozen schools instead of the whole pool (Shortlist)."""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

# How much nearer than the short list's farthest school the k-th nearest must be, relative to that distance, for
# the list to be sure to hold every school as near: far above the rounding that separates the tree's arithmetic
# from the group's own.
MARGIN = 1e-9


def tree_nearest(scaled: np.ndarray, rows: np.ndarray, pool: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, the `width` nearest of the `pool` rows (never the row itself), nearest first: their
    distances as the tree measures them and their rows. SciPy's tree, queried on every core, is exact and about
    twice as fast here as scikit-learn's (bench)."""
    distance, index = cKDTree(scaled[pool], leafsize=32).query(scaled[rows], k=width + 1, workers=-1)
    index = pool[index]
    not_self = index != rows[:, None]  # drop each row from its own list (stable: the others keep their order)
    keep = np.argsort(~not_self, axis=1, kind="stable")[:, :width]
    return np.take_along_axis(distance, keep, 1), np.take_along_axis(index, keep, 1)


class Shortlist:
    """Each listed school's `width` nearest candidates, found for all of them at once (a fifth of a second for
    16,000 primaries, against about 3 ms for each school's own pass over the pool). A group is then worked out
    among those few, exactly as among the whole pool, whenever the list holds every school as near as its k-th:
    `holds` checks that, and the caller looks at the whole pool when it does not."""

    def __init__(self, scaled: np.ndarray, rows: np.ndarray, pool: np.ndarray, width: int):
        self.width = width
        self.slot = np.full(len(scaled), -1, dtype=np.intp)  # each row's line in the list, -1 where none
        self.slot[rows] = np.arange(len(rows))
        reach, listed = tree_nearest(scaled, rows, pool, width)
        self.reach = reach[:, -1]  # the farthest listed candidate's distance
        self.rows = listed.astype(np.int32)

    def candidates(self, row: int, k: int) -> np.ndarray | None:
        """The row's short list (None when it has none, or too short a one for k schools and a margin)."""
        line = self.slot[row]
        return None if line < 0 or k >= self.width else self.rows[line].astype(np.intp)

    def holds(self, row: int, distance: np.ndarray, k: int) -> bool:
        """Whether every school as near as the k-th nearest (by `distance`, the group's own distances to the
        listed candidates) is on the list: every school off it is at least the list's reach away."""
        kth = np.partition(distance, k - 1)[k - 1]
        return bool(kth < self.reach[self.slot[row]] * (1 - MARGIN))
