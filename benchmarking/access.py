"""Who may see what. Published school-level figures are public to every signed-in user; pupil-level data
(imported pupil files) is personal data, seen only within the viewer's scope:

- a school user sees the pupils of their own school(s);
- an adviser sees the pupils of the schools in their LA(s);
- a club chair sees their club members' school-level figures, never their pupils;
- an admin imports files, manages users and clubs, and sees everything.

Without sign-in configured the dashboard runs as an open demo: everyone sees the synthetic pupils, and
imported pupils not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import BenchmarkingError

ROLES = ("school", "adviser", "chair", "admin")


class NotAllowed(BenchmarkingError):
    """The viewer may not see or do this; the message says why in one sentence."""


@dataclass(frozen=True)
class Viewer:
    """The person looking: their role and what it covers. `demo`: no sign-in configured; `public`: signed
    in but not a user of this tool (published data only)."""
    role: str
    email: str | None = None
    urns: frozenset[int] = field(default_factory=frozenset)
    las: frozenset[int] = field(default_factory=frozenset)
    club: str | None = None
    imported_pupils: bool = False  # demo mode on a store that holds imported (real) pupils

    @classmethod
    def demo(cls, imported_pupils: bool = False) -> "Viewer":
        return cls("demo", imported_pupils=imported_pupils)

    @property
    def label(self) -> str:
        if self.role == "demo":
            return "open demo"
        return f"{self.email} ({self.role if self.role != 'public' else 'published data only'})"

    def may_see_pupils(self, urn: int, la_code: int | None) -> bool:
        """Whether this viewer may see the pupils of the school `urn` in the LA `la_code`."""
        if self.role == "admin":
            return True
        if self.role == "demo":
            return not self.imported_pupils
        if self.role == "school":
            return int(urn) in self.urns
        if self.role == "adviser":
            return la_code is not None and int(la_code) in self.las
        return False  # chairs and signed-in strangers: school-level figures only

    def may_act_for(self, urn: int, la_code: int | None) -> bool:
        """Whether this viewer may record things for the school (its targets)."""
        return self.role in ("admin", "demo") or (self.role in ("school", "adviser") and self.may_see_pupils(urn, la_code))

    @property
    def may_import(self) -> bool:
        return self.role in ("admin", "demo")

    @property
    def may_manage(self) -> bool:
        """Users, clubs and the audit log."""
        return self.role == "admin"

    def why_not_pupils(self, name: str) -> str:
        """One sentence on why this viewer sees no pupils of the school called `name`."""
        if self.role == "demo":
            return ("This store holds imported pupil data, which is shown only to signed-in users: configure sign-in "
                    "([auth] in .streamlit/secrets.toml, see docs/sign-in.md) and add users with `python -m benchmarking users add`.")
        if self.role == "public":
            return f"{self.email} is not a user of this dashboard, so sees published school-level figures only. Ask an admin to add you."
        if self.role == "chair":
            return "Club chairs see their members' school-level figures, never their pupils."
        return f"Pupil-level data for {name} is outside what your account covers."

    def require_pupils(self, urn: int, la_code: int | None, name: str) -> None:
        if not self.may_see_pupils(urn, la_code):
            raise NotAllowed(self.why_not_pupils(name))


ADMIN = Viewer("admin", email="command line")  # the command line runs with the store file's own access
