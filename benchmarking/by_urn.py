"""A school's rows and values in a year's tables, found by URN: binary searches and slices of tables held in URN
order, which a page view can afford, rather than scans or reindexing of every school's."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .value_added import keys_like, positions_in, sorted_rows


def at_urns(values: pd.Series, urns) -> np.ndarray:
    """The values of `urns` (NaN for a school without one) from a Series indexed by URN: a hash look-up, where a
    reindex would build a new Series on every page view."""
    index = values.index
    if not index.is_unique:
        return values.reindex(urns).to_numpy(dtype=float)
    if index.dtype.kind in "iu" and index.is_monotonic_increasing:  # a year's tables are in URN order
        at, found = positions_in(index.to_numpy(), np.asarray(urns, dtype=np.int64))
    else:
        wanted = keys_like(index.to_numpy(), np.asarray(urns, dtype=np.int64)) if index.dtype.kind in "iu" else urns
        at = index.get_indexer(wanted)  # in the index's own dtype, so its hash table serves without a cast
        found = at >= 0
    out = values.to_numpy(dtype=float)[at] if len(values) else np.full(len(at), np.nan)
    out[~found] = np.nan
    return out


@dataclass(frozen=True)
class RowsByUrn:
    """A frame's rows grouped by school (the frame in URN order): one school's rows are a slice found by a
    binary search, which a page view can afford, rather than a scan of every school's."""
    frame: pd.DataFrame
    urns: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "RowsByUrn":
        # A frame already in URN order is shared, not copied (pandas copies on write): it is often a cached table.
        frame = frame.reset_index(drop=True) if frame["urn"].is_monotonic_increasing else frame.sort_values(
            "urn", kind="stable", ignore_index=True)
        return cls(frame, frame["urn"].to_numpy())

    def rows(self, urn: int) -> pd.DataFrame:
        start, end = self._span(urn)
        return self.frame.iloc[start:end].reset_index(drop=True)

    def _span(self, urn: int) -> tuple[int, int]:
        key = keys_like(self.urns, urn)
        return int(np.searchsorted(self.urns, key, side="left")), int(np.searchsorted(self.urns, key, side="right"))

    def many(self, urns) -> pd.DataFrame:
        """The rows of every school in `urns`, in URN order: slices found by binary search, not a scan."""
        at, _ = sorted_rows(self.urns, np.unique(np.asarray(urns, dtype=np.int64)))
        return self.frame.iloc[at].reset_index(drop=True)

    def columns_of(self, urns) -> dict[str, np.ndarray]:
        """many's rows as arrays, column by column (in URN order): no frame built."""
        at, _ = sorted_rows(self.urns, np.unique(np.asarray(urns, dtype=np.int64)))
        return {column: values[at] for column, values in self._columns.items()}

    def records(self, urn: int) -> list[dict]:
        """The school's rows as dicts, from the frame's columns held as arrays: no frame built per look-up."""
        start, end = self._span(urn)
        return [{column: values[i] for column, values in self._columns.items()} for i in range(start, end)]

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        return {column: self.frame[column].to_numpy() for column in self.frame.columns}
