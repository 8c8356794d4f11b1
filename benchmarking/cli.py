"""The command line: `python -m benchmarking [--db PATH] COMMAND ...`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BenchmarkingError
from .store import default_db_path, open_store


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _cmd_demo(args) -> int:
    from .synthetic import build_demo_store

    path = build_demo_store(args.db, scale=args.scale, seed=args.seed, progress=_progress)
    with open_store(path) as store:
        from .summary import store_summary

        summary = store_summary(store)
    print(f"Built a {args.scale} synthetic store at {path}: {summary['schools']:,} schools in "
          f"{summary['local_authorities']} LAs, {summary['pupils']:,} pupils, years {summary['years']}.")
    return 0


def _cmd_import_dfe(args) -> int:
    from .dfe_import import import_dfe

    with open_store(args.db) as store:
        report = import_dfe(store, args.paths, year=args.year, progress=_progress)
    for parsed in report.stored:
        year = f" {parsed.year}" if parsed.year else ""
        print(f"stored  {parsed.path.name}: {parsed.kind_label}{year}, {parsed.rows_read:,} rows read, "
              f"{parsed.rows_stored:,} stored, {parsed.rows_skipped:,} skipped (LA and national rows)")
    for path, why in report.skipped:
        print(f"skipped {path.name}: {why}")
    return 0


def _cmd_import_pupils(args) -> int:
    from .pupil_import import import_pupils

    with open_store(args.db) as store:
        result = import_pupils(store, args.file, args.year)
    print(f"stored  {result.path.name}: {result.rows:,} pupils in {result.schools} schools for {result.year}")
    return 0


def _cmd_info(args) -> int:
    from .summary import store_summary

    with open_store(args.db) as store:
        summary = store_summary(store)
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"Store: {summary['store']}")
    print(f"Years: {', '.join(map(str, summary['years'])) or 'none'}")
    print(f"Local authorities: {summary['local_authorities']}")
    print(f"Schools: {summary['schools']:,} (" + ", ".join(f"{k} {v:,}" for k, v in summary["schools_by_phase"].items()) + ")")
    print(f"Pupils: {summary['pupils']:,}" + ("".join(f"\n  {k}: {v:,}" for k, v in summary["pupils_by_year"].items())))
    for year, cov in summary["progress8_schools"].items():
        print(f"Progress 8 {year}: {cov['schools']:,} state-funded mainstream schools in {cov['las']} LAs, "
              f"{cov['with_context']:,} with census context ({cov['context_via_urn_change']} through a URN change)")
    print(f"Measures: {len(summary['measures'])}; missing values by reason: "
          + (", ".join(f"{k} {v:,}" for k, v in summary["missing_by_reason"].items()) or "none"))
    print(f"Imports: {summary['imports']['stored']} stored, {summary['imports']['failed']} failed")
    return 0


def _las(text: str | None) -> set[int] | None:
    if not text:
        return None
    try:
        return {int(code) for code in text.split(",") if code.strip()}
    except ValueError:
        raise BenchmarkingError(f"--las takes LA codes separated by commas (like 931,869,872), not {text!r}.") from None


def _cmd_similar(args) -> int:
    from .similarity import FEATURE_LABELS, parse_weights, similar_schools

    with open_store(args.db) as store:
        group = similar_schools(store, args.urn, args.year, k=args.k, weights=parse_weights(args.weights),
                                las=_las(args.las), max_own_la=args.max_own_la)
    if args.json:
        print(json.dumps(group.to_dict()))
        return 0
    school = group.school
    print(f"Schools most like {school['name']} (URN {group.urn}, {school['la_name']}), {group.year}:")
    if group.matched_without:
        print("  matched without " + ", ".join(FEATURE_LABELS[f] for f in group.matched_without) + " (missing for this school)")
    for r in group.neighbours.itertuples():
        top = max(r.contributions, key=r.contributions.get) if r.distance > 0 else None
        why = f"  (differs most in: {FEATURE_LABELS[top]})" if top else ""
        print(f"{r.rank:3d}. {r.name} (URN {r.urn}, {r.la_name})  distance {r.distance:.2f}{why}")
    print(f"\n{'Feature':<28} {'school':>8} {'group median':>13}")
    for row in group.comparison().itertuples():
        print(f"{row.label:<28} {row.school:8.1f} {row.group_median:13.1f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarking",
                                     description="School Benchmarking Club: store, importers and synthetic data.")
    parser.add_argument("--db", type=Path, default=None,
                        help="the DuckDB store (default: $BENCHMARKING_DB or data/benchmarking.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="build the synthetic demo store (replaces the store at --db)")
    demo.add_argument("--scale", choices=["national", "small"], default="national")
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(run=_cmd_demo)

    dfe = commands.add_parser("import-dfe", help="import DfE performance-table, census and GIAS files or folders")
    dfe.add_argument("paths", nargs="+", type=Path)
    dfe.add_argument("--year", type=int, help="exam year (2018-19 is 2019) when folder names do not say")
    dfe.set_defaults(run=_cmd_import_dfe)

    pupils = commands.add_parser("import-pupils", help="import a pupil-level CSV in the README's template")
    pupils.add_argument("file", type=Path)
    pupils.add_argument("--year", type=int, required=True, help="exam year (2023-24 is 2024)")
    pupils.set_defaults(run=_cmd_import_pupils)

    similar = commands.add_parser("similar", help="a school's most similar schools, from every LA")
    similar.add_argument("urn", type=int)
    similar.add_argument("--year", type=int, help="default: the school's latest year with results")
    similar.add_argument("--k", type=int, default=20, help="how many similar schools (5-60, default 20)")
    similar.add_argument("--weights", help="feature weights, e.g. pct_eal=0.5,prior_attainment=2")
    similar.add_argument("--las", help="only these LAs, e.g. 931,869,872")
    similar.add_argument("--max-own-la", type=int, help="at most this many schools from the school's own LA")
    similar.add_argument("--json", action="store_true", help="print one JSON object")
    similar.set_defaults(run=_cmd_similar)

    info = commands.add_parser("info", help="summarise what the store holds")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(run=_cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    try:
        return args.run(args)
    except BenchmarkingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
