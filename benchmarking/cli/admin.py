"""Commands for whoever runs the dashboard: users and their roles, and the audit log."""
from __future__ import annotations

import argparse

from ..access import ROLES
from ..store import open_store
from ..writer import writing
from .common import print_table, urn


def users(args) -> int:
    from ..users import add_user, list_users, remove_user

    if args.action == "list":
        with open_store(args.db) as store:
            table = list_users(store)
        if not args.json:
            table = table.assign(urns=table["urns"].map(lambda v: ", ".join(map(str, v))),
                                 la_codes=table["la_codes"].map(lambda v: ", ".join(map(str, v))))
        else:
            table = table.assign(urns=table["urns"].map(list), la_codes=table["la_codes"].map(list))
        print_table(table, args.json)
        return 0
    with writing(args.db) as store:
        if args.action == "add":
            added = add_user(store, args.email, args.role, args.urn or [], args.la or [], args.club)
        else:
            remove_user(store, args.email)
    if args.action == "add":
        scope = {"school": f"URN {', '.join(map(str, added['urns']))}", "adviser": f"LA {', '.join(map(str, added['la_codes']))}",
                 "chair": f"club {added['club']!r}", "admin": "everything"}[added["role"]]
        article = "an" if added["role"][0] in "aeiou" else "a"
        print(f"{added['email']} is {article} {added['role']} user ({scope}).")
    else:
        print(f"Removed {args.email.strip().lower()}.")
    return 0


def audit(args) -> int:
    from ..audit import entries

    print_table(entries(args.db), args.json)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("users", help="who may sign in to the dashboard, and what they may see")
    actions = command.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user, or change their role")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--urn", type=urn, action="append", help="a school user's school (repeat for more)")
    add.add_argument("--la", type=int, action="append", help="an adviser's LA code (repeat for more)")
    add.add_argument("--club", help="a chair's club")
    listing = actions.add_parser("list", help="every user")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("email")
    command.set_defaults(run=users, json=False)

    command = commands.add_parser("audit", help="who viewed or downloaded which school's pupil-level data, and when")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=audit)
