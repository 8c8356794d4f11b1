"""The dashboard's entry point: `streamlit run dashboard.py`."""
import streamlit as st

from benchmarking.errors import BenchmarkingError
from pages.common import PAGES, ensure_store, sidebar

st.set_page_config(page_title="School Benchmarking Club", layout="wide")

# Navigation first: once it has run, Streamlit stops listing the pages/ folder on its own.
navigation = st.navigation({
    "Schools": [st.Page(PAGES["my_school"], title="My school", default=True),
                st.Page(PAGES["similar"], title="Similar schools"),
                st.Page(PAGES["value_added"], title="Value added")],
    "Advisers and clubs": [st.Page(PAGES["la"], title="LA overview"),
                           st.Page(PAGES["meeting"], title="Club meeting")],
    "About": [st.Page(PAGES["data"], title="Data"),
              st.Page(PAGES["methodology"], title="Methodology")],
})

try:
    ensure_store()
    st.session_state["selection"] = sidebar()
    navigation.run()
except BenchmarkingError as exc:
    st.error(str(exc))
