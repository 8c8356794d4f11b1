"""Commands that report: value-added, floor, truth, concern, a club's impact, and the pack and brief documents."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import BenchmarkingError
from ..store import open_store
from .common import print_json, print_table, urn, year
from ..phases import PHASES


def value_added(args) -> int:
    from ..attainment_context import CAVEAT, LENS
    from ..va_report import CONTEXTUAL_CAVEAT, NoProgressMeasure, capping_note, school_value_added_table
    from ..bands import BAND_LABELS
    from ..value_added import SUBJECTS

    from ..steadier import CAVEATS, LENSES as STEADIER, steadier_table
    from ..value_added import SCHOOL_TABLE_COLUMNS

    with open_store(args.db) as store:
        try:
            if args.lens in STEADIER:
                table = steadier_table(store, args.year, args.phase, args.urn, args.lens)[SCHOOL_TABLE_COLUMNS]
            else:
                table = school_value_added_table(store, args.year, args.phase, args.urn, args.lens)
        except NoProgressMeasure as exc:
            raise BenchmarkingError(f"{exc} Attainment in context is there for every year: "
                                    "value-added --lens attainment-in-context.") from None
        notes = [capping_note(store, int(table["year"].iloc[0]), m) for m in table["measure"].unique() if m in SUBJECTS]
    rows = table.drop(columns=["lens", "source"]).round(3)
    if args.json:
        print(rows.to_json(orient="records"))
        return 0
    caveats = {"contextual": CONTEXTUAL_CAVEAT, LENS: CAVEAT, **CAVEATS}
    if args.lens in caveats:
        print(caveats[args.lens])
    if args.lens == LENS or args.lens in STEADIER:
        rows = rows.drop(columns=["band"])  # not a progress measure, or not DfE's figure: no band
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
    from ..synthetic.truth_check import recovery, shrinkage

    with open_store(args.db) as store:
        years = args.years or [y for y in store.query_file("result_years")["year"].tolist() if y <= 2024]
        report = recovery(store, years)
        steadier = shrinkage(store, args.years or store.query_file("result_years")["year"].tolist())
    if args.json:
        print_json({"recovery": report.round(4).to_dict(orient="records"),
                    "shrinkage": steadier.round(4).to_dict(orient="records")})
        return 0
    print("How well each score recovers the synthetic truth: its correlation with each school's own true effect, "
          "and with what it estimates (official: the true value added; attainment in context: the school's own "
          "effect relative to schools with a similar intake), and how often its 95% CI covers that.")
    print_table(report.round(3), False)
    print("\nThe shrunken score against the one-year score: root mean square error from the true value added, and "
          "how often the shrunken 95% interval covers it.")
    print_table(steadier.round(3), False)
    return 0


def concern(args) -> int:
    from ..floor import schools_of_concern

    with open_store(args.db) as store:
        print_table(schools_of_concern(store, args.year), args.json)
    return 0


def impact(args) -> int:
    from ..impact import club_impact

    with open_store(args.db) as store:
        found = club_impact(store, args.name)
    summary = found.summary()
    if args.json:
        print_json({**summary, "event_study": found.event_study.round(4).to_dict(orient="records")})
        return 0
    print(f"{found.club}: {found.verdict}")
    print(f"  measure: {found.measure}")
    for key in ("estimate", "ci_low", "ci_high"):
        print(f"  {key:<13} {summary[key]:+.3f}")
    for key in ("n_members", "n_comparison", "years_before", "years_after"):
        print(f"  {key:<13} {summary[key]}")
    if found.planted is not None:
        print(f"  planted       {found.planted:+.3f} (the demo's truth)")
    if not found.event_study.empty:
        print("By year since joining (0: the year of joining; earlier years are a placebo check):")
        print_table(found.event_study.round(3), False)
    return 0


def _write_document(path: Path, text: str, what: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {what} to {path} ({len(text.encode('utf-8')) / 1e6:.1f} MB, opens offline; print it on A4).")
    return 0


def pack(args) -> int:
    from ..documents import stored_club_pack

    with open_store(args.db) as store:
        text = stored_club_pack(store, args.name, anonymise=args.anonymise, host=args.host, year=args.year)
    return _write_document(args.out, text, f"the meeting pack for {args.name!r}")


def brief(args) -> int:
    from ..access import ADMIN
    from ..documents import visit_brief

    with open_store(args.db) as store:
        text = visit_brief(store, ADMIN, args.urn, args.year)
    return _write_document(args.out, text, f"the visit brief for URN {args.urn}")


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("impact", help="does a club work? its members' change against matched schools'")
    command.add_argument("name", help="the club's name (`clubs list` shows them)")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=impact)

    command = commands.add_parser("pack", help="a club meeting's pack: one HTML file with the slides, for A4")
    command.add_argument("name", help="the club's name")
    command.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    command.add_argument("--anonymise", action="store_true", help="every school but the host shown by a letter")
    command.add_argument("--host", type=urn, help="the host school (default: the school the club was made for, "
                                                   "or its first member)")
    command.add_argument("--year", type=year, help="default: the latest year with results")
    command.set_defaults(run=pack)

    command = commands.add_parser("brief", help="an adviser's one-page visit brief for a school, as HTML for A4")
    command.add_argument("urn", type=urn)
    command.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    command.add_argument("--year", type=year, help="default: the school's latest year with results")
    command.set_defaults(run=brief)

    command = commands.add_parser("value-added", help="expected against actual for every school and measure")
    command.add_argument("--year", type=year)
    command.add_argument("--phase", choices=list(PHASES))
    command.add_argument("--urn", type=urn)
    command.add_argument("--lens", choices=["official", "contextual", "attainment-in-context", "three-year", "shrunken"],
                         default="official",
                         help="attainment-in-context: results against schools with a similar intake (not a progress "
                              "measure); three-year: the last three years held, cohort-weighted; shrunken: pulled "
                              "towards similar schools by as much as the cohort's size warrants")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=value_added)

    command = commands.add_parser("floor", help="schools below a floor standard")
    command.add_argument("--year", type=year)
    command.add_argument("--rule", default="ks4-2016",
                         help="ks4-2016 (default), ks2-2016, ks4-2011, ks2-2011, or one from --rules-file")
    command.add_argument("--rules-file", type=Path, help="JSON file of your own rules (see docs/statistics.md)")
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
