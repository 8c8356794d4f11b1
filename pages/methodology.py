"""Methodology: how each figure is worked out and how far to trust it, written for heads and advisers
(docs/methodology.md)."""
import streamlit as st

from ui.app import require_entry
from ui.navigation import ROOT

require_entry()

st.markdown((ROOT / "docs" / "methodology.md").read_text())
