"""Methodology: every calculation in plain English, with sources and caveats (the README's own section)."""
from pathlib import Path

import streamlit as st

readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
start, end = readme.index("## Methodology"), readme.index("## Data sources")
st.markdown(readme[start:end])
st.markdown(readme[end:readme.index("## Project layout")])
st.caption("Small cohorts: figures covering 5 or fewer pupils are suppressed, and pupil groups under 6. "
           "Gaps in years (no results for 2020 and 2021) are shown as gaps, never joined up.")
