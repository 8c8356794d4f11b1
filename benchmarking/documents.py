"""The two documents people carry out of the tool, each one self-contained HTML file laid out for A4 (plotly
embedded, so it opens offline and can be emailed):

- the club-meeting pack: the meeting's slides, one per page, anonymised as the meeting chooses;
- the adviser's visit brief: one page about one school.

Every name from a file is escaped: a school called "<img src=...>" is shown as written, never as markup. The
HTML is built with markupsafe's Markup, which escapes whatever is put into it unless it is itself Markup, so
escaping is the default rather than a call each value needs.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.io as pio
from markupsafe import Markup

from . import charts
from .access import Viewer
from .anonymise import Anonymiser
from .attainment_context import CAVEAT as IN_CONTEXT_CAVEAT
from .errors import BenchmarkingError
from .measures import MEASURES_BY_CODE, in_sentence
from .numbers import interval, number
from .inclusion import GROUPS as INCLUSION_GROUPS
from .meeting import INCLUSION_NOTE, club_funnel, disadvantaged_values, meeting_slides, ranked_values, scores_with_intervals
from .phases import phase as phase_named
from .rank_interval import RANK_NOTE, rank_cell
from .school_view import (group_trend, headline_results, missing_reason, pupils_text, school_trend,
                          school_year_results, year_errors, year_values)
from .similarity import FEATURE_LABELS, load_features
from .store import Store
from .va_report import NoProgressMeasure, school_value_added_table
from .bands import BAND_LABELS

PRINT = charts.Theme(font_size=11, marker_size=7, line_width=1.2, height=300,
                     host="#d62728", others="#1f77b4", muted="#9aa8b6", limit="#555555")
STYLE = """
@page { size: A4 %(orientation)s; margin: 12mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 8pt 0 3pt; }
p, li { margin: 2pt 0; } .note { color: #555; font-size: 8.5pt; }
table { border-collapse: collapse; font-size: 8.5pt; margin: 2pt 0 4pt; }
th, td { border-bottom: 1px solid #ddd; padding: 1.5pt 5pt; text-align: left; }
.slide { page-break-after: always; break-after: page; }
.slide:last-child { page-break-after: auto; break-after: auto; }
.columns { display: flex; gap: 10pt; } .columns > div { flex: 1; min-width: 0; }
.flow { column-count: 2; column-gap: 10pt; } .flow > section { break-inside: avoid; }
.flow > section > h2:first-child { margin-top: 0; } .flow > section + section { margin-top: 6pt; }
"""


NOTHING = Markup("")


def joined(parts) -> Markup:
    """Pieces of HTML one after another (plain text among them escaped)."""
    return NOTHING.join(parts)


def note(text) -> Markup:
    return Markup("<p class='note'>{}</p>").format(text)


def table_html(frame: pd.DataFrame) -> Markup:
    """A small table, every cell escaped."""
    if frame.empty:
        return note("None.")
    head = joined(Markup("<th>{}</th>").format(c) for c in frame.columns)
    body = joined(Markup("<tr>{}</tr>").format(joined(Markup("<td>{}</td>").format(v) for v in row))
                  for row in frame.itertuples(index=False))
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, body)


# The printable width of an A4 page with 12 mm margins, in CSS pixels (96 per inch).
PAGE_WIDTH = {"portrait": 700, "landscape": 1020}


class Figures:
    """Figures as HTML: plotly.js is embedded once, with the first figure; charts are static (for print) and
    sized in pixels to fit the page, since a printed page does not resize them."""

    def __init__(self, width: int):
        self.first = True
        self.width = width

    def __call__(self, figure, height: int) -> Markup:
        figure.update_layout(height=height, width=self.width, margin={"l": 10, "r": 10, "t": 36, "b": 10})
        out = pio.to_html(figure, full_html=False, include_plotlyjs="inline" if self.first else False,
                          config={"staticPlot": True, "displayModeBar": False}, default_width=f"{self.width}px",
                          default_height=f"{height}px")
        self.first = False
        return Markup(out)  # plotly's own HTML and script


def document(title: str, body: Markup, landscape: bool) -> str:
    return str(Markup("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{}</title>"
                      "<style>{}</style></head><body>{}</body></html>").format(
        title, Markup(STYLE % {"orientation": "landscape" if landscape else "portrait"}), body))


@dataclass
class Scores:
    """The year's scores that stand for each school: value added, or attainment in context in a year without."""
    table: pd.DataFrame
    measure: str
    gap: str | None

    @property
    def label(self) -> str:
        return MEASURES_BY_CODE[self.measure].label + (" in context" if self.gap else "")


def year_scores(store: Store, year: int, phase: str) -> Scores:
    from .attainment_context import attainment_in_context

    try:
        table = school_value_added_table(store, year, phase)
        return Scores(table, phase_named(phase).main_value_added, None)
    except NoProgressMeasure as exc:
        measure = phase_named(phase).stand_in
        table = attainment_in_context(store, year, phase)
        return Scores(table[table["measure"] == measure], measure, str(exc))


def inclusion_html(store: Store, viewer: Viewer, urn: int, year: int, phase: str, club: list[int], measure: str) -> Markup:
    """The brief's inclusion lines: the main measure's disadvantaged, SEN and EAL pupils against similar schools
    and England, with the gaps (inclusion.inclusion_in_club); nothing where there are no figures."""
    from .inclusion import inclusion_in_club, row_sentence

    rows = inclusion_in_club(store, viewer, urn, year, phase, club)
    rows = rows[(rows["measure"] == measure) & rows["value"].notna()]
    if rows.empty:
        return NOTHING
    return (Markup("<h2>Inclusion: {}</h2>").format(MEASURES_BY_CODE[measure].label)
            + joined(Markup("<p>{}</p>").format(row_sentence(row)) for row in rows.to_dict("records"))
            + note("With its 95% interval; the gap is to the school's other pupils (not disadvantaged, no SEN, not "
                   "EAL); the similar schools' figures are their median."))


# -- the club-meeting pack ------------------------------------------------------------------------

def club_pack(store: Store, members: list[int], host: int, year: int, phase: str, title: str,
              anonymise: bool = False, club: str | None = None) -> str:
    """The meeting's slides for a club (the host and its members), one per A4 landscape page. Anonymised, every
    school but the host is "School A"..., LAs other than the host's are hidden, and no other URN appears."""
    anon = Anonymiser(host, enabled=anonymise, hide_las=anonymise, round_context=anonymise)
    labels = store.query_file("school_names")
    roster = pd.DataFrame({"urn": members}).merge(labels[["urn", "name", "la_name"]], on="urn", how="left")
    roster["name"] = roster["name"].fillna("School")
    roster["is_host"] = roster["urn"] == host
    shown = anon.coarsen(anon.frame(roster.assign(key=roster["urn"])), urn_column="key")
    named = dict(zip(roster["urn"], shown["name"]))

    def with_names(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.merge(roster[["urn", "is_host"]], on="urn", how="left") if "is_host" not in frame else frame.copy()
        out["name"] = out["urn"].map(named)
        return out.drop(columns=["urn"])

    scores = year_scores(store, year, phase)
    year_results = store.query_file("schools_year_results", [year, list(members)])  # every kind of school's
    errors = year_errors(store, year)
    group_rows = store.query_file("group_results_for_schools", [year, list(members)])
    slides = meeting_slides(phase, members, year_results, scores.table, scores.measure if scores.gap else None,
                            group_rows)
    figure = Figures(PAGE_WIDTH["landscape"])
    pages = [Markup("<div class='slide'><h1>{}</h1><p>{} schools, {}: {} schools{}.</p>{}{}</div>").format(
        title, phase.capitalize(), year, len(members),
        " (anonymised: every school but the host is shown by a letter)" if anonymise else "",
        note(f"{scores.gap} {IN_CONTEXT_CAVEAT}") if scores.gap else NOTHING,
        _glance(store, year, phase, members, roster, named, anon))]
    for slide in slides[1:]:
        body = NOTHING
        if slide.kind == "ranked":
            spec = MEASURES_BY_CODE[slide.measure]
            values = ranked_values(year_results, members, slide.measure, errors.get(slide.measure))
            body = figure(charts.ranked_bars(with_names(values), spec.label, PRINT, bool(spec.higher_is_better),
                                             spec.digits), 560) + note(RANK_NOTE)
        elif slide.kind == "value_added":
            dots = scores_with_intervals(scores.table, members, slide.measure)
            body = figure(charts.ci_dots(with_names(dots), scores.label, PRINT), 560)
        elif slide.kind == "inclusion":
            dots = disadvantaged_values(group_rows, members, slide.measure)
            body = figure(charts.ci_dots(with_names(dots), slide.title, PRINT, MEASURES_BY_CODE[slide.measure].label),
                          560) + note(INCLUSION_NOTE)
        elif slide.kind == "funnel":
            points, limits = club_funnel(scores.table, members, host, slide.measure)
            points = with_names(points)
            body = figure(charts.funnel(points, limits, "The club against cohort size", PRINT), 560)
        elif slide.kind == "trends":
            years = sorted(int(y) for y in store.query_file("result_years")["year"])
            trend = school_trend(store, host, slide.measure, years)
            body = figure(charts.trend(trend, f"{named[host]}: {MEASURES_BY_CODE[slide.measure].label}", PRINT), 330)
            by_year = group_trend(store, members, slide.measure)
            body += table_html(pd.DataFrame({"Year": by_year["year"], "Club mean score": [number(v, 2, sign=True) for v in by_year["mean_va"]],
                                             "Schools with a score": by_year["schools"]}))
        pages.append(Markup("<div class='slide'><h2>{}</h2>{}</div>").format(slide.title, body))
    if club:
        pages.append(Markup("<div class='slide'><h2>Does the club work?</h2>{}</div>").format(
            _impact_section(store, club, figure)))
    return document(title, joined(pages), landscape=True)


def stored_club_pack(store: Store, name: str, anonymise: bool = False, host: int | None = None,
                     year: int | None = None) -> str:
    """The pack for a stored club's current members; the host is the school the club was made for (or its first
    member), and the year the latest with results."""
    from .club_store import club_details, current_members

    record, members = club_details(store, name)
    urns = current_members(members)["urn"].astype(int).tolist()
    if not urns:
        raise BenchmarkingError(f"Every member has left {name!r}: there is no one to make a pack for.")
    settings = record["settings"]
    host = int(host or settings.get("host") or settings.get("school") or urns[0])
    if host not in urns:
        raise BenchmarkingError(f"URN {host} is not a member of {name!r}.")
    title = "Club meeting" if anonymise else name
    return club_pack(store, urns, host, year or store.latest_year(), record["phase"], title, anonymise, club=name)


def _glance(store, year, phase, members, roster, named, anon) -> Markup:
    context = pd.concat([load_features(store, year, phase, mainstream) for mainstream in (True, False)])  # either pool
    rows = context[context["urn"].isin(members)][["urn", "la_name", "pct_disadvantaged", "pct_eal", "pct_sen_support",
                                                   "pupils_on_roll"]]
    rows = anon.coarsen(rows, context_columns=["pct_disadvantaged", "pct_eal", "pct_sen_support", "pupils_on_roll"])
    digits = 0 if anon.enabled and anon.round_context else 1  # rounded figures: no false precision
    return table_html(pd.DataFrame({
        "School": rows["urn"].map(named), "LA": rows["la_name"],
        FEATURE_LABELS["pct_disadvantaged"]: [number(v, digits) for v in rows["pct_disadvantaged"]],
        FEATURE_LABELS["pct_eal"]: [number(v, digits) for v in rows["pct_eal"]],
        FEATURE_LABELS["pct_sen_support"]: [number(v, digits) for v in rows["pct_sen_support"]],
        "Pupils on roll": [number(v, 0) for v in rows["pupils_on_roll"]]}))


def _impact_section(store: Store, club: str, figure: Figures) -> Markup:
    from .impact import club_impact

    try:
        impact = club_impact(store, club)
    except BenchmarkingError as exc:
        return Markup("<p>{}</p>").format(exc)
    text = Markup("<p><b>{}</b></p><p>{}</p>").format(
        impact.verdict, f"{impact.measure}: difference in differences {number(impact.estimate, 2, sign=True)} (95% CI "
        f"{interval(impact.ci_low, impact.ci_high, 2)}), {impact.n_members} members against {impact.n_comparison} "
        f"matched comparison schools; {impact.years_before} years before joining and {impact.years_after} after.")
    if not impact.event_study.empty:
        text += figure(charts.event_study(impact.event_study, "Members against their comparison schools, by year",
                                          PRINT), 380)
    return text


# -- the adviser's visit brief --------------------------------------------------------------------

def visit_brief(store: Store, viewer: Viewer, urn: int, year: int | None = None) -> str:
    """One printable A4 page about one school for an adviser's visit: context against its club, value added
    with its CI and trend, pupil groups, floor and concern flags, targets, and suggested partners with why."""
    from .floor import FLOOR_LAST_YEAR, PRESETS, floor_report, schools_of_concern
    from .group_report import school_groups
    from .partners import partners_this_year
    from .directory import school_phase_and_year
    from .similarity import similar_schools
    from .targets import progress_against_targets

    phase, year = school_phase_and_year(store, urn, year)
    p = phase_named(phase)
    label = store.query_file("school_label", [urn]).iloc[0]
    figure = Figures(PAGE_WIDTH["portrait"])
    try:
        group = similar_schools(store, urn, year, p.default_k)  # special schools against special schools
        club = group.neighbours["urn"].astype(int).tolist()
    except BenchmarkingError as exc:
        group, club = None, []
        club_note = str(exc)
    compared = f"compared with its {len(club)} most similar schools" if club else "no similar schools to compare with"
    parts = [Markup("<h1>{}</h1><p>{}</p>").format(
        label["name"], f"{label['la_name']} · {phase} · {year} · URN {urn}. Prepared for an adviser's visit; {compared}.")]
    # Value added, or attainment in context in a year without, with its CI and trend.
    scores = year_scores(store, year, phase)
    mine = scores.table[scores.table["urn"] == urn]
    digits = MEASURES_BY_CODE[scores.measure].digits
    if mine.empty or pd.isna(mine["va"].iloc[0]):
        score_text = Markup("No {} for this school this year.").format(scores.label)
    else:
        row = mine.iloc[0]
        band = BAND_LABELS.get(row["band"], "no band") if not scores.gap else "not a progress measure"
        score_text = Markup("{}: <b>{}</b> (95% CI {}), {}, {}.").format(
            scores.label, number(row["va"], digits, sign=True), interval(row["ci_low"], row["ci_high"], digits),
            pupils_text(row["n"]), band)
    years = sorted(int(y) for y in store.query_file("result_years")["year"])
    trend = school_trend(store, urn, p.main_value_added, years)
    left = Markup("<h2>Value added</h2><p>{}</p>").format(score_text) + (note(scores.gap) if scores.gap else NOTHING)
    trend_html = NOTHING
    if trend["va"].notna().sum() >= 2:
        trend_html = figure(charts.trend(trend, f"{MEASURES_BY_CODE[p.main_value_added].label} over the years", PRINT), 150)
    # Context against the club.
    if group is not None:
        comparison = group.comparison()
        right = Markup("<h2>Context against the club</h2>") + table_html(pd.DataFrame({
            "Feature": comparison["label"], "School": [number(v, d) for v, d in zip(comparison["school"], comparison["digits"])],
            "Club median": [number(v, d) for v, d in zip(comparison["group_median"], comparison["digits"])]}))
    else:
        right = Markup("<h2>Context against the club</h2><p>{}</p>").format(club_note)
    results = headline_results(school_year_results(store, urn, year), year_values(store, year), urn, club, phase,
                               club_values=year_values(store, year, every_school=True),
                               club_errors=year_errors(store, year))
    right += Markup("<h2>Headline results</h2>") + table_html(pd.DataFrame({
        "Measure": results["label"], "School": [number(v, d) if pd.notna(v) else missing_reason(r) for v, r, d in
                                                zip(results["value"], results["reason"], results["digits"])],
        "Rank in club (95% interval)": [rank_cell(r, n, lo, hi).replace(" ", "\u00a0") for r, n, lo, hi in zip(
            results["club_rank"], results["club_size"], results["club_rank_low"], results["club_rank_high"])],
        "Club median": [number(v, d) for v, d in zip(results["club_median"], results["digits"])]})) if len(results) else NOTHING
    parts.append(Markup("<div class='columns'><div>{}</div><div>{}</div></div>{}").format(left, right, trend_html))
    # Pupil groups: the main measure's, published or from the school's pupils where the viewer may see them.
    group_measure = p.main_value_added
    try:
        groups = school_groups(store, viewer, urn, year, club)
        # The main value added's groups, or in a year without it (nothing published) the first headline measure's.
        shown = groups[groups[["value", "club_median"]].notna().any(axis=1)]
        group_measure = p.main_value_added if (shown["measure"] == p.main_value_added).any() else p.headline[0]
        main_groups = shown[shown["measure"] == group_measure]
        # Disadvantaged, SEN and EAL pupils are the inclusion table's, below: here the other groups.
        covered = {g for _, group, others in INCLUSION_GROUPS for g in (group, others)}
        main_groups = main_groups[~main_groups["group"].isin(covered)].head(6)
        gdigits = [MEASURES_BY_CODE[m].digits for m in main_groups["measure"]]
        groups_html = note("No pupil group figures for this school this year.") if main_groups.empty \
            else table_html(pd.DataFrame({
            "Group": main_groups["group"],
            "School": [number(v, d) for v, d in zip(main_groups["value"], gdigits)],
            "Club median": [number(v, d) for v, d in zip(main_groups["club_median"], gdigits)],
            "Source": main_groups["source"]}))
        if groups.attrs.get("pupils_note"):
            groups_html += note(groups.attrs["pupils_note"])
    except BenchmarkingError as exc:
        groups_html = note(exc)
    inclusion = inclusion_html(store, viewer, urn, year, phase, club, group_measure)
    # Floor and concern flags.
    flags = []
    if year <= FLOOR_LAST_YEAR:
        for rule_name in p.floor_rules:
            try:
                report = floor_report(store, PRESETS[rule_name], year)
            except BenchmarkingError:
                continue
            row = report[report["urn"] == urn]
            if len(row) and bool(row["below_floor"].fillna(False).iloc[0]):
                flags.append(f"Below the floor: {PRESETS[rule_name].label}")
    else:
        flags.append("Floor standards ended after 2019.")
    try:
        concern = schools_of_concern(store, year)
        flags += concern.loc[concern["urn"] == urn, "reason"].tolist()
    except BenchmarkingError:
        pass
    if len(flags) == (0 if year <= FLOOR_LAST_YEAR else 1):
        flags.append("No concern flagged this year.")
    # Targets recorded and progress.
    targets = progress_against_targets(store, urn)
    targets_html = table_html(pd.DataFrame({
        "Year": targets["year"], "Measure": targets["measure"].map(lambda m: MEASURES_BY_CODE[m].label),
        "Level": targets["level"], "Target": [number(v, 2) for v in targets["target"]],
        "Achieved": [number(v, 2) for v in targets["achieved"]], "Gap": [number(v, 2, sign=True) for v in targets["gap"]]})
        .head(6)) if len(targets) else note("No targets recorded.")
    # Suggested partners, with why.
    partners_html = note("No similar school does significantly better this year.")
    if group is not None:
        better = partners_this_year(store, group, scores.table if scores.gap else None)
        if len(better):
            why = group.neighbours.set_index("urn")["contributions"]
            rows = []
            for r in better.head(3).itertuples():
                shares = why.get(r.urn, {})
                closest = sorted(shares, key=shares.get)[:2]
                rows.append({"School": r.name, "LA": r.la_name, scores.label: number(r.value, digits, sign=True),
                             "Difference": number(r.difference, digits, sign=True),
                             "Why similar": "closest on " + " and ".join(in_sentence(FEATURE_LABELS[f]) for f in closest)})
            partners_html = table_html(pd.DataFrame(rows))
    sections = [Markup("<h2>Pupil groups: {}</h2>").format(MEASURES_BY_CODE[group_measure].label) + groups_html,
                inclusion,
                Markup("<h2>Floor and concern</h2><ul>{}</ul>").format(joined(Markup("<li>{}</li>").format(f) for f in flags)),
                Markup("<h2>Targets and progress</h2>") + targets_html, Markup("<h2>Suggested partners</h2>") + partners_html]
    # Two balanced columns, each section whole: the browser evens them out, so the brief stays one A4 sheet.
    parts.append(Markup("<div class='flow'>{}</div>").format(
        joined(Markup("<section>{}</section>").format(s) for s in sections if s)))
    return document(f"Visit brief: {label['name']}", joined(parts), landscape=False)
