"""Anonymised mode: every school but the host becomes "School A", "School B"... consistently.

One Anonymiser lives for a whole dashboard session, so a school keeps its letter across pages, tables,
charts, hovers and downloads.
"""
from __future__ import annotations

from string import ascii_uppercase

import pandas as pd

IDENTIFYING = ("name", "urn", "school")
UNNAMED = "Another school"  # a school outside the group on show: no letter, no name


def letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB ..."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = ascii_uppercase[remainder] + label
    return label


class Anonymiser:
    """Stable pseudonyms for schools other than the host; a no-op when switched off."""

    def __init__(self, host_urn: int | None = None, enabled: bool = True):
        self.host_urn = host_urn
        self.enabled = enabled
        self._labels: dict[int, str] = {}

    def label(self, urn: int, name: str) -> str:
        if not self.enabled or urn == self.host_urn:
            return name
        urn = int(urn)
        if urn not in self._labels:
            self._labels[urn] = f"School {letters(len(self._labels))}"
        return self._labels[urn]

    def frame(self, frame: pd.DataFrame, name_column: str = "name", urn_column: str = "urn",
              lettered=None) -> pd.DataFrame:
        """A copy with other schools' names replaced, in row order, and their URNs hidden. Schools in
        `lettered` (default: every school) get letters; the rest are all "Another school"."""
        if not self.enabled or frame.empty or name_column not in frame:
            return frame
        out = frame.copy()
        keep = None if lettered is None else {int(u) for u in lettered}
        out[name_column] = [self.label(u, n) if keep is None or int(u) in keep or u == self.host_urn else UNNAMED
                            for u, n in zip(out[urn_column], out[name_column])]
        if urn_column in out:
            out[urn_column] = [u if u == self.host_urn else None for u in out[urn_column]]
            out[urn_column] = out[urn_column].astype("Int64")
        return out
