"""The command line: `python -m benchmarking [--db PATH] COMMAND ...`.

Every problem a user can cause ends in one `error:` line and exit status 1, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

import duckdb

from ..errors import BenchmarkingError
from ..importers.problems import FileProblem
from ..store import default_db_path
from . import admin, data, reports, schools

REPORT_LIMIT = 50  # problems printed from a validation report


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument ends like any other user error: one `error:` line, status 1."""

    def error(self, message: str):
        self.exit(1, f"error: {message} (`{self.prog} --help` lists the options)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m benchmarking",
                    description="School Benchmarking Club: store, importers, statistics and reports.")
    parser.add_argument("--db", type=Path, default=None,
                        help="the DuckDB store (default: $BENCHMARKING_DB or data/benchmarking.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    data.add_commands(commands)
    schools.add_commands(commands)
    reports.add_commands(commands)
    admin.add_commands(commands)
    bench = commands.add_parser("bench", help="measure speed and memory against baselines in the same run")
    bench.add_argument("--scale", choices=["national", "small"], default="national")
    bench.add_argument("--reuse", type=Path, help="use this demo store (built there first if missing)")
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--sessions", type=int, nargs="+",
                       help="instead: a load test with this many real sessions at once (e.g. 1 10 30)")
    bench.add_argument("--processes", type=int, default=1, help="with --sessions: dashboard processes behind nginx")
    bench.add_argument("--pages", type=lambda text: [p for p in text.split(",") if p],
                       help="time only these pages (e.g. my_school,value_added; default: every page)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(run=_bench)
    return parser


def _bench(args) -> int:
    import json

    from ..bench import figures_as_json, run_bench

    figures = run_bench(args.scale, reuse=args.reuse, repeats=args.repeats, sessions=args.sessions,
                        processes=args.processes, pages=args.pages,
                        progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps({"scale": args.scale, "figures": figures_as_json(figures)}))
    else:
        print("\n".join(f.line() for f in figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    try:
        return args.run(args)
    except FileProblem as exc:  # the whole validation report, then the one-line summary
        for problem in exc.problems[:REPORT_LIMIT]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > REPORT_LIMIT:
            print(f"  ... and {len(exc.problems) - REPORT_LIMIT} more", file=sys.stderr)
        print(f"error: nothing was imported. {exc}", file=sys.stderr)
        return 1
    except BenchmarkingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("error: stopped.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or 'no file'}).", file=sys.stderr)
        return 1
    except (duckdb.Error, Exception) as exc:  # a fault of this tool's: say so in one line; details on request
        if os.environ.get("BENCHMARKING_DEBUG"):
            traceback.print_exc()
        print(f"error: an unexpected problem ({type(exc).__name__}); nothing was changed. "
              "Run again with BENCHMARKING_DEBUG=1 for details, and please report it.", file=sys.stderr)
        return 2
