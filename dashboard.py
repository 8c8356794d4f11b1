"""The dashboard's entry point: `streamlit run dashboard.py`."""
import streamlit as st

from benchmarking.errors import BenchmarkingError
from ui.demo import ensure_store
from ui.navigation import PAGES
from ui.selection import sidebar
from ui.watch import watch_store

st.set_page_config(page_title="School Benchmarking Club", layout="wide")

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(page.section, []).append(st.Page(page.file, title=page.title, default=page.key == "my_school"))
navigation = st.navigation(sections)

try:
    ensure_store()
    st.session_state["selection"] = sidebar()
    with st.sidebar:
        watch_store()
    navigation.run()
except BenchmarkingError as exc:
    st.error(str(exc))
