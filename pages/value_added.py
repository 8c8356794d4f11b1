"""Value added: expected against actual for schools and for this school's pupils, with uncertainty."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.access import NotAllowed
from benchmarking.attainment_context import CAVEAT as IN_CONTEXT_CAVEAT
from benchmarking.attainment_context import MEASURES as IN_CONTEXT
from benchmarking.errors import BenchmarkingError
from benchmarking.inclusion import CAPTION as INCLUSION_CAPTION
from benchmarking.inclusion import people_columns as inclusion_columns
from benchmarking.measures import MEASURES_BY_CODE, sentence_start
from benchmarking.phases import phase
from benchmarking.progress_gaps import no_progress_reason
from benchmarking.pupil_views import Suppressed
from benchmarking.school_view import no_score_text, pooled_years_label, pupils_text
from benchmarking.va_report import CONTEXTUAL_CAVEAT
from benchmarking.bands import BAND_LABELS
from benchmarking.value_added import GROUPING_LABELS
from ui import data
from ui.access import viewer
from ui.auditing import on_download, viewed
from ui.app import require_entry
from ui.format import ci_text, fmt, plain
from ui.navigation import page_file
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, figure, held_table, picked_row, section, table

require_entry()

sel = school_selection()
me = viewer()
anon = anonymiser(sel)
st.title(f"Value added: {plain(sel.name)}")
no_progress = data.va_table(sel.year, sel.phase).attrs.get("no_progress")
if no_progress:
    st.info(f"{no_progress} This page shows attainment in context instead: the school's results against what "
            "schools with a similar intake achieved this year. It is not a progress measure.")
measure = st.selectbox("Measure", IN_CONTEXT[sel.phase] if no_progress else phase(sel.phase).value_added,
                       format_func=lambda m: MEASURES_BY_CODE[m].label)
spec = MEASURES_BY_CODE[measure]
digits = spec.digits
unit = spec.scores_in

try:
    club = data.club_group(sel.year, sel.phase, sel.urn, sel.mainstream).neighbours["urn"]
    club = club.astype(int).tolist()
except BenchmarkingError as exc:  # the school's own value added stands without a club
    club = []
    st.warning(f"No club to compare with: {plain(exc)}")
mainstream = bool(sel.mainstream)

st.header("Attainment in context" if no_progress else "Official and contextual, side by side")
left, right = st.columns(2)
lenses = (((left, "official", "Against a similar intake (not a progress measure)"),) if no_progress else
          ((left, "official", "Official (DfE method)"), (right, "contextual", "Contextual (not an official measure)")))
for column, lens, title in lenses:
    row = data.school_score(sel.year, sel.phase, measure, sel.urn, lens)
    with column:
        st.subheader(title)
        if row is None:
            st.info("No score for this school this year.")
            continue
        if pd.isna(row["va"]):
            st.info(no_score_text(row["n"], row.get("reason")))
            continue
        st.metric("Score", fmt(row["va"], digits, sign=True))
        expected = (f" · expected {fmt(row['expected'], 1)}, actual {fmt(row['actual'], 1)}"
                    if pd.notna(row["expected"]) else "")
        band = "not a progress measure: no band" if no_progress else BAND_LABELS.get(row["band"], "no band")
        st.markdown(f"95% CI **{ci_text(row['ci_low'], row['ci_high'], digits)}** · {pupils_text(row['n'])} · "
                    f"**{band}**{expected}")
        st.caption(plain(sentence_start(row["source"])))
st.caption(IN_CONTEXT_CAVEAT if no_progress else CONTEXTUAL_CAVEAT)
capping = None if no_progress else data.capping_note(sel.year, measure)
if capping:
    st.caption(plain(capping))

st.header("Against the club")
members = data.scores_of(sel.year, sel.phase, measure, club)
own = data.school_score(sel.year, sel.phase, measure, sel.urn)
if own is not None and pd.notna(own["va"]) and len(members):
    relative = data.club_standing(sel.year, sel.phase, measure, sel.urn, club)[1]  # against the same members
    st.metric("Difference from the club's mean", fmt(relative["difference"], digits, sign=True),
              help=f"Club mean {fmt(relative['group_mean'], digits, sign=True)} over {relative['members']} similar schools")
    st.caption(f"95% CI on the difference {ci_text(relative['ci_low'], relative['ci_high'], digits)}")
dots = data.club_dots(sel.year, sel.phase, measure, sel.urn, club)
if dots["va"].notna().any():
    chart(figure(("club_dots", sel.urn, sel.year, measure, sel.projector),
                 lambda: charts.ci_dots(anon.frame(dots), f"{spec.label}: this school and its club", sel.theme),
                 sel.anonymise), "club_dots")

st.header("Expected against actual, school by school")
scope = st.radio("Schools", ["The club", "Our LA", "All schools"], horizontal=True)
# Mainstream schools are compared with mainstream schools, special schools with special schools.
frame, plottable = data.expected_actual(sel.year, sel.phase, measure, mainstream, sel.urn, club,
                                        {"The club": "club", "Our LA": "la", "All schools": "all"}[scope])
if not plottable:
    st.info("Expected and actual results are not available for this measure (published files give the score only).")
else:
    shown = anon.frame(frame, lettered=club)  # the club keeps its letters; every other school is unnamed
    event = chart(figure(("expected_actual", sel.urn, sel.year, measure, scope, sel.projector),
                         lambda: charts.expected_vs_actual(shown, "Expected against actual" + (
                             "" if sel.anonymise else " (click a school to open it)"), sel.theme, unit), sel.anonymise),
                  "expected_actual", on_select="ignore" if sel.anonymise else "rerun")
    target = picked_row(event, lambda: charts.expected_vs_actual_rows(shown))
    if target is not None and not sel.anonymise and int(frame.loc[target, "urn"]) != sel.urn:
        st.switch_page(page_file("my_school"), query_params={"urn": str(int(frame.loc[target, "urn"])), "year": str(sel.year)})

st.header("Funnel plot")
kind = "mainstream" if mainstream else "special"
centre_text = "0 (the national average)" if mainstream else "the special schools' own average (weighted by pupils)"
st.caption(f"Every {kind} school's score against its number of pupils: scores outside the funnel differ from "
           f"{centre_text} by more than chance would explain.")


def funnel_chart():
    backdrop = data.funnel_backdrop(sel.year, sel.phase, measure, mainstream, sel.theme.others)
    # Thousands of schools: one shaded trace, made once a year, and this school on top.
    points, limits = data.funnel(sel.urn, sel.year, sel.phase, measure, mainstream, host_only=backdrop is not None)
    return charts.funnel(anon.frame(points, lettered=club), limits, f"Scores against cohort size, all {kind} schools",
                         sel.theme, backdrop=backdrop)


if no_progress:
    st.info("No funnel plot this year: a funnel shows progress scores against cohort size, and DfE published none.")
else:
    try:
        chart(figure(("funnel", sel.year, sel.phase, measure, sel.urn, sel.projector), funnel_chart, sel.anonymise), "funnel")
    except BenchmarkingError as exc:
        st.info(plain(exc))

# The detail below opens on request: a view works out and sends only the sections on screen.
st.header("In detail")
st.caption("Each section opens when clicked, and stays open as you move from school to school.")
pupil_section = section("This school's pupils", "va_pupils")
if pupil_section:
    with pupil_section:
        st.caption("Pupil-level data is personal data: only this school's own users, its LA's advisers and admins see it, and "
                   "every view and download is recorded. Hovers show a pseudonymous id, never a name.")
        try:
            if no_progress:
                raise Suppressed("No pupil-level progress scores this year: DfE published no progress measure, as the "
                                 "pupils have no prior attainment to measure from.")
            scores = data.school_pupils(me, sel.year, measure, sel.urn)
        except (NotAllowed, Suppressed) as exc:
            scores = None
            st.info(plain(exc))
        if scores is not None and scores.empty:
            st.info("The store has no pupil-level data for this school this year. An admin can import a pupil file on the Data page.")
        elif scores is not None:
            viewed(me, "viewed pupils", sel.urn, sel.year)
            groups = data.school_pupil_labels(me, sel.year, measure, sel.urn)  # row for row with scores

            @st.fragment
            def pupil_chart() -> None:
                """The pupils' chart: choosing how to colour it reruns this part of the page only."""
                colour = st.selectbox("Colour pupils by", list(groups.columns), format_func=GROUPING_LABELS.get)

                def pupils() -> pd.DataFrame:  # made only when the chart is built, not on every view
                    return scores[["pupil_id", "expected", "actual"]].assign(group=groups[colour].to_numpy())

                chart(figure(("pupils", sel.urn, sel.year, measure, colour, sel.projector),
                             lambda: charts.pupil_scatter(pupils(), "group", "Each pupil: expected against actual", sel.theme, unit),
                             False), "pupils")

            pupil_chart()
            st.subheader("Pupil groups, like for like")
            comparison = data.pupil_groups(me, sel.urn, sel.year, measure, club)
            table(held_table(comparison, lambda: {
                                "Grouping": [GROUPING_LABELS.get(g) for g in comparison["grouping"].tolist()],
                                "Group": comparison["group"].tolist(),
                                "Pupils": [fmt(n, 0) for n in comparison["school_n"]],
                                "This school": [fmt(v, digits, sign=True) for v in comparison["school_va"]],
                                "95% CI": [ci_text(a, b, digits) for a, b in zip(comparison["school_ci_low"], comparison["school_ci_high"])],
                                "Same group nationally": [fmt(v, digits, sign=True) for v in comparison["national_va"]],
                                "Same group in the club": [fmt(v, digits, sign=True) for v in comparison["club_va"]]}),
                  f"pupil-groups-{sel.urn}-{sel.year}.csv", sel.projector,
                  on_download=on_download(me, "downloaded pupil groups", sel.urn, sel.year))
            st.caption("Groups of fewer than 6 pupils are suppressed (shown as a dash).")

published_section = section("Pupil groups as DfE published them", "va_published")
if published_section:
    with published_section:
        published = data.published_groups_of_stage(sel.urn, sel.year, club, spec.key_stage)
        if published.empty:
            st.info("DfE published no pupil groups' results for this school in this key stage this year.")
        else:
            st.caption("From the performance tables or Explore Education Statistics. DfE publishes a CI for progress scores "
                       "only, and no count of pupils for KS2 groups' progress. The club's figure is the median of the similar "
                       "schools that have one (at least 3), England's the national row."
                       + ("" if (published["grouping"] == "sen").any() else " These files publish no SEN breakdown."))
            first = published[published["measure"] == measure].head(1)
            if len(first):
                from benchmarking.group_report import group_sentence
                st.markdown(plain(group_sentence(first.iloc[0], len(club))))
            table(held_table(published, lambda: {
                                "Measure": [MEASURES_BY_CODE[m].label for m in published["measure"].tolist()],
                                "Group": published["group"].tolist(),
                                "This school": [fmt(v, MEASURES_BY_CODE[m].digits, sign=MEASURES_BY_CODE[m].unit == "score")
                                                for v, m in zip(published["value"], published["measure"])],
                                "95% CI": [ci_text(a, b, MEASURES_BY_CODE[m].digits) if pd.notna(a)
                                           else "not published" if MEASURES_BY_CODE[m].unit == "score" and pd.notna(v) else "–"
                                           for a, b, m, v in zip(published["ci_low"], published["ci_high"], published["measure"],
                                                                 published["value"])],
                                "Pupils": [fmt(n, 0) for n in published["n"]],
                                "Club median": [fmt(v, MEASURES_BY_CODE[m].digits, sign=MEASURES_BY_CODE[m].unit == "score")
                                                for v, m in zip(published["club_median"], published["measure"])],
                                "England": [fmt(v, MEASURES_BY_CODE[m].digits, sign=MEASURES_BY_CODE[m].unit == "score")
                                            for v, m in zip(published["national"], published["measure"])]}),
                  f"published-groups-{sel.urn}-{sel.year}.csv", sel.projector)

inclusion_section = section("Inclusion", "va_inclusion")
if inclusion_section:
    with inclusion_section:
        included = data.inclusion_of_measure(me, sel.urn, sel.year, sel.phase, club, measure)
        if included.empty:
            st.info("No inclusion figures for this school and measure this year.")
        else:
            st.caption(INCLUSION_CAPTION)
            table(held_table(included, lambda: inclusion_columns(included)),
                  f"inclusion-{sel.urn}-{sel.year}-{measure}.csv", sel.projector)

pooled_section = section("Several years pooled", "va_pooled")
if pooled_section:
    with pooled_section:
        pooled_measure = phase(sel.phase).main_value_added if no_progress else measure
        skipped = [y for y in sel.years if no_progress_reason(spec.key_stage, y)]
        st.caption(f"{MEASURES_BY_CODE[pooled_measure].label}, cohort-weighted over the years with a progress measure"
                   + (f"; {', '.join(map(str, skipped))} skipped, as DfE published none." if skipped else "."))
        pooled_digits = MEASURES_BY_CODE[pooled_measure].digits
        every_pooled = data.pooled(sel.urn, sel.phase, sel.years)

        def pooled_table() -> dict[str, list] | pd.DataFrame:
            rows = every_pooled[every_pooled["measure"] == pooled_measure] if not every_pooled.empty else every_pooled
            return {
                "Years": [pooled_years_label(a, b) for a, b in zip(rows["first_year"], rows["last_year"])],
                "Years with results": [fmt(y, 0) for y in rows["years"]], "Pupils": [fmt(n, 0) for n in rows["n"]],
                "Pooled score": [fmt(v, pooled_digits, sign=True) for v in rows["va"]],
                "95% CI": [ci_text(a, b, pooled_digits) for a, b in zip(rows["ci_low"], rows["ci_high"])]} if len(rows) else rows

        table(held_table(every_pooled, pooled_table, pooled_measure), f"pooled-{sel.urn}.csv", sel.projector, "No years to pool.")
