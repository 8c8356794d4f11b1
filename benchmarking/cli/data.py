"""Commands that fill the store or say what it holds: demo, import-dfe, import-pupils, migrate, info."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..store import open_store
from ..synthetic.schools import SCALES
from .common import print_json, progress, year


def demo(args) -> int:
    from ..summary import store_summary
    from ..synthetic import build_demo_store

    path = build_demo_store(args.db, scale=args.scale, seed=args.seed, progress=progress)
    with open_store(path) as store:
        summary = store_summary(store)
    print(f"Built a {args.scale} synthetic store at {path}: {summary['schools']:,} schools in "
          f"{summary['local_authorities']} LAs, {summary['pupils']:,} pupils, years {summary['years']}.")
    return 0


def import_dfe(args) -> int:
    from ..importers.dfe import import_dfe as run

    report = run(args.db, args.paths, year=args.year, progress=progress)
    if report.created:
        print(f"Created a new store at {args.db}.")
    for parsed in report.stored:
        when = f" {parsed.year}" if parsed.year else ""
        skipped = f", {parsed.rows_skipped:,} skipped ({parsed.note or 'LA and national rows'})" if parsed.rows_skipped else ""
        print(f"stored  {parsed.name}: {parsed.kind_label}{when}, {parsed.rows_read:,} rows read, "
              f"{parsed.rows_stored:,} stored{skipped}" + (f"; {parsed.overlap}" if parsed.overlap else ""))
    for name, why in report.skipped:
        print(f"skipped {name}: {why}")
    return 0


def import_pupils(args) -> int:
    from ..importers.pupils import import_pupils as run

    result = run(args.db, args.file, args.year)
    print(f"stored  {result.name}: {result.rows:,} pupils in {result.schools} schools for {result.year}")
    return 0


def migrate(args) -> int:
    from ..store import SCHEMA_VERSION
    from ..writer import writing

    with writing(args.db):
        pass
    print(f"The store {args.db} is at schema {SCHEMA_VERSION}.")
    return 0


def info(args) -> int:
    from ..summary import store_summary

    with open_store(args.db) as store:
        summary = store_summary(store)
    if args.json:
        print_json(summary)
        return 0
    print(f"Store: {summary['store']}")
    print(f"Years: {', '.join(map(str, summary['years'])) or 'none'}")
    print(f"Local authorities: {summary['local_authorities']}")
    by_phase = ", ".join(f"{k} {v:,}" for k, v in summary["schools_by_phase"].items())
    print(f"Schools: {summary['schools']:,} ({by_phase})" if summary["schools"] else
          "Schools: none yet (import a GIAS extract, a census or results files)")
    print(f"Pupils: {summary['pupils']:,}" + ("".join(f"\n  {k}: {v:,}" for k, v in summary["pupils_by_year"].items())))
    for when, cov in summary["progress8_schools"].items():
        print(f"Progress 8 {when}: {cov['schools']:,} state-funded mainstream schools in {cov['las']} LAs, "
              f"{cov['with_context']:,} with census context ({cov['context_via_urn_change']} through a URN change)")
    print(f"Measures: {len(summary['measures'])}; missing values by reason: "
          + (", ".join(f"{k} {v:,}" for k, v in summary["missing_by_reason"].items()) or "none"))
    stored = summary["imports"]["stored"]
    print(f"Imports: {stored:,} file{'s' if stored != 1 else ''} stored")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("demo", help="build the synthetic demo store (replaces the store at --db)")
    command.add_argument("--scale", choices=list(SCALES), default="national")
    command.add_argument("--seed", type=int, default=2024)
    command.set_defaults(run=demo)

    command = commands.add_parser("import-dfe", help="import DfE performance-table, census and GIAS files or folders "
                                                     "(makes the store if there is none)")
    command.add_argument("paths", nargs="+", type=Path)
    command.add_argument("--year", type=year, help="exam year (2018-19 is 2019) when folder names do not say")
    command.set_defaults(run=import_dfe)

    command = commands.add_parser("import-pupils", help="import a pupil-level CSV in the template of docs/data.md")
    command.add_argument("file", type=Path)
    command.add_argument("--year", type=year, required=True, help="exam year (2023-24 is 2024)")
    command.set_defaults(run=import_pupils)

    command = commands.add_parser("migrate", help="upgrade a store made by an older version of this tool")
    command.set_defaults(run=migrate)

    command = commands.add_parser("info", help="summarise what the store holds")
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=info)
