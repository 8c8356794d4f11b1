"""The pages every session navigates among: made once per process, each session running copies of its own."""
import streamlit

from ui.navigation import PAGES

from tests.test_pages import app_db, open_page  # noqa: F401


def test_sessions_open_the_pages_they_ask_for_on_copies_of_pages_made_once_per_process(open_page, monkeypatch):  # noqa: F811
    open_page()  # the process's pages are made by now, whichever test ran first
    made = []
    real_page = streamlit.Page
    monkeypatch.setattr(streamlit, "Page", lambda *args, **kwargs: made.append(args) or real_page(*args, **kwargs))

    sessions = {file: open_page(file) for file in ("pages/my_school.py", "pages/value_added.py", "pages/similar_schools.py")}

    assert made == []  # no session's first view resolved the page files again
    for file, session in sessions.items():
        assert not session.exception, [e.message for e in session.exception]
        session.run()  # a rerun stays on the page the session asked for, whatever the others opened since
        assert session.session_state["_page"] == file.removeprefix("pages/").removesuffix(".py").replace("my_school", "")
    held = [{id(page) for page in session.session_state["_pages"].values()} for session in sessions.values()]
    assert all(len(pages) == len(PAGES) for pages in held)  # the open demo sees every page
    assert not (held[0] & held[1]) and not (held[0] & held[2]) and not (held[1] & held[2])  # navigation marks its own
