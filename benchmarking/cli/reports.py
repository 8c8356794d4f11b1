"""Commands that report on every school: value-added, floor, concern."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import BenchmarkingError
from ..store import open_store
from .common import print_table, urn, year


def value_added(args) -> int:
    from ..attainment_context import CAVEAT, LENS
    from ..va_report import CONTEXTUAL_CAVEAT, NoProgressMeasure, capping_note, school_value_added_table
    from ..value_added import BAND_LABELS, SUBJECTS

    with open_store(args.db) as store:
        try:
            table = school_value_added_table(store, args.year, args.phase, args.urn, args.lens)
        except NoProgressMeasure as exc:
            raise BenchmarkingError(f"{exc} Attainment in context is there for every year: "
                                    "value-added --lens attainment-in-context.") from None
        notes = [capping_note(store, int(table["year"].iloc[0]), m) for m in table["measure"].unique() if m in SUBJECTS]
    rows = table.drop(columns=["lens", "source"]).round(3)
    if args.json:
        print(rows.to_json(orient="records"))
        return 0
    if args.lens == "contextual":
        print(CONTEXTUAL_CAVEAT)
    if args.lens == LENS:
        print(CAVEAT)
        rows = rows.drop(columns=["band"])  # not a progress measure: no band
    else:
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


def truth(args) -> int:
    from ..attainment_context import recovery

    with open_store(args.db) as store:
        years = args.years or [y for y in store.query_file("result_years")["year"].tolist() if y <= 2024]
        report = recovery(store, years)
    if not args.json:
        print("How well each score recovers the synthetic truth: its correlation with each school's own true effect, "
              "and with what it estimates (official: the true value added; attainment in context: the school's own "
              "effect relative to schools with a similar intake), and how often its 95% CI covers that.")
    print_table(report.round(3), args.json)
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
    command.add_argument("--lens", choices=["official", "contextual", "attainment-in-context"], default="official",
                         help="attainment-in-context: results against schools with a similar intake (not a progress measure)")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=value_added)

    command = commands.add_parser("floor", help="schools below a floor standard")
    command.add_argument("--year", type=year)
    command.add_argument("--rule", default="ks4-2016",
                         help="ks4-2016 (default), ks2-2016, ks4-2011, ks2-2011, or one from --rules-file")
    command.add_argument("--rules-file", type=Path, help="JSON file of your own rules (see the README)")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=floor)

    command = commands.add_parser("truth", help="on the demo store: how well each score recovers the known truth")
    command.add_argument("--years", type=lambda text: [year(y) for y in text.split(",")],
                         help="years, e.g. 2022,2023,2024 (default: every year up to 2024, where Progress 8 exists too)")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=truth)

    command = commands.add_parser("concern", help="schools of concern: below floor, negative two years running, or falling")
    command.add_argument("--year", type=year)
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=concern)
