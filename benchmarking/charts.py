"""Chart builders: tidy DataFrames in, plotly figures out, all in one theme.

Projector mode makes type and markers large, lines thick and colours high-contrast, for a room at
1920 x 1080. The host school is always the one highlighted colour.

Each figure is assembled as one specification (traces and layout) and built once, with no plotly template:
applying a template and validating property by property took far longer than drawing (tests check that
every figure is a valid plotly figure all the same).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import chart_dicts
from .numbers import number, ordinal
from .rank_interval import UNKNOWN_INTERVAL, interval_known


@dataclass(frozen=True)
class Theme:
    font_size: int
    marker_size: int
    line_width: float
    height: int
    host: str
    others: str
    muted: str
    limit: str
    font_family: str = "Source Sans Pro, Arial, sans-serif"


NORMAL = Theme(font_size=14, marker_size=9, line_width=1.5, height=460,
               host="#d62728", others="#1f77b4", muted="#b8c4d0", limit="#6b6b6b")
PROJECTOR = Theme(font_size=26, marker_size=20, line_width=4, height=820,
                  host="#e4002b", others="#003f8a", muted="#8a9bb0", limit="#000000")
GROUP_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
# Plotly's "none" template as validation would spell it out: figures are built without validating each
# property (for a funnel of 3,000 schools that took longer than everything else on the page), so every
# property is given in the form validation would leave it in; tests/test_charts.py checks each figure in full.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}
GRID = "#e6e6e6"
INK = "#111111"


def text(values) -> np.ndarray:
    """Names and other text from files, escaped for plotly, which reads a few HTML tags in text: a school's
    name is always shown as written, never as a link or markup."""
    return np.array([html.escape(str(v), quote=False) for v in values], dtype=object)


def theme(projector: bool) -> Theme:
    return PROJECTOR if projector else NORMAL


def _axis(title: str, t: Theme, **extra) -> dict:
    font = {"size": t.font_size, "color": INK}
    return {"title": {"text": html.escape(title, quote=False), "font": font}, "tickfont": font, "automargin": True,
            "gridcolor": GRID, "zerolinecolor": GRID, "linecolor": INK, **extra}


def _figure(traces: list[dict], t: Theme, title: str, x_title: str, y_title: str, height: int | None = None,
            shapes: list[dict] | None = None, annotations: list[dict] | None = None,
            xaxis: dict | None = None, yaxis: dict | None = None) -> go.Figure:
    """One figure from its traces, in the theme: built once."""
    layout = {
        "title": {"text": html.escape(title, quote=False), "font": {"size": round(t.font_size * 1.3)}},
        "font": {"size": t.font_size, "family": t.font_family, "color": INK},
        "height": height or t.height, "template": NO_TEMPLATE, "paper_bgcolor": "white", "plot_bgcolor": "white",
        "showlegend": True, "legend": {"font": {"size": t.font_size}}, "hoverlabel": {"font": {"size": t.font_size}},
        "margin": {"l": 10, "r": 10, "t": round(t.font_size * 3.5), "b": 10},
        "xaxis": _axis(x_title, t, **(xaxis or {})), "yaxis": _axis(y_title, t, **(yaxis or {})),
    }
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return chart_dicts.figure({"data": traces, "layout": layout})


def _vline(x: float, t: Theme, dash: str = "solid") -> dict:
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": {"color": t.limit, "width": t.line_width, "dash": dash}}


def _hline(y: float, t: Theme) -> dict:
    return {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": t.limit, "width": t.line_width / 2}}


def _colours(frame: pd.DataFrame, t: Theme, rows: np.ndarray) -> list[str]:
    return [t.host if host else t.others for host in frame["is_host"].to_numpy()[rows]]


def _sorted_rows(frame: pd.DataFrame, column: str, descending: bool) -> np.ndarray:
    """The positions of the rows with a value in `column`, in the order frame.dropna().sort_values() gives them,
    ties included (pandas' own steps, without copying the frame twice)."""
    values = frame[column].to_numpy(dtype=float, na_value=np.nan)
    kept = _rows_with(frame, (column,))
    if descending:
        return kept[::-1][values[kept[::-1]].argsort(kind="quicksort")][::-1]
    return kept[values[kept].argsort(kind="quicksort")]


def ranked_bars(frame: pd.DataFrame, measure_label: str, t: Theme, higher_is_better: bool = True, digits: int = 1,
                height: int | None = None) -> go.Figure:
    """One measure for every school of a group, best first, each bar labelled with its value (and, where the
    frame has rank, rank_low and rank_high, its rank with the rank's 95% interval), and the group's median as a
    line. frame: name, value, is_host."""
    rows = _sorted_rows(frame, "value", descending=higher_is_better)
    values = frame["value"].to_numpy()[rows]
    labels = [number(v, digits) for v in values]
    if "rank_low" in frame:
        labels = [f"{label}  ·  {ordinal(int(r))} ("
                  + (f"{int(lo)} to {int(hi)}" if interval_known(lo, hi) else UNKNOWN_INTERVAL) + ")"
                  for label, r, lo, hi in zip(labels, *(frame[c].to_numpy()[rows] for c in ("rank", "rank_low", "rank_high")))]
    trace = {"type": "bar", "x": values, "y": text(frame["name"].to_numpy()[rows]), "orientation": "h",
             "marker": {"color": _colours(frame, t, rows)}, "text": np.array(labels, dtype=object),
             "textposition": "outside", "cliponaxis": False, "textfont": {"size": t.font_size},
             "hovertemplate": "%{y}: %{x:.1f}<extra></extra>", "name": measure_label, "showlegend": False}
    shapes, annotations = [], []
    if len(rows):
        median = float(np.median(values.astype(float)))
        shapes.append(_vline(median, t, "dash"))
        annotations.append({"x": median, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                            "text": f"club median {number(median, digits)}", "font": {"size": t.font_size}})
    return _figure([trace], t, measure_label, measure_label, "", shapes=shapes, annotations=annotations,
                   height=height or max(t.height, 40 + len(rows) * t.font_size * 2), yaxis={"autorange": "reversed"})


def ci_dots(frame: pd.DataFrame, title: str, t: Theme, x_title: str = "Value added", height: int | None = None) -> go.Figure:
    """Scores with 95% confidence whiskers, highest first. frame: name, va, ci_low, ci_high, n, is_host."""
    rows = _sorted_rows(frame, "va", descending=True)
    va, low, high = (frame[c].to_numpy(dtype=float, na_value=np.nan)[rows] for c in ("va", "ci_low", "ci_high"))
    trace = {"type": "scatter", "x": frame["va"].to_numpy()[rows], "y": text(frame["name"].to_numpy()[rows]), "mode": "markers", "showlegend": False,
             "marker": {"size": t.marker_size, "color": _colours(frame, t, rows)},
             "error_x": {"type": "data", "symmetric": False, "array": high - va, "arrayminus": va - low,
                         "thickness": t.line_width, "color": t.limit},
             "customdata": np.column_stack([low, high, frame["n"].to_numpy()[rows]]),
             "hovertemplate": "%{y}<br>%{x:.2f} (95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f}), "
                              "%{customdata[2]} pupils<extra></extra>"}
    return _figure([trace], t, title, x_title, "", shapes=[_vline(0, t)], yaxis={"autorange": "reversed"},
                   height=height or max(t.height, 40 + len(rows) * t.font_size * 2))


def _limit_traces(limits: pd.DataFrame, t: Theme) -> list[dict]:
    traces = []
    for label, dash in (("95%", "dash"), ("99.8%", "dot")):
        for side in ("lower", "upper"):
            traces.append({"type": "scatter", "x": limits["n"].to_numpy(), "y": limits[f"{side}_{label}"].to_numpy(),
                           "mode": "lines", "name": f"{label} limits", "showlegend": side == "upper", "hoverinfo": "skip",
                           "line": {"color": t.limit, "dash": dash, "width": t.line_width}})
    return traces


DENSITY_ABOVE = 1500  # more schools than this are drawn as a shaded density: thousands of dots show no more
DENSITY_BINS = 60


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def density(x, y, name: str, colour: str, hover: str) -> dict:
    """Many schools as a shaded density (how many fall in each cell of a 60 x 60 grid over their range) rather
    than thousands of points: the same picture, a fraction of the page's weight, and each cell says its count."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    counts, x_edges, y_edges = np.histogram2d(x, y, bins=DENSITY_BINS)
    return {"type": "heatmap", "x": (x_edges[:-1] + x_edges[1:]) / 2, "y": (y_edges[:-1] + y_edges[1:]) / 2,
            "z": np.where(counts.T > 0, counts.T, np.nan), "name": name, "showscale": False, "hoverongaps": False,
            "colorscale": [[0.0, _rgba(colour, 0.25)], [1.0, _rgba(colour, 0.95)]],
            "hovertemplate": f"%{{z}} {hover} here<extra>{html.escape(name, quote=False)}</extra>"}


def schools_density(x, y, colour: str, what: str = "Schools") -> dict:
    """A pool of thousands of schools as one shaded trace (density), named with how many it holds."""
    return density(x, y, f"{what} ({len(x):,}, shaded by how many)", colour, "schools")


def funnel(points: pd.DataFrame, limits: pd.DataFrame, title: str, t: Theme, y_title: str = "Value added",
           height: int | None = None, backdrop: dict | None = None) -> go.Figure:
    """Score against cohort size with 95% and 99.8% limits, the schools' markers translucent so that the
    limits show through, the host on top in its own colour. points: name, n, va, is_host. Thousands of schools
    (a national funnel) are drawn as a shaded density, the host still a point of its own; `backdrop`: that
    density made once for every host (schools_density), with `points` the host alone."""
    rows = _rows_with(points, ("va", "n"))
    host = points["is_host"].to_numpy(dtype=bool)[rows]
    n, va = points["n"].to_numpy(), points["va"].to_numpy()
    traces = _limit_traces(limits, t)
    if backdrop is None and len(rows) - host.sum() > DENSITY_ABOVE:
        backdrop = schools_density(n[rows[~host]], va[rows[~host]], t.others)
    if backdrop is not None:
        traces.insert(0, backdrop)
    for is_host, name in ((False, "Schools"), (True, "This school")):
        if not is_host and backdrop is not None:
            continue
        part = rows[host == is_host]
        traces.append({"type": "scatter", "x": n[part], "y": va[part], "mode": "markers",
                       "name": name, "text": text(points["name"].to_numpy()[part]),
                       "marker": {"size": t.marker_size * (1.8 if is_host else 1), "color": t.host if is_host else t.others,
                                  "opacity": 1.0 if is_host else 0.35,
                                  "line": {"width": 2 if is_host else 0, "color": "#ffffff"}},
                       "hovertemplate": "%{text}<br>%{y:.2f} with %{x} pupils<extra></extra>"})
    return _figure(traces, t, title, "Pupils in the measure", y_title, height=height)


def _rows_with(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """The positions of the rows with a value in every one of `columns` (dropna's rows, without its copies)."""
    kept = np.ones(len(frame), dtype=bool)
    for column in columns:
        kept &= pd.notna(frame[column].to_numpy())  # on the array: no Series made per column
    return np.flatnonzero(kept)


def _as_expected_line(frame: pd.DataFrame, rows: np.ndarray, t: Theme) -> dict:
    """The y = x line across the expected and actual values of `rows`: above it, better than expected."""
    values = np.concatenate([frame[c].to_numpy(dtype=float)[rows] for c in ("expected", "actual")])
    low, high = (float(np.nanmin(values)), float(np.nanmax(values))) if values.size else (0.0, 1.0)
    return {"type": "scatter", "x": [low, high], "y": [low, high], "mode": "lines", "name": "As expected (y = x)",
            "line": {"color": t.limit, "dash": "dash", "width": t.line_width}, "hoverinfo": "skip"}


def _expected_actual_parts(frame: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """The other schools' and the host's rows (positions) with both an expected and an actual result."""
    kept = _rows_with(frame, ("expected", "actual"))
    host = frame["is_host"].to_numpy(dtype=bool)[kept]
    return [("Schools", kept[~host]), ("This school", kept[host])]


def _points(frame: pd.DataFrame, rows: np.ndarray, label: str) -> dict:
    """A scatter trace's expected (x), actual (y) and hover text (`label`'s values) at `rows`."""
    return {"type": "scatter", "x": frame["expected"].to_numpy()[rows], "y": frame["actual"].to_numpy()[rows],
            "mode": "markers", "text": text(frame[label].to_numpy()[rows])}


def expected_vs_actual(frame: pd.DataFrame, title: str, t: Theme, unit: str = "Attainment 8") -> go.Figure:
    """Schools' expected against actual results with the y = x line. frame: name, expected, actual, is_host.
    A click is traced back to its school by `expected_vs_actual_rows`, so no URN is sent with the points."""
    parts = _expected_actual_parts(frame)
    traces = [_as_expected_line(frame, np.concatenate([rows for _, rows in parts]), t)]
    for name, rows in parts:
        is_host = name == "This school"
        traces.append(_points(frame, rows, "name") | {
            "name": name, "marker": {"size": t.marker_size * (1.6 if is_host else 1), "color": t.host if is_host else t.others},
            "hovertemplate": "%{text}<br>expected %{x:.1f}, actual %{y:.1f}<extra></extra>"})
    return _figure(traces, t, title, f"Expected {unit}", f"Actual {unit}")


def expected_vs_actual_rows(frame: pd.DataFrame) -> dict[int, list]:
    """For each trace of `expected_vs_actual(frame)`, the frame's index of each point, in order (trace 0 is
    the y = x line): how a clicked point is traced back to its row."""
    return {curve: list(frame.index[rows]) for curve, (_, rows) in enumerate(_expected_actual_parts(frame), start=1)}


def pupil_scatter(frame: pd.DataFrame, colour_by: str, title: str, t: Theme, unit: str = "Attainment 8") -> go.Figure:
    """One school's pupils, expected against actual, coloured by a group. Hovers show the pseudonymous id only."""
    kept = _rows_with(frame, ("expected", "actual"))
    traces = [_as_expected_line(frame, kept, t)]
    # The groups as groupby(sort=True, observed=True) gives them: in order, those with pupils, rows as held.
    codes, groups = pd.factorize(frame[colour_by].iloc[kept], sort=True)
    for i, group in enumerate(groups):
        traces.append(_points(frame, kept[codes == i], "pupil_id") | {
            "name": str(group), "marker": {"size": t.marker_size, "color": GROUP_COLOURS[i % len(GROUP_COLOURS)], "opacity": 0.8},
            "hovertemplate": "Pupil %{text}<br>expected %{x:.1f}, actual %{y:.1f}<extra></extra>"})
    return _figure(traces, t, title, f"Expected {unit}", f"Actual {unit}")


def trend(frame: pd.DataFrame, title: str, t: Theme, y_title: str = "Value added", height: int | None = None) -> go.Figure:
    """A school's score over the years with its 95% interval as a band. frame: year, va, ci_low, ci_high (and
    optionally note). A year without a score stays on the axis as a gap, marked "no score", never bridged."""
    in_order = frame["year"].is_monotonic_increasing and frame["year"].is_unique  # as school_trend gives them
    data = frame if in_order else frame.sort_values("year")
    years = data["year"].astype(int).astype(str).tolist()
    scored = data["va"].notna().to_numpy()
    traces = []
    # One band per run of consecutive scored years, so no band crosses a gap.
    runs = np.split(np.arange(len(data)), np.flatnonzero(np.diff(scored.astype(int)) != 0) + 1)
    for run in (r for r in runs if len(r) and scored[r[0]]):
        x = [years[i] for i in run]
        traces.append({"type": "scatter", "x": x + x[::-1],
                       "y": data["ci_high"].to_numpy()[run].tolist() + data["ci_low"].to_numpy()[run].tolist()[::-1],
                       "fill": "toself", "fillcolor": "rgba(120,120,120,0.2)", "line": {"width": 0},
                       "name": "95% interval", "hoverinfo": "skip", "showlegend": bool(run[0] == np.flatnonzero(scored)[0])})
    traces.append({"type": "scatter", "x": years, "y": data["va"].to_numpy(), "mode": "lines+markers", "name": "Score",
                   "line": {"color": t.host, "width": t.line_width}, "marker": {"size": t.marker_size},
                   "connectgaps": False, "hovertemplate": "%{x}: %{y:.2f}<extra></extra>"})
    gaps = [years[i] for i in np.flatnonzero(~scored)]
    if gaps:
        notes = data["note"].to_numpy()[~scored] if "note" in data else ["no score"] * len(gaps)
        traces.append({"type": "scatter", "x": gaps, "y": [0.0] * len(gaps), "mode": "text", "text": ["no score"] * len(gaps),
                       "textfont": {"color": t.limit, "size": t.font_size}, "name": "No score",
                       "customdata": [text([n])[0] if n else "" for n in notes],
                       "hovertemplate": "%{x}: %{customdata}<extra></extra>", "showlegend": False})
    return _figure(traces, t, title, "Year", y_title, height=height, shapes=[_hline(0, t)],
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": years})


def context_scatter(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, title: str, t: Theme,
                    backdrop: dict | None = None, x_digits: int = 1, y_digits: int = 2) -> go.Figure:
    """Every school of a pool on a context feature against an outcome, its similar schools highlighted.
    frame: name, x, y, in_group, is_host. Thousands of other schools are drawn as a shaded density; `backdrop`:
    the whole pool's, made once for every school (schools_density), with `frame` the group and host alone."""
    kept = _rows_with(frame, (x, y))
    host, group = (frame[c].to_numpy(dtype=bool)[kept] for c in ("is_host", "in_group"))
    xs, ys = frame[x].to_numpy(), frame[y].to_numpy()
    traces = []
    for rows, name, colour, size in ((kept[~group & ~host], "Other schools", t.muted, 0.6),
                                     (kept[group & ~host], "Similar schools", t.others, 1.0),
                                     (kept[host], "This school", t.host, 1.6)):
        if name == "Other schools" and (backdrop is not None or len(rows) > DENSITY_ABOVE):
            # a national pool: a density, the group and host on top
            traces.append(backdrop or schools_density(xs[rows], ys[rows], t.others, "Other schools"))
            continue
        traces.append({"type": "scattergl", "x": xs[rows], "y": ys[rows], "mode": "markers", "name": name,
                       "text": text(frame["name"].to_numpy()[rows]), "marker": {"size": t.marker_size * size, "color": colour},
                       "hovertemplate": f"%{{text}}<br>%{{x:,.{x_digits}f}}, %{{y:.{y_digits}f}}<extra></extra>"})
    return _figure(traces, t, title, x_title, y_title)


def event_study(frame: pd.DataFrame, title: str, t: Theme, y_title: str = "Members' gap to comparison schools",
                height: int | None = None) -> go.Figure:
    """A club's event study: each year since joining, the members' gap to their comparison schools (less the
    gap in the year of joining, 0) with its 95% interval. Years before 0 are before the club's work could show:
    a placebo, which should sit on 0.
    frame: years_since_joining, estimate, ci_low, ci_high."""
    data = frame.dropna(subset=["estimate"]).sort_values("years_since_joining")
    since = data["years_since_joining"]
    traces = []
    for mask, name, colour in ((since < 0, "Before joining (placebo)", t.muted), (since == 0, "Year of joining (0 by definition)", t.limit),
                               (since > 0, "After joining", t.host)):
        part = data[mask]
        traces.append({"type": "scatter", "x": part["years_since_joining"].to_numpy(), "y": part["estimate"].to_numpy(),
                       "mode": "markers", "name": name, "marker": {"size": t.marker_size, "color": colour},
                       "error_y": {"type": "data", "symmetric": False,
                                   "array": (part["ci_high"] - part["estimate"]).to_numpy(),
                                   "arrayminus": (part["estimate"] - part["ci_low"]).to_numpy(),
                                   "thickness": t.line_width, "color": colour},
                       "hovertemplate": "%{x} years since joining: %{y:.2f}<extra></extra>"})
    return _figure(traces, t, title, "Years since joining", y_title, height=height, shapes=[_hline(0, t)],
                   xaxis={"dtick": 1})
