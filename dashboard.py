"""The dashboard's entry point: `streamlit run dashboard.py`."""
import streamlit as st

from ui.access import account, current_viewer
from ui.cpu_log import page_view_cpu
from ui.demo import ensure_store
from ui.errors import guarded
from ui.navigation import pages_for
from ui.selection import sidebar
from ui.watch import watch_store

# A projector link opens with the sidebar collapsed: the slides have the whole screen.
st.set_page_config(page_title="School Benchmarking Club", layout="wide",
                   initial_sidebar_state="collapsed" if st.query_params.get("projector") == "1" else "auto")


@guarded
def main() -> None:
    ensure_store()
    viewer = st.session_state["viewer"] = current_viewer()
    sections: dict[str, list] = {}
    for page in pages_for(viewer.may_manage or viewer.role == "demo"):
        sections.setdefault(page.section, []).append(
            st.Page(page.file, title=page.title, default=page.key == "my_school"))
    navigation = st.navigation(sections)
    account(viewer)
    st.session_state["selection"] = sidebar()
    with st.sidebar:
        watch_store()
    guarded(navigation.run)()


with page_view_cpu(st.query_params.get("urn", "")):
    main()
