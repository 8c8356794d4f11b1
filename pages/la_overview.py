"""LA overview: an adviser's view of every school in an LA against schools like it."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.documents import visit_brief
from benchmarking.errors import BenchmarkingError
from benchmarking.floor import ENDED, FLOOR_LAST_YEAR, PRESETS
from benchmarking.la_view import AGAINST_CLUB_FILTERS, MANY_SCHOOLS, against_club, pairings
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.numbers import rounded
from benchmarking.phases import phase
from benchmarking.bands import BAND_LABELS
from ui import data
from ui.access import viewer
from ui.app import require_entry
from ui.format import ci_text, fmt, plain
from ui.navigation import page_file
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, document_download, figure, table

require_entry()

sel = school_selection()
anon = anonymiser(sel)
index = data.similarity_index(sel.year, sel.phase, mainstream=sel.mainstream)
las = index.frame.drop_duplicates("la_code").set_index("la_name")["la_code"].sort_index()
la_name = st.selectbox("Local authority", las.index.tolist(),
                       index=las.index.tolist().index(sel.la_name) if sel.la_name in las.index else 0)
la_code = int(las[la_name])
measures, no_progress = data.measures_for(sel.year, sel.phase)
measure = st.selectbox("Measure", measures, format_func=lambda m: MEASURES_BY_CODE[m].label + (" in context" if no_progress else ""))
st.title(f"{plain(la_name)}: {sel.phase} schools, {sel.year}")
if no_progress:
    st.info(f"{no_progress} Schools are compared on attainment in context instead: results against what schools "
            "with a similar intake achieved this year. It is not a progress measure.")
digits = MEASURES_BY_CODE[measure].digits

va = data.scores_table(sel.year, sel.phase, measure)


rows = data.against_clubs(sel.year, sel.phase, measure, la_code)
names = data.school_names()
st.header("Every school against its own club")
st.caption(f"Each school's score minus the mean of its {phase(sel.phase).default_k} most similar schools (from every LA), "
           "with a 95% CI on the difference.")
if rows.empty:
    st.info("No school of this LA has this measure this year.")
else:
    rows = rows.merge(names[["urn", "name"]], on="urn")
    rows["is_host"] = rows["urn"] == sel.urn
    rows["against_club"] = against_club(rows["difference_ci_low"], rows["difference_ci_high"])
    # A large LA has hundreds of schools: by default it shows those that differ significantly from their club.
    choice = st.segmented_control("Schools", list(AGAINST_CLUB_FILTERS), key="la_filter",
                                  default="Significantly different" if len(rows) > MANY_SCHOOLS else "All")
    rows = rows[rows["against_club"].isin(AGAINST_CLUB_FILTERS[choice or "All"])].reset_index(drop=True)
    st.caption(f"{len(rows)} school{'s' if len(rows) != 1 else ''} shown. Sort the table by any column; "
               + ("pick a row to open that school." if not sel.anonymise else "anonymised: rows do not open schools."))
    shown = anon.frame(rows)
    if not rows.empty:
        dots = shown.rename(columns={"va": "score"}).assign(va=shown["difference"], ci_low=shown["difference_ci_low"],
                                                            ci_high=shown["difference_ci_high"])
        chart(figure(("la_dots", la_code, sel.year, measure, choice, sel.urn, sel.projector),
                     lambda: charts.ci_dots(dots, "Difference from each school's club", sel.theme, "Score minus club mean"),
                     sel.anonymise), "la_dots")
    number = f"%+.{digits}f"  # numbers, so that the table sorts by them
    event = table(pd.DataFrame({"School": shown["name"], "Score": rounded(shown["va"], digits),
                                "95% CI": [ci_text(a, b, digits) for a, b in zip(shown["ci_low"], shown["ci_high"])],
                                "Pupils": shown["n"], "Band": shown["band"].map(BAND_LABELS).fillna("–"),
                                "Club mean": rounded(shown["club_mean"], digits), "Difference": rounded(shown["difference"], digits),
                                "Difference 95% CI": [ci_text(a, b, digits) for a, b in
                                                      zip(shown["difference_ci_low"], shown["difference_ci_high"])],
                                "Against the club": shown["against_club"]}),
                  f"la-{la_code}-{sel.year}.csv", sel.projector, key="la_schools",
                  column_config={c: st.column_config.NumberColumn(format=number) for c in ("Score", "Club mean", "Difference")},
                  on_select=not sel.anonymise and not sel.projector, empty="No school of this LA is in this group.")
    picked = event.selection.rows if event is not None else []
    if picked:
        st.switch_page(page_file("my_school"), query_params={"urn": str(int(rows["urn"].iloc[picked[0]])),
                                                             "year": str(sel.year)})

    st.header("Suggested school-to-school pairings")
    st.caption("Schools whose score is significantly below their club's, each with the similar school that does significantly better.")
    weak = pairings(rows)
    if weak.empty:
        st.info("No school is significantly below its club with a clear partner this year.")
    else:
        weak = weak.assign(partner_name=[anon.label(int(u), n) for u, n in zip(weak["partner_urn"], weak["partner_name"])])
        if sel.anonymise and sel.hide_las:
            weak = weak.assign(partner_la="An LA")
        weak = anon.frame(weak)
        table(pd.DataFrame({"School": weak["name"], "Score": [fmt(v, digits, sign=True) for v in weak["va"]],
                            "Partner": weak["partner_name"], "Partner's LA": weak["partner_la"],
                            "Partner's score": [fmt(v, digits, sign=True) for v in weak["partner_va"]]}),
              f"pairings-{la_code}-{sel.year}.csv", sel.projector)

st.header("Below floor standards and of concern")
la_urns = set(index.frame.loc[index.frame["la_code"] == la_code, "urn"])
if sel.year > FLOOR_LAST_YEAR:
    st.info(ENDED.format(year=sel.year))
for rule_name in phase(sel.phase).floor_rules if sel.year <= FLOOR_LAST_YEAR else ():
    rule = PRESETS[rule_name]
    try:
        report = data.floor(rule_name, sel.year)
    except BenchmarkingError as exc:
        st.info(f"{rule.label}: {plain(exc)}")
        continue
    below = report[report["urn"].isin(la_urns) & report["below_floor"].fillna(False).astype(bool)]
    st.subheader(rule.label)
    if rule.note:
        st.caption(rule.note)
    if report.attrs.get("national"):
        st.caption(f"National median: {report.attrs['national']}.")
    table(anon.frame(below)[["name", "years_below_floor"]].rename(columns={"name": "School", "years_below_floor": "Years below floor in the store"}),
          f"floor-{rule_name}-{la_code}.csv", sel.projector, "No school of this LA is below this floor.")
of_concern = data.concern(sel.year)
of_concern = of_concern[of_concern["urn"].isin(la_urns)]
st.subheader("Schools of concern")
if sel.year - 1 not in data.summary()["years"]:
    st.info(f"Concern about value added needs two years in a row, and the store has no {sel.year - 1}: only schools "
            "below a floor standard are listed.")
table(anon.frame(of_concern)[["name", "reason"]].rename(columns={"name": "School", "reason": "Why"}) if not of_concern.empty else of_concern,
      f"concern-{la_code}-{sel.year}.csv", sel.projector, "No school of this LA is of concern this year.")

st.header("Against the most similar LAs")
neighbours = data.similar_las(sel.year, sel.phase, measure, la_code)
table(pd.DataFrame({"LA": neighbours["la_name"], "Schools": neighbours["schools"],
                    "Mean score (pupil-weighted)": [fmt(v, digits, sign=True) for v in neighbours["mean_va"]],
                    "% disadvantaged": [fmt(v, 1) for v in neighbours["pct_disadvantaged"]],
                    "% EAL": [fmt(v, 1) for v in neighbours["pct_eal"]],
                    "Prior attainment": [fmt(v, 1) for v in neighbours["prior_attainment"]],
                    "Distance": [fmt(v, 2) for v in neighbours["distance"]]}) if not neighbours.empty else neighbours,
      f"similar-las-{la_code}.csv", sel.projector, "No LA averages to compare.")

if not sel.projector and not sel.anonymise:  # a brief names other schools
    st.header("Visit briefs")
    st.caption("One printable page about a school before a visit: context against its club, value added with its CI "
               "and trend, pupil groups, floor and concern flags, targets, and suggested partners.")
    la_schools = index.frame[index.frame["la_code"] == la_code].sort_values("name")
    if la_schools.empty:
        st.info("No school of this LA to brief on this year.")
    else:
        visit = st.selectbox("School to visit", la_schools["urn"].astype(int).tolist(),
                             format_func=dict(zip(la_schools["urn"].astype(int), la_schools["name"].map(plain))).get)
        document_download("Download the visit brief (HTML, A4)",
                          lambda: visit_brief(data.store(), viewer(), visit, sel.year),
                          f"visit-brief-{visit}-{sel.year}.html", "brief_la")
