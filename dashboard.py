"""The dashboard's entry point: `streamlit run dashboard.py`."""
import streamlit as st

from benchmarking.errors import BenchmarkingError
from pages.common import ensure_store, show_error

st.set_page_config(page_title="School Benchmarking Club", layout="wide")

# Navigation first: once it has run, Streamlit stops listing the pages/ folder on its own.
navigation = st.navigation([st.Page("pages/overview.py", title="Overview", default=True)])

try:
    ensure_store()
    navigation.run()
except BenchmarkingError as exc:
    show_error(exc)
