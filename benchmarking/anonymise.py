"""Anonymised mode: every school but the host becomes "School A", "School B"... consistently.

One Anonymiser lives for a whole dashboard session, so a school keeps its letter across pages, tables,
charts, hovers and downloads.
"""
from __future__ import annotations

from string import ascii_uppercase

import pandas as pd

IDENTIFYING = ("name", "urn", "school")
UNNAMED = "Another school"  # a school outside the group on show: no letter, no name
# Rounding against re-identification: shares to the nearest 5 points, a school's size to the nearest 100 pupils.
ROUNDING = {"pupils_on_roll": 100}
SHARE_ROUNDING = 5


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

    def __init__(self, host_urn: int | None = None, enabled: bool = True, hide_las: bool = False,
                 round_context: bool = False):
        self.host_urn = host_urn
        self.enabled = enabled
        self.hide_las = hide_las  # against re-identification: no LA named but the host's
        self.round_context = round_context  # and other schools' context figures rounded (ROUNDING)
        self._labels: dict[int, str] = {}
        self._clubs: dict[str, str] = {}

    def label(self, urn: int, name: str) -> str:
        if not self.enabled or urn == self.host_urn:
            return name
        urn = int(urn)
        if urn not in self._labels:
            self._labels[urn] = f"School {letters(len(self._labels))}"
        return self._labels[urn]

    def club(self, name: str) -> str:
        """A club's name, or "Club 1", "Club 2"... (a club is often named after a school)."""
        if not self.enabled:
            return name
        return self._clubs.setdefault(name, f"Club {len(self._clubs) + 1}")

    def coarsen(self, frame: pd.DataFrame, la_column: str = "la_name", context_columns=(), urn_column: str = "urn") -> pd.DataFrame:
        """Other schools' LA names hidden and context figures rounded (shares to the nearest 5, pupils on roll to
        the nearest 100), where chosen."""
        if not self.enabled or frame.empty:
            return frame
        out = frame.copy()
        others = (out[urn_column] != self.host_urn).to_numpy() if urn_column in out else True
        if self.hide_las and la_column in out:
            out[la_column] = out[la_column].where(~others, "An LA")
        if self.round_context:
            for column in context_columns:
                if column in out:
                    step = ROUNDING.get(column, SHARE_ROUNDING)
                    out[column] = out[column].where(~others, (out[column] / step).round() * step)
        return out

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
