"""Tables, charts and their downloads, the same on every page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import data

# Streamlit sizes text in rem, so scaling the root scales everything together, headings included.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.15rem !important; padding: 0.45rem 0.8rem !important; }
</style>
"""


def table(frame: pd.DataFrame, file_name: str, projector: bool = False, empty: str = "Nothing to show.",
          key: str | None = None, column_config: dict | None = None) -> None:
    """A table with a CSV download of exactly what is shown; a clear message when there is nothing."""
    if frame is None or frame.empty:
        st.info(empty)
        return
    if projector:
        st.table(frame.style.format(lambda v: f"{v:,.6g}" if isinstance(v, float) else v, na_rep="–"))
    else:
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    st.download_button("Download CSV", frame.to_csv(index=False).encode(), file_name=file_name, mime="text/csv",
                       key=key or f"download_{file_name}")


@st.cache_resource(show_spinner=False, max_entries=400, ttl=3600)
def _cached_figure(key: tuple, _build):
    return _build()


def figure(key: tuple, build, anonymised: bool):
    """A chart built once per set of inputs (`key` must name them all): plotly spends far longer building
    a figure than sending it. Anonymised charts are built each time, as their letters belong to one session."""
    return build() if anonymised else _cached_figure((data.data_key(),) + key, build)


def chart(fig, key: str, on_select: str = "ignore"):
    """A plotly chart with its own PNG export (the toolbar's camera)."""
    return st.plotly_chart(fig, width="stretch", key=key, on_select=on_select,
                           config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})
