"""Commands about one school and its peers: similar, partners, clubs, targets."""
from __future__ import annotations

import argparse

from ..errors import BenchmarkingError
from ..phases import K_RANGE, PHASES
from ..store import open_store
from ..writer import writing
from .common import la_codes, positive, print_json, print_table, urn, urn_list, year


DEFAULTS = PHASES["secondary"]  # the phase's sizes, before the school (and so its phase) is known


def similar(args) -> int:
    from ..similarity import FEATURE_LABELS, parse_weights, similar_schools

    with open_store(args.db) as store:
        group = similar_schools(store, args.urn, args.year, k=args.k, weights=parse_weights(args.weights),
                                las=la_codes(args.las), max_own_la=args.max_own_la, match_sex=args.match_sex,
                                match_admissions=args.match_admissions)
    if args.json:
        print_json(group.to_dict())
        return 0
    school = group.school
    print(f"Schools most like {school['name']} (URN {group.urn}, {school['la_name']}), {group.year}:")
    kind = []
    if group.matching.get("sex"):
        kind.append(f"{school['sex_of_entry']} schools")
    if group.matching.get("admissions"):
        kind.append(f"{school['admissions']} schools")
    if kind:
        print("  only among " + " and ".join(kind))
    if group.matched_without:
        print("  matched without " + ", ".join(FEATURE_LABELS[f] for f in group.matched_without) + " (missing for this school)")
    if group.note:
        print("  " + group.note)
    for r in group.neighbours.itertuples():
        top = max(r.contributions, key=r.contributions.get) if r.distance > 0 else None
        why = f"  (differs most in: {FEATURE_LABELS[top]})" if top else ""
        print(f"{r.rank:3d}. {r.name} (URN {r.urn}, {r.la_name})  distance {r.distance:.2f}{why}")
    print(f"\n{'Feature':<28} {'school':>8} {'group median':>13}")
    for row in group.comparison().itertuples():
        print(f"{row.label:<28} {row.school:8.1f} {row.group_median:13.1f}")
    return 0


def partners(args) -> int:
    from ..partners import partner_candidates
    from ..similarity import similar_schools

    with open_store(args.db) as store:
        group = similar_schools(store, args.urn, args.year, k=args.k)
        found = partner_candidates(store, group, args.measure)
    if not args.json:
        print(f"Similar schools with significantly higher value added than URN {args.urn} ({group.year}):")
    print_table(found.round(3), args.json)
    return 0


def groups(args) -> int:
    from ..access import ADMIN
    from ..group_report import school_groups
    from ..directory import school_phase_and_year
    from ..similarity import similar_schools

    with open_store(args.db) as store:
        _, year = school_phase_and_year(store, args.urn, args.year)
        try:
            club = similar_schools(store, args.urn, year).neighbours["urn"].astype(int).tolist()
        except BenchmarkingError:
            club = []  # a school that cannot be matched still has its own figures
        table = school_groups(store, ADMIN, args.urn, year, club)
    rows = table.round(3)
    if args.json:
        print_table(rows, True)
        return 0
    print(f"Pupil groups of URN {args.urn}, {year}, against the same groups in its {len(club)} similar schools "
          f"(club median over at least 3 of them):")
    print_table(rows.drop(columns=["national"]), False)
    return 0


def _clubs_read(args) -> int:
    from .. import club_store

    with open_store(args.db) as store:
        if args.action == "list":
            print_table(club_store.list_clubs(store), args.json)
            return 0
        club, members = club_store.club_details(store, args.name)
    if args.json:
        print_json({**club, "members": members.to_dict(orient="records")})
    else:
        current = club_store.current_members(members)
        former = len(members) - len(current)
        print(f"{club['name']}: {club['phase']} {club['year']}, {club['method']}, {len(current)} members"
              + (f" ({former} more have left)" if former else ""))
        print_table(members.astype({"joined": "Int64", "left_in": "Int64"}), False)
    return 0


def clubs(args) -> int:
    from .. import club_store
    from ..clubs import club_size_limits
    from ..similarity import SimilarityIndex, load_features, parse_weights, similar_schools

    if args.action in ("list", "show"):
        return _clubs_read(args)
    if args.action == "create" and not args.from_urn and not args.urns:
        raise BenchmarkingError("Give the members with --urns 100053,100054 or --from URN.")
    urns = urn_list(args.urns) if args.action == "create" and not args.from_urn else None
    with writing(args.db) as store:
        if args.action == "form":
            when = args.year or store.latest_year()
            index = SimilarityIndex(load_features(store, when, args.phase), parse_weights(args.weights))
            formed = club_store.form_and_save_clubs(store, index, args.size)
        elif args.action == "create" and args.from_urn:
            group = similar_schools(store, args.from_urn, args.year, k=args.k)
            settings = {"host": args.from_urn, "k": args.k, "weights": group.weights}
            club_store.save_club(store, args.name, group.phase, group.year, "neighbours", settings,
                                 [args.from_urn] + group.neighbours["urn"].astype(int).tolist())
        elif args.action == "create":
            club_store.save_club(store, args.name, args.phase, args.year or store.latest_year(), "manual", {}, urns)
        elif args.action in ("add", "remove", "pair"):
            when = args.year or store.latest_year()
            if args.action == "add":
                club_store.add_member(store, args.name, args.urn, when)
            elif args.action == "remove":
                club_store.remove_member(store, args.name, args.urn, when)
            else:
                from ..directory import school_phase_and_year

                phase, _ = school_phase_and_year(store, args.urn, None)
                paired = club_store.save_pairing(store, args.urn, args.partner, phase, when)
        elif args.action == "rename":
            club_store.rename_club(store, args.name, args.new_name)
    if args.action == "form":
        if args.json:
            print_table(formed.round(3), True)
        else:
            low, high = club_size_limits(args.size)
            print(f"Formed {len(formed)} {args.phase} clubs for {when} from {formed['members'].sum():,} schools "
                  f"(sizes {formed['members'].min()}-{formed['members'].max()}; allowed {low}-{high}).")
    elif args.action == "create":
        print(f"Saved club {args.name!r}.")
    elif args.action == "add":
        print(f"URN {args.urn} joined {args.name!r} in {when}.")
    elif args.action == "remove":
        print(f"URN {args.urn} left {args.name!r} in {when}.")
    elif args.action == "pair":
        print(f"Saved the pairing {paired!r}, from {when}.")
    else:
        print(f"Renamed {args.name!r} to {args.new_name!r}.")
    return 0


def targets(args) -> int:
    from ..targets import headline_targets, progress_against_targets, record_target, targets_for
    from ..va_report import NoProgressMeasure

    try:
        with open_store(args.db) as store:
            targets_for(store, args.urn, args.year, k=args.k)
    except NoProgressMeasure as exc:  # no value added this year: the headline measures' levels, as My school offers
        if args.set:
            raise BenchmarkingError(f"{exc} Record this year's targets on My school, one headline measure at a time.") from None
        with open_store(args.db) as store:
            table = headline_targets(store, args.urn, args.year, k=args.k)
        if not args.json:
            print(f"{exc}\nTargets for URN {args.urn} on the headline measures, from its similar schools in "
                  f"{table.attrs['year']}:")
        print_table(table.round(2), args.json)
        return 0
    if args.set:
        with writing(args.db) as store:
            result = targets_for(store, args.urn, args.year, k=args.k)
            record_target(store, args.urn, result["year"], result["measure"], args.set, result["levels"][args.set])
    with open_store(args.db) as store:
        result = targets_for(store, args.urn, args.year, k=args.k)
        recorded = progress_against_targets(store, args.urn)
    if args.json:
        pupils = result["pupils"]
        print_json({**result, "pupils": None if pupils is None else pupils.round(2).to_dict(orient="records"),
                    "recorded": recorded.to_dict(orient="records")})
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


def headline(args) -> int:
    from ..school_view import school_headline

    with open_store(args.db) as store:
        table = school_headline(store, args.urn, args.year)
    if not args.json:
        print(f"Headline results of URN {args.urn}, {table.attrs['year']} ({table.attrs['phase']}): its rank among it "
              "and its similar schools, their median, and its percentile among the schools of its phase in the store.")
    print_table(table, args.json)
    return 0


def inclusion(args) -> int:
    from ..access import ADMIN
    from ..inclusion import inclusion_of_school, nothing_to_show

    with open_store(args.db) as store:
        table = inclusion_of_school(store, ADMIN, args.urn, args.year)
    if not args.json:
        print(f"Inclusion at URN {args.urn}, {table.attrs['year']} ({table.attrs['phase']}): each pupil group beside the "
              "same group in its similar schools (median) and England, and its gap to the school's other pupils "
              "beside the same gap in the similar schools.")
        if table.empty:
            print(nothing_to_show(table.attrs["phase"], table.attrs["year"]))
            return 0
    print_table(table, args.json)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("similar", help="a school's most similar schools, from every LA")
    command.add_argument("urn", type=urn)
    command.add_argument("--year", type=year, help="default: the school's latest year with results")
    command.add_argument("--k", type=int, default=DEFAULTS.default_k,
                         help=f"how many similar schools ({K_RANGE[0]}-{K_RANGE[1]}, default {DEFAULTS.default_k})")
    command.add_argument("--weights", help="feature weights, e.g. pct_eal=0.5,prior_attainment=2")
    command.add_argument("--las", help="only these LAs, e.g. 931,869,872")
    command.add_argument("--max-own-la", type=int, help="at most this many schools from the school's own LA")
    command.add_argument("--match-sex", action=argparse.BooleanOptionalAction, default=None,
                         help="only schools with the same sex of entry (default: on for boys' and girls' schools)")
    command.add_argument("--match-admissions", action=argparse.BooleanOptionalAction, default=None,
                         help="only schools with the same admissions (default: on for selective schools)")
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=similar)

    command = commands.add_parser("partners", help="similar schools with significantly higher value added")
    command.add_argument("urn", type=urn)
    command.add_argument("--year", type=year)
    command.add_argument("--k", type=int, default=DEFAULTS.default_k)
    command.add_argument("--measure", help="default: ks4_p8 for secondaries, ks2_mat_progress for primaries")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=partners)

    command = commands.add_parser("groups", help="a school's pupil groups against the same groups in its similar schools")
    command.add_argument("urn", type=urn)
    command.add_argument("--year", type=year, help="default: the school's latest year with results")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=groups)

    command = commands.add_parser("clubs", help="form, list, show and edit benchmarking clubs")
    actions = command.add_subparsers(dest="action", required=True)
    form = actions.add_parser("form", help="split every school of a phase into clubs of about --size")
    form.add_argument("--phase", choices=list(PHASES), default="secondary")
    form.add_argument("--year", type=year, help="default: the latest year in the store")
    form.add_argument("--size", type=positive, default=DEFAULTS.club_size,
                      help=f"target club size (default {DEFAULTS.club_size})")
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
    create.add_argument("--from", dest="from_urn", type=urn, help="this school and its --k most similar schools")
    create.add_argument("--k", type=int, default=DEFAULTS.meeting_size - 1)
    create.add_argument("--phase", choices=list(PHASES), default="secondary")
    create.add_argument("--year", type=year)
    for action, help_text in (("add", "a school joins the club in --year"), ("remove", "a school leaves the club in --year")):
        edit = actions.add_parser(action, help=help_text)
        edit.add_argument("name")
        edit.add_argument("urn", type=urn)
        edit.add_argument("--year", type=year, help="default: the latest year in the store")
    pair = actions.add_parser("pair", help="record a school-to-school pairing (a club of two) starting in --year")
    pair.add_argument("urn", type=urn)
    pair.add_argument("partner", type=urn)
    pair.add_argument("--year", type=year, help="default: the latest year in the store")
    rename = actions.add_parser("rename", help="rename a club")
    rename.add_argument("name")
    rename.add_argument("new_name")
    command.set_defaults(run=clubs, json=False)

    for name, run, help_text, rows in (
            ("headline", headline, "a school's headline results as My school shows them: rank among similar schools "
                                   "with its interval, their median and the national percentile", "measure"),
            ("inclusion", inclusion, "disadvantaged pupils and pupils with SEN or EAL against the same pupils in "
                                     "similar schools and nationally, with the gaps", "group and measure")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("urn", type=urn)
        command.add_argument("--year", type=year, help="default: the school's latest year with results")
        command.add_argument("--json", action="store_true", help=f"one JSON row per {rows}")
        command.set_defaults(run=run)

    command = commands.add_parser("targets", help="targets from similar schools' median, upper quartile and top 10%%")
    command.add_argument("urn", type=urn)
    command.add_argument("--year", type=year)
    command.add_argument("--k", type=int, default=DEFAULTS.default_k)
    command.add_argument("--set", choices=["median", "upper quartile", "top 10%"],
                         help="record this level as the school's target")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=targets)
