"""Tables, charts and their downloads, the same on every page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from benchmarking import chart_dicts
from benchmarking.csv_export import csv_bytes

from . import data
from .arrow_tables import arrow_of_text, arrow_table
from .format import fmt
from .data.memo import Memo

# Streamlit sizes text in rem, so scaling the root scales everything together, headings included.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem !important; padding-bottom: 1rem !important; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.1rem !important; padding: 0.3rem 0.8rem !important; }
</style>
"""


class _Held:
    """A table as a page shows it, built once: its Arrow table for st.dataframe (what Streamlit would make of the
    frame on every view: about half of what a table costs) and the frame, for its CSV and the projector. A table
    built as columns of text goes to Arrow straight from them; its frame is made only when a CSV or the projector
    asks for it."""

    def __init__(self, source, built: pd.DataFrame | dict[str, list] | None):
        self.source = source  # held too: while this is, no other value takes its id
        text = arrow_of_text(built) if isinstance(built, dict) and built else None
        # Columns of text: held for a frame made only when asked for. Anything else: its frame, and Arrow from it.
        self._columns, self._frame = (built, None) if text is not None else (
            None, pd.DataFrame(built) if isinstance(built, dict) else built)
        self.arrow = text if text is not None or self._frame is None or self._frame.empty else arrow_table(self._frame)
        self.rows = 0 if self.arrow is None else self.arrow.num_rows

    @property
    def frame(self) -> pd.DataFrame | None:
        if self._frame is None and self._columns is not None:
            self._frame = pd.DataFrame(self._columns)  # two sessions at once make the same frame: either serves
        return self._frame


_TABLES = Memo(max_entries=600, ttl=3600)


def held_table(source, build, *key) -> _Held:
    """The table `build()` makes of `source`, a value a shared cache of ui.data handed out (never changed), built
    once per source and `key` (anything else the table depends on) for every session that shows it."""
    return _TABLES.get((id(source),) + key, lambda: _Held(source, build()))


def table(frame: pd.DataFrame | _Held, file_name: str, projector: bool = False, empty: str = "Nothing to show.",
          key: str | None = None, column_config: dict | None = None, on_download=None, on_select=None):
    """A table with a CSV download of exactly what is shown (safe to open in Excel); a clear message when
    there is nothing. on_download: called when the file is made for a download (the audit log); on_select: rows can
    be picked (the table's selection event is returned). `frame` may be a held_table."""
    if isinstance(frame, _Held):
        if not frame.rows:
            st.info(empty)
            return None
        held, frame = frame, None  # the held frame only where it is needed: the projector's table, a CSV
        shown = held.arrow
    else:
        if frame is None or frame.empty:
            st.info(empty)
            return None
        held, shown = None, None
    if shown is None and not projector:
        shown = arrow_table(frame)
    event = None
    if projector:
        frame = held.frame if held else frame
        st.table(frame.style.format(lambda v: f"{v:,.6g}" if isinstance(v, float) else v, na_rep="–"))
    elif on_select:
        event = st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config, key=f"{key or file_name}_rows",
                             on_select="rerun", selection_mode="single-row")
    else:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config)
    if not projector:  # on the projector a table is for showing; downloads are for the desk
        def contents() -> bytes:  # made, and any download recorded, only when the button is clicked
            if on_download:
                on_download()
            return csv_bytes(held.frame if held else frame)

        # No rerun on a click: a rerun would give every other download button a new file, and a click on one
        # of them meanwhile (a second download straight after the first) would then start no download.
        st.download_button("Download CSV", contents, file_name=file_name, mime="text/csv",
                           key=key or f"download_{file_name}", on_click="ignore")
    return event


def context_table(group, median_label: str) -> dict[str, list]:
    """A school's context beside its group's median, feature by feature (My school's club, Similar schools' group),
    as the columns of a held_table."""
    comparison = group.comparison()
    digits = comparison["digits"].tolist()
    return {"Feature": comparison["label"].tolist(),
            "This school": [fmt(v, d) for v, d in zip(comparison["school"].tolist(), digits)],
            median_label: [fmt(v, d) for v, d in zip(comparison["group_median"].tolist(), digits)]}


_FIGURES = Memo(max_entries=400, ttl=3600)


def figure(key: tuple, build, anonymised: bool):
    """A chart built once per set of inputs (`key` must name them all): plotly spends far longer building
    a figure than sending it. Anonymised charts are built each time, as their letters belong to one session."""
    if anonymised:
        return chart_dicts.built(build)
    return _FIGURES.get((data.data_key(),) + key, lambda: chart_dicts.built(build))


def chart(fig, key: str, on_select: str = "ignore"):
    """A plotly chart with its own PNG export (the toolbar's camera). `fig`: a figure, or a function that builds one
    (then built straight into what is sent, chart_dicts.built)."""
    return st.plotly_chart(chart_dicts.built(fig) if callable(fig) else fig, width="stretch", key=key, on_select=on_select,
                           config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})


def section(title: str, key: str):
    """A section of detail drawn only once opened: a collapsed expander that reruns the page when opened or closed
    (Streamlit's stateful expander), so a view works out and sends only what is on screen. The expander to draw
    into while open, None while closed. It stays open as the visitor moves from school to school on the page."""
    box = st.expander(title, key=key, on_change="rerun")
    return box if box.open else None


def picked_row(event, rows):
    """The frame row of the point a visitor clicked on a chart, or None. rows(): each trace's rows in order,
    worked out only when a point was clicked (not on every view)."""
    selection = getattr(event, "selection", None) or (event.get("selection") if isinstance(event, dict) else None)
    points = (selection.get("points") if isinstance(selection, dict) else getattr(selection, "points", None)) or []
    if points:
        rows = rows()
    for point in points:
        curve, index = point.get("curve_number"), point.get("point_index", point.get("point_number"))
        if curve in rows and index is not None and 0 <= int(index) < len(rows[curve]):
            return rows[curve][int(index)]
    return None


def document_download(label: str, make, file_name: str, key: str) -> None:
    """A button that makes a printable HTML document only when clicked. A document that cannot be made says
    why, as a one-line HTML file, rather than failing the download."""
    from html import escape

    from benchmarking.errors import BenchmarkingError

    def contents() -> bytes:
        try:
            return make().encode("utf-8")
        except BenchmarkingError as exc:
            return f"<!DOCTYPE html><meta charset='utf-8'><p>{escape(str(exc))}</p>".encode("utf-8")

    st.download_button(label, contents, file_name=file_name, mime="text/html", key=key, on_click="ignore",
                       help="One HTML file that opens offline and prints on A4")


def page_script(html: str) -> None:
    """A script of ours that acts on the page (keys, scrolling): run in an iframe of the page's own origin,
    one pixel high, so it takes no room."""
    st.iframe(html, height=1)
