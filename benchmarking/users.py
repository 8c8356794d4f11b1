"""Users of the dashboard and what their role covers, kept in the store (table users)."""
from __future__ import annotations

import re

import pandas as pd

from .access import ROLES, Viewer
from .errors import BenchmarkingError
from .store import Store

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _a(word: str) -> str:
    return "An" if word[0] in "aeiou" else "A"


def add_user(store: Store, email: str, role: str, urns=(), las=(), club: str | None = None) -> dict:
    """Add a user, or change their role and scope, in a store being written; every part is checked."""
    email = email.strip().lower()
    if not EMAIL.fullmatch(email):
        raise BenchmarkingError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise BenchmarkingError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    urns, las = sorted({int(u) for u in urns}), sorted({int(la) for la in las})
    needs = {"school": ("--urn", urns), "adviser": ("--la", las), "chair": ("--club", [club] if club else [])}
    if role in needs and not needs[role][1]:
        what = {"school": "schools", "adviser": "LAs", "chair": "club"}[role]
        raise BenchmarkingError(f"{_a(role)} {role} user needs {needs[role][0]}: the {what} it covers.")
    extra = [flag for r, (flag, value) in needs.items() if r != role and value]
    if extra:
        raise BenchmarkingError(f"{_a(role)} {role} user takes no {', '.join(extra)}.")
    unknown = set(urns) - set(store.query_file("schools_among", [urns])["urn"])
    if unknown:
        raise BenchmarkingError("Not in the store: URN " + ", ".join(map(str, sorted(unknown))) + ".")
    unknown_las = set(las) - set(store.query_file("la_codes_known", [las])["la_code"])
    if unknown_las:
        raise BenchmarkingError("Not an LA code: " + ", ".join(map(str, sorted(unknown_las))) + ".")
    if club is not None and store.query_file("club_named", [club]).empty:
        raise BenchmarkingError(f"No club called {club!r}. `python -m benchmarking clubs list` shows them.")
    store.touch("users")
    store.execute_file("upsert_user", [email, role, urns, las, club])
    return {"email": email, "role": role, "urns": urns, "la_codes": las, "club": club}


def remove_user(store: Store, email: str) -> None:
    store.touch("users")
    if not store.execute_file("delete_user", [email.strip().lower()]):
        raise BenchmarkingError(f"No user {email.strip().lower()!r}.")


def list_users(store: Store) -> pd.DataFrame:
    return store.query_file("list_users")


def viewer_for(store: Store, email: str | None) -> Viewer:
    """The viewer a signed-in email is: its row in users, or published data only."""
    email = (email or "").strip().lower()
    found = store.query_file("user_named", [email]) if email else pd.DataFrame()
    if found.empty:
        return Viewer("public", email=email or None)
    row = found.iloc[0]
    return Viewer(row["role"], email=email, urns=frozenset(int(u) for u in row["urns"]),
                  las=frozenset(int(la) for la in row["la_codes"]), club=row["club"] if pd.notna(row["club"]) else None)


def imported_pupils(store: Store) -> bool:
    """Whether the store holds pupils imported from files (real pupils), not only the demo's synthetic ones."""
    return bool(store.query_file("imported_pupils")["files"][0])
