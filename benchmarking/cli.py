"""The command line: `python -m benchmarking [--db PATH] COMMAND ...`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BenchmarkingError
from .validation import FileProblem
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


def _print_table(frame, as_json: bool) -> None:
    if as_json:
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame) else "(none)")


def _cmd_clubs(args) -> int:
    from . import clubs
    from .similarity import SimilarityIndex, load_features, parse_weights, similar_schools

    with open_store(args.db) as store:
        if args.action == "form":
            year = args.year or store.latest_year()
            index = SimilarityIndex(load_features(store, year, args.phase), parse_weights(args.weights))
            formed = clubs.form_and_save_clubs(store, index, args.size)
            if not args.json:
                low, high = clubs.club_size_limits(args.size)
                print(f"Formed {len(formed)} {args.phase} clubs for {year} from {formed['members'].sum():,} schools "
                      f"(sizes {formed['members'].min()}-{formed['members'].max()}; allowed {low}-{high}).")
            if args.json:
                _print_table(formed.round(3), True)
        elif args.action == "list":
            _print_table(clubs.list_clubs(store), args.json)
        elif args.action == "show":
            club, members = clubs.club_details(store, args.name)
            if args.json:
                print(json.dumps({**{k: str(v) if k == "created_at" else v for k, v in club.items()},
                                  "members": members.to_dict(orient="records")}, default=int))
            else:
                print(f"{club['name']}: {club['phase']} {club['year']}, {club['method']}, {len(members)} members")
                _print_table(members, False)
        elif args.action == "create":
            if args.from_urn:
                group = similar_schools(store, args.from_urn, args.year, k=args.k)
                urns = [args.from_urn] + group.neighbours["urn"].astype(int).tolist()
                settings = {"host": args.from_urn, "k": args.k, "weights": group.weights}
                clubs.save_club(store, args.name, group.phase, group.year, "neighbours", settings, urns)
            else:
                if not args.urns:
                    raise BenchmarkingError("Give the members with --urns 100053,100054 or --from URN.")
                urns = [int(u) for u in args.urns.split(",")]
                year = args.year or store.latest_year()
                clubs.save_club(store, args.name, args.phase, year, "manual", {}, urns)
            print(f"Saved club {args.name!r}.")
        elif args.action == "add":
            clubs.add_member(store, args.name, args.urn)
            print(f"Added URN {args.urn} to {args.name!r}.")
        elif args.action == "remove":
            clubs.remove_member(store, args.name, args.urn)
            print(f"Removed URN {args.urn} from {args.name!r}.")
        elif args.action == "rename":
            clubs.rename_club(store, args.name, args.new_name)
            print(f"Renamed {args.name!r} to {args.new_name!r}.")
    return 0


def _cmd_partners(args) -> int:
    from .partners import partner_candidates
    from .similarity import similar_schools

    with open_store(args.db) as store:
        group = similar_schools(store, args.urn, args.year, k=args.k)
        partners = partner_candidates(store, group, args.measure)
    if not args.json:
        print(f"Similar schools with significantly higher value added than URN {args.urn} ({group.year}):")
    _print_table(partners.round(3), args.json)
    return 0


def _cmd_bench(args) -> int:
    from .bench import figures_as_json, run_bench

    figures = run_bench(args.scale, reuse=args.reuse, repeats=args.repeats,
                        progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps({"scale": args.scale, "figures": figures_as_json(figures)}))
    else:
        print("\n".join(f.line() for f in figures))
    return 0


def _cmd_value_added(args) -> int:
    from .va_report import CONTEXTUAL_CAVEAT, school_value_added_table
    from .value_added import BAND_LABELS

    with open_store(args.db) as store:
        table = school_value_added_table(store, args.year, args.phase, args.urn, args.lens)
    rows = table.drop(columns=["lens", "source"]).round(3)
    if args.json:
        print(rows.to_json(orient="records"))
        return 0
    if args.lens == "contextual":
        print(CONTEXTUAL_CAVEAT)
    rows["band"] = rows["band"].map(BAND_LABELS)
    print(rows.to_string(index=False))
    return 0


def _cmd_floor(args) -> int:
    from .floor import PRESETS, floor_report, load_rules

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
    below = report[report["below_floor"].fillna(False).astype(bool)]
    print(f"{len(below):,} of {report['below_floor'].notna().sum():,} schools judged are below the floor"
          f" ({report['below_floor'].isna().sum()} could not be judged: measures missing).")
    print(below.drop(columns=["missing"]).to_string(index=False) if len(below) else "")
    return 0


def _cmd_concern(args) -> int:
    from .floor import schools_of_concern

    with open_store(args.db) as store:
        _print_table(schools_of_concern(store, args.year), args.json)
    return 0


def _cmd_targets(args) -> int:
    from .targets import progress_against_targets, record_target, targets_for

    with open_store(args.db) as store:
        result = targets_for(store, args.urn, args.year, k=args.k)
        if args.set:
            record_target(store, args.urn, result["year"], result["measure"], args.set, result["levels"][args.set])
        recorded = progress_against_targets(store, args.urn)
    if args.json:
        pupils = result["pupils"]
        print(json.dumps({**result, "pupils": None if pupils is None else pupils.round(2).to_dict(orient="records"),
                          "recorded": json.loads(recorded.to_json(orient="records", date_format="iso"))}))
        return 0
    current = "none" if result["current_va"] is None else f"{result['current_va']:+.2f}"
    print(f"Targets for URN {args.urn}, {result['measure']} {result['year']} (current value added: {current}):")
    for level, va in result["levels"].items():
        cohort = f", cohort average outcome {result['cohort'][level]:.1f}" if result["cohort"] else ""
        print(f"  {level:<15} value added {va:+.2f}{cohort}")
    if len(recorded):
        print("Recorded targets:")
        print(recorded.assign(set_at=recorded["set_at"].astype(str).str[:16]).round(3).to_string(index=False))
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

    clubs = commands.add_parser("clubs", help="form, list, show and edit benchmarking clubs")
    actions = clubs.add_subparsers(dest="action", required=True)
    form = actions.add_parser("form", help="split every school of a phase into clubs of about --size")
    form.add_argument("--phase", choices=["secondary", "primary"], default="secondary")
    form.add_argument("--year", type=int, help="default: the latest year in the store")
    form.add_argument("--size", type=int, default=12, help="target club size (default 12)")
    form.add_argument("--weights", help="feature weights, as for `similar`")
    form.add_argument("--json", action="store_true")
    listing = actions.add_parser("list", help="every stored club")
    listing.add_argument("--json", action="store_true")
    show = actions.add_parser("show", help="one club and its members")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    create = actions.add_parser("create", help="a club from chosen schools, or from one school's similar schools")
    create.add_argument("name")
    create.add_argument("--urns", help="members, e.g. 100053,100054")
    create.add_argument("--from", dest="from_urn", type=int, help="this school and its --k most similar schools")
    create.add_argument("--k", type=int, default=11)
    create.add_argument("--phase", choices=["secondary", "primary"], default="secondary")
    create.add_argument("--year", type=int)
    for action in ("add", "remove"):
        edit = actions.add_parser(action, help=f"{action} a school")
        edit.add_argument("name")
        edit.add_argument("urn", type=int)
    rename = actions.add_parser("rename", help="rename a club")
    rename.add_argument("name")
    rename.add_argument("new_name")
    clubs.set_defaults(run=_cmd_clubs, json=False)

    partners = commands.add_parser("partners", help="similar schools with significantly higher value added")
    partners.add_argument("urn", type=int)
    partners.add_argument("--year", type=int)
    partners.add_argument("--k", type=int, default=20)
    partners.add_argument("--measure", help="default: ks4_p8 for secondaries, ks2_mat_progress for primaries")
    partners.add_argument("--json", action="store_true")
    partners.set_defaults(run=_cmd_partners)

    bench = commands.add_parser("bench", help="measure speed and memory against baselines in the same run")
    bench.add_argument("--scale", choices=["national", "small"], default="national")
    bench.add_argument("--reuse", type=Path, help="use this demo store (built there first if missing)")
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(run=_cmd_bench)

    va = commands.add_parser("value-added", help="expected against actual for every school and measure")
    va.add_argument("--year", type=int)
    va.add_argument("--phase", choices=["secondary", "primary"])
    va.add_argument("--urn", type=int)
    va.add_argument("--lens", choices=["official", "contextual"], default="official")
    va.add_argument("--json", action="store_true")
    va.set_defaults(run=_cmd_value_added)

    floor = commands.add_parser("floor", help="schools below a floor standard")
    floor.add_argument("--year", type=int)
    floor.add_argument("--rule", default="ks4-2016", help="ks4-2016 (default), ks2-2016, ks4-2011, ks2-2011, or one from --rules-file")
    floor.add_argument("--rules-file", type=Path, help="JSON file of your own rules (see the README)")
    floor.add_argument("--json", action="store_true")
    floor.set_defaults(run=_cmd_floor)

    concern = commands.add_parser("concern", help="schools of concern: below floor, negative two years running, or falling")
    concern.add_argument("--year", type=int)
    concern.add_argument("--json", action="store_true")
    concern.set_defaults(run=_cmd_concern)

    targets = commands.add_parser("targets", help="targets from similar schools' median, upper quartile and top 10%")
    targets.add_argument("urn", type=int)
    targets.add_argument("--year", type=int)
    targets.add_argument("--k", type=int, default=20)
    targets.add_argument("--set", choices=["median", "upper quartile", "top 10%"], help="record this level as the school's target")
    targets.add_argument("--json", action="store_true")
    targets.set_defaults(run=_cmd_targets)

    info = commands.add_parser("info", help="summarise what the store holds")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(run=_cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    try:
        return args.run(args)
    except FileProblem as exc:  # the whole validation report, then the one-line summary
        for problem in exc.problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 50:
            print(f"  ... and {len(exc.problems) - 50} more", file=sys.stderr)
        print(f"error: nothing was imported. {exc}", file=sys.stderr)
        return 1
    except BenchmarkingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
