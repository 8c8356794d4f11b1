"""Methodology: how each figure is worked out and how far to trust it, written for heads and advisers
(docs/methodology.md; the developer details stay in the README)."""
from pathlib import Path

import streamlit as st

st.markdown((Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text())
