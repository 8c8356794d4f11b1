"""The dashboard's pages, in one place: the navigation, the bench and the tests all read this list.
The page files live in pages/ and each begins with ui.entry.require_entry()."""
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
    opens_anonymised: bool = False  # arriving turns anonymised mode on (a visitor may switch it off there)
    sections: tuple[str, ...] = ()  # the keys of its sections that open on request (ui.widgets.section)

    @property
    def slug(self) -> str:
        return Path(self.file).stem

    @property
    def path(self) -> Path:
        return ROOT / self.file


PAGES = (
    PageSpec("my_school", "pages/my_school.py", "My school", "Schools", sections=("ms_inclusion", "ms_targets")),
    PageSpec("similar", "pages/similar_schools.py", "Similar schools", "Schools", sections=("similar_settings",)),
    PageSpec("value_added", "pages/value_added.py", "Value added", "Schools",
             sections=("va_pupils", "va_published", "va_inclusion", "va_pooled")),
    PageSpec("la", "pages/la_overview.py", "LA overview", "Advisers and clubs"),
    PageSpec("meeting", "pages/club_meeting.py", "Club meeting", "Advisers and clubs", opens_anonymised=True),
    PageSpec("impact", "pages/club_impact.py", "Club impact", "Advisers and clubs"),
    PageSpec("data", "pages/data.py", "Data", "About"),
    PageSpec("methodology", "pages/methodology.py", "Methodology", "About"),
    PageSpec("users", "pages/users.py", "Users", "About", managers_only=True),
)
PAGE = {page.key: page for page in PAGES}


def pages_for(managers: bool) -> tuple[PageSpec, ...]:
    """The pages a viewer sees: the users page only for those who manage the dashboard."""
    return tuple(page for page in PAGES if managers or not page.managers_only)


def page_file(key: str) -> str:
    """The file of a page, as st.page_link and st.switch_page take it."""
    return PAGE[key].file
