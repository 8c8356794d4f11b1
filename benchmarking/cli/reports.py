"""Commands that report on every school: value-added, floor, concern."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import BenchmarkingError
from ..store import open_store
from .common import print_table, urn, year


def value_added(args) -> int:
    from ..va_report import CONTEXTUAL_CAVEAT, capping_note, school_value_added_table
    from ..value_added import BAND_LABELS

    with open_store(args.db) as store:
        table = school_value_added_table(store, args.year, args.phase, args.urn, args.lens)
        notes = [capping_note(store, int(table["year"].iloc[0]), m) for m in table["measure"].unique()]
    rows = table.drop(columns=["lens", "source"]).round(3)
    if args.json:
        print(rows.to_json(orient="records"))
        return 0
    if args.lens == "contextual":
        print(CONTEXTUAL_CAVEAT)
    rows["band"] = rows["band"].map(BAND_LABELS)
    print(rows.to_string(index=False))
    for note in filter(None, notes):
        print(note)
    return 0


def floor(args) -> int:
    from ..floor import PRESETS, floor_report, load_rules

    rules = load_rules(args.rules_file) if args.rules_file else PRESETS
    if args.rule not in rules:
        raise BenchmarkingError(f"No floor rule called {args.rule!r}. Rules: {', '.join(rules)}.")
    rule = rules[args.rule]
    with open_store(args.db) as store:
        report = floor_report(store, rule, args.year)
    if args.json:
        print(report.to_json(orient="records"))
        return 0
    print(rule.label + (f"\n({rule.note})" if rule.note else ""))
    if report.attrs.get("national"):
        print(f"National median: {report.attrs['national']}.")
    below = report[report["below_floor"].fillna(False).astype(bool)]
    print(f"{len(below):,} of {report['below_floor'].notna().sum():,} schools judged are below the floor"
          f" ({report['below_floor'].isna().sum()} could not be judged: measures missing).")
    print(below.drop(columns=["missing"]).to_string(index=False) if len(below) else "")
    return 0


def concern(args) -> int:
    from ..floor import schools_of_concern

    with open_store(args.db) as store:
        print_table(schools_of_concern(store, args.year), args.json)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("value-added", help="expected against actual for every school and measure")
    command.add_argument("--year", type=year)
    command.add_argument("--phase", choices=["secondary", "primary"])
    command.add_argument("--urn", type=urn)
    command.add_argument("--lens", choices=["official", "contextual"], default="official")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=value_added)

    command = commands.add_parser("floor", help="schools below a floor standard")
    command.add_argument("--year", type=year)
    command.add_argument("--rule", default="ks4-2016",
                         help="ks4-2016 (default), ks2-2016, ks4-2011, ks2-2011, or one from --rules-file")
    command.add_argument("--rules-file", type=Path, help="JSON file of your own rules (see the README)")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=floor)

    command = commands.add_parser("concern", help="schools of concern: below floor, negative two years running, or falling")
    command.add_argument("--year", type=year)
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=concern)
