"""Charts made straight into the dict st.plotly_chart sends, with no plotly figure built on the way.

A plotly figure costs more to build, and to turn back into a dict (it deep-copies itself), than the page spends on
anything else in a chart; pages only draw their charts, so they are made as that dict directly: a trace's and the
layout's own properties in name order (a trace's type last), nested ones as given, numeric arrays as plotly.js
typed arrays. tests/test_charts.py checks that the bytes sent are those of the figure itself.
"""
from __future__ import annotations

import base64
from contextvars import ContextVar

import numpy as np
import plotly.graph_objects as go

_AS_SENT = ContextVar("charts_as_sent", default=False)
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}  # the arrays plotly sends as typed arrays
_NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}
_KEPT_AS_GIVEN = {"geojson", "layer", "layers", "range"}  # properties plotly never encodes


class Built(go.Figure):
    """A figure held as the plain dict plotly would make of it (what st.plotly_chart asks a figure for), handed
    over as it is: nothing changes it."""

    def __init__(self, spec: dict):  # the figure's own state is never made
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def __repr__(self) -> str:
        return f"built figure of {len(self._spec.get('data', []))} traces"


def built(build) -> Built:
    """The chart `build()` makes (a function of benchmarking.charts), as the dict it is sent as."""
    token = _AS_SENT.set(True)
    try:
        made = build()
    finally:
        _AS_SENT.reset(token)
    return made if isinstance(made, Built) else Built(made.to_dict())


def figure(spec: dict) -> go.Figure:
    """A chart of `spec` (data and layout): held as sent inside built(), a plotly figure elsewhere."""
    if _AS_SENT.get():
        return Built(as_sent(spec))
    return go.Figure(spec, _validate=False)


def trace_as_sent(trace: dict) -> dict:
    """A trace as it is sent: a backdrop made once a year is then not encoded again for every chart it is in."""
    return as_sent({"data": [trace], "layout": {}})["data"][0]


def as_sent(spec: dict) -> dict:
    """The dict a plotly figure of `spec` makes of itself. Dicts and lists are copied; arrays are shared, never
    changed (a spec may hold a backdrop every school's chart shares)."""
    def trace(given: dict) -> dict:
        return {**{key: _value(key, given[key]) for key in sorted(given) if key != "type"},
                "type": given.get("type", "scatter")}

    layout = spec["layout"]
    return {"data": [trace(given) for given in spec["data"]],
            "layout": {key: _value(key, layout[key]) for key in sorted(layout)}}


def _value(key: str, value):
    """A property's value as sent: a numeric array as a typed array, dicts and lists copied (_copied)."""
    if key in _KEPT_AS_GIVEN:
        return value
    if isinstance(value, np.ndarray):
        return _typed(value)
    if isinstance(value, (dict, list, tuple)):
        return _copied(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    from _plotly_utils.basevalidators import is_homogeneous_array
    from _plotly_utils.utils import to_typed_array_spec

    return to_typed_array_spec(value) if is_homogeneous_array(value) else value


def _copied(value):
    """A dict with its properties as sent; a list copied item by item (an array directly inside a list is sent as a
    list, as plotly sends it)."""
    if isinstance(value, dict):
        return {k: _value(k, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copied(v) for v in value]
    return value


def _typed(values: np.ndarray):
    """plotly.js's typed array of a numeric array (64-bit integers narrowed to the smallest type that holds them,
    as plotly does); any other array as plotly itself sends it."""
    kind = str(values.dtype)
    if kind in _NARROWER and values.size:
        low, high = values.min(), values.max()
        narrower = next((t for t in _NARROWER[kind] if np.iinfo(t).min <= low and high <= np.iinfo(t).max), None)
        if narrower is None:
            return values
        values, kind = values.astype(narrower), np.dtype(narrower).name
    if kind == "object":  # text: sent as a list, as plotly's read-only copy of it would be (without the copy)
        return values
    if kind not in _TYPED or not values.size:
        from _plotly_utils.utils import to_typed_array_spec

        return to_typed_array_spec(values)
    typed = {"dtype": _TYPED[kind], "bdata": base64.b64encode(np.ascontiguousarray(values)).decode("ascii")}
    if values.ndim > 1:
        typed["shape"] = str(values.shape)[1:-1]
    return typed
