"""The dashboard's pages, in one place: the navigation, the bench and the tests all read this list.

The page files live in ui/pages/, not in a pages/ folder beside dashboard.py: Streamlit treats such a
folder as an old-style multipage app until a script calls st.navigation, so a server's first visitor
arriving by a deep link would run the page without the entry script.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    key: str
    file: str  # relative to the project root
    title: str
    section: str
    managers_only: bool = False  # shown to admins (and in the open demo) only

    @property
    def slug(self) -> str:
        return Path(self.file).stem

    @property
    def path(self) -> Path:
        return ROOT / self.file


PAGES = (
    PageSpec("my_school", "ui/pages/my_school.py", "My school", "Schools"),
    PageSpec("similar", "ui/pages/similar_schools.py", "Similar schools", "Schools"),
    PageSpec("value_added", "ui/pages/value_added.py", "Value added", "Schools"),
    PageSpec("la", "ui/pages/la_overview.py", "LA overview", "Advisers and clubs"),
    PageSpec("meeting", "ui/pages/club_meeting.py", "Club meeting", "Advisers and clubs"),
    PageSpec("impact", "ui/pages/club_impact.py", "Club impact", "Advisers and clubs"),
    PageSpec("data", "ui/pages/data.py", "Data", "About"),
    PageSpec("methodology", "ui/pages/methodology.py", "Methodology", "About"),
    PageSpec("users", "ui/pages/users.py", "Users", "About", managers_only=True),
)
PAGE = {page.key: page for page in PAGES}


def pages_for(managers: bool) -> tuple[PageSpec, ...]:
    """The pages a viewer sees: the users page only for those who manage the dashboard."""
    return tuple(page for page in PAGES if managers or not page.managers_only)


def page_file(key: str) -> str:
    """The file of a page, as st.page_link and st.switch_page take it."""
    return PAGE[key].file
