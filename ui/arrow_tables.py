"""The Arrow table st.dataframe sends for a page's table, made straight from its columns.

Streamlit turns a pandas frame into Arrow with pyarrow's pandas conversion, which for a table of a few rows costs
more than making the rows did (0.6 ms for the ten columns of My school's inclusion table): most of it describes
the frame's index for pandas, which the dashboard's tables never show. Columns of text, numbers and yes/no go
straight into the same Arrow columns here; a frame with anything else goes through Streamlit's own conversion.
A table a page builds as text (every column a list of words and figures) goes straight from its lists, with no frame
made at all (arrow_of_text). tests/test_arrow_tables.py checks the columns are those Streamlit makes.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

_NUMBERS = "iufb"  # numpy kinds pyarrow converts alike from a column or from its array: integers, floats, bools


class _NotPlain(Exception):
    """A column that is neither text nor numbers: left to Streamlit's conversion."""


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """`frame` as the Arrow table st.dataframe shows (the same columns and values as Streamlit's conversion;
    the index, never shown, is left out)."""
    if frame.columns.is_unique and all(isinstance(name, str) for name in frame.columns):
        try:
            return pa.Table.from_arrays([_column(frame[name]) for name in frame.columns], names=list(frame.columns))
        except _NotPlain:
            pass
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

    return convert_pandas_df_to_arrow_table(frame)


def _column(values: pd.Series) -> pa.Array:
    """One column: numbers as they are (NaN as missing, as pandas' conversion has it); text as text."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python":  # what pandas would hand over, uncopied
        return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    if isinstance(dtype, pd.StringDtype):  # as pandas hands it to pyarrow (large_string where Arrow holds it)
        return pa.array(values.array)
    if dtype.kind in _NUMBERS and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pa.array(values.to_numpy(), from_pandas=True)
    if dtype == object:
        items = values.to_numpy()
        if any(isinstance(item, str) for item in items):  # all missing would be a column of nulls in pandas' eyes
            try:
                return pa.array(items, type=pa.string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # text mixed with other things
                pass
    raise _NotPlain(values.name)


def arrow_of_text(columns: dict[str, list]) -> pa.Table | None:
    """The Arrow table of a table of text (each column a list of strings, a missing one None), as arrow_table would
    make of the frame of those columns; None when a column is not a list of text (its frame decides instead)."""
    arrays = []
    for values in columns.values():
        if not isinstance(values, list) or not any(isinstance(v, str) for v in values) or not all(
                isinstance(v, str) or v is None for v in values):
            return None
        arrays.append(pa.array(values, type=_text_type()))
    return pa.Table.from_arrays(arrays, names=list(columns))


_TEXT_TYPES: dict[str, pa.DataType] = {}


def _text_type() -> pa.DataType:
    """The Arrow type a frame's text column goes to as pandas holds text now: string where it holds Python strings
    (as the dashboard's server does), large_string where it holds Arrow's."""
    storage = pd.get_option("mode.string_storage")
    if storage not in _TEXT_TYPES:
        _TEXT_TYPES[storage] = pa.string() if pd.array(["a"]).dtype.storage == "python" else pa.large_string()
    return _TEXT_TYPES[storage]
