"""Value added: expected against actual for schools and for this school's pupils, with uncertainty."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.errors import BenchmarkingError
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.phases import phase
from benchmarking.va_report import CONTEXTUAL_CAVEAT
from benchmarking.value_added import BAND_LABELS, pupil_group_labels, relative_to_group
from benchmarking.va_report import funnel_points
from ui import data
from ui.format import ci_text, fmt
from ui.navigation import page_file
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, figure, table

sel = school_selection()
anon = anonymiser(sel.urn, sel.anonymise)
st.title(f"Value added: {sel.name}")
measure = st.selectbox("Measure", phase(sel.phase).value_added, format_func=lambda m: MEASURES_BY_CODE[m].label)
unit = "Attainment 8" if measure == "ks4_p8" else "scaled score"

official = data.va_table(sel.year, sel.phase)
contextual = data.va_table(sel.year, sel.phase, "contextual")
official, contextual = official[official["measure"] == measure], contextual[contextual["measure"] == measure]
try:
    club = data.similarity_index(sel.year, sel.phase).neighbours(sel.urn, phase(sel.phase).default_k).neighbours["urn"].astype(int).tolist()
except BenchmarkingError as exc:  # the school's own value added stands without a club
    club = []
    st.warning(f"No club to compare with: {exc}")

st.header("Official and contextual, side by side")
left, right = st.columns(2)
for column, frame, title in ((left, official, "Official (DfE method)"), (right, contextual, "Contextual (not an official measure)")):
    row = frame[frame["urn"] == sel.urn]
    with column:
        st.subheader(title)
        if row.empty:
            st.info("No score for this school this year.")
            continue
        row = row.iloc[0]
        if pd.isna(row["va"]):
            st.info(f"Suppressed: only {int(row['n'])} pupils (figures for 5 or fewer are not shown).")
            continue
        st.metric("Score", fmt(row["va"], sign=True))
        st.markdown(f"95% CI **{ci_text(row['ci_low'], row['ci_high'])}** · {int(row['n'])} pupils · "
                    f"**{BAND_LABELS.get(row['band'], 'no band')}** · expected {fmt(row['expected'], 1)}, actual {fmt(row['actual'], 1)}")
        st.caption(row["source"])
st.caption(CONTEXTUAL_CAVEAT)

st.header("Against the club")
members = official[official["urn"].isin(club)]
own = official[official["urn"] == sel.urn]
if not own.empty:
    relative = relative_to_group(own["va"].iloc[0], own["ci_low"].iloc[0], own["ci_high"].iloc[0], members)
    st.metric("Difference from the club's mean", fmt(relative["difference"], sign=True),
              help=f"Club mean {fmt(relative['group_mean'], sign=True)} over {relative['members']} similar schools")
    st.caption(f"95% CI on the difference {ci_text(relative['ci_low'], relative['ci_high'])}")
dots = pd.concat([own, members]).merge(data.school_names(), on="urn")
dots["is_host"] = dots["urn"] == sel.urn
chart(figure(("club_dots", sel.urn, sel.year, measure, sel.projector),
             lambda: charts.ci_dots(anon.frame(dots), f"{MEASURES_BY_CODE[measure].label}: this school and its club", sel.theme),
             sel.anonymise), "club_dots")

st.header("Expected against actual, school by school")
scope = st.radio("Schools", ["The club", "Our LA", "All schools"], horizontal=True)
frame = official.merge(data.school_names(), on="urn")
own_la = frame.loc[frame["urn"] == sel.urn, "la_code"]
if scope == "The club":
    frame = frame[frame["urn"].isin(club + [sel.urn])]
elif scope == "Our LA" and len(own_la):
    frame = frame[frame["la_code"] == own_la.iloc[0]]
frame["is_host"] = frame["urn"] == sel.urn
if frame[["expected", "actual"]].dropna().empty:
    st.info("Expected and actual results are not available for this measure (published files give the score only).")
else:
    shown = anon.frame(frame, lettered=club)  # the club keeps its letters; every other school is unnamed
    event = chart(figure(("expected_actual", sel.urn, sel.year, measure, scope, sel.projector),
                         lambda: charts.expected_vs_actual(shown, "Expected against actual (click a school to open it)",
                                                           sel.theme, unit), sel.anonymise),
                  "expected_actual", on_select="rerun")
    picked = event.selection.points if event and event.selection else []
    if picked and "customdata" in picked[0] and not sel.anonymise:
        target = int(picked[0]["customdata"][0])
        if target != sel.urn:
            st.switch_page(page_file("my_school"), query_params={"urn": str(target), "year": str(sel.year)})

st.header("Funnel plot")


def funnel_chart():
    points, limits = funnel_points(data.va_table(sel.year, sel.phase), data.school_names(), measure, sel.urn)
    points = anon.frame(points, lettered=club)
    return charts.funnel(points, limits, "Scores against cohort size, all schools", sel.theme)


chart(figure(("funnel", sel.year, sel.phase, measure, sel.urn, sel.projector), funnel_chart, sel.anonymise), "funnel")

st.header("This school's pupils")
st.caption("Pupil-level rows stay in this school's own view. Hovers show a pseudonymous id, never a name.")
scores = data.school_pupils(sel.year, measure, sel.urn)
if scores.empty:
    st.info("The store has no pupil-level data for this school this year. Import a pupil CSV on the Data page.")
else:
    groups = pupil_group_labels(scores)

    @st.fragment
    def pupil_chart() -> None:
        """The pupils' chart: choosing how to colour it reruns this part of the page only."""
        colour = st.selectbox("Colour pupils by", list(groups.columns), format_func=lambda g: g.replace("_", " "))
        pupils = scores[["pupil_id", "expected", "actual"]].assign(group=groups[colour].to_numpy())
        chart(figure(("pupils", sel.urn, sel.year, measure, colour, sel.projector),
                     lambda: charts.pupil_scatter(pupils, "group", "Each pupil: expected against actual", sel.theme, unit),
                     False), "pupils")

    pupil_chart()
    st.subheader("Pupil groups, like for like")
    comparison = data.pupil_groups(sel.urn, sel.year, measure, club)
    table(pd.DataFrame({"Grouping": comparison["grouping"].str.replace("_", " "), "Group": comparison["group"],
                        "Pupils": comparison["school_n"].astype("Int64"), "This school": comparison["school_va"].round(2),
                        "95% CI": [ci_text(a, b) for a, b in zip(comparison["school_ci_low"], comparison["school_ci_high"])],
                        "Same group nationally": comparison["national_va"].round(2),
                        "Same group in the club": comparison["club_va"].round(2)}),
          f"pupil-groups-{sel.urn}-{sel.year}.csv", sel.projector)
    st.caption("Groups of fewer than 6 pupils are suppressed (shown blank).")

st.header("Several years pooled")
pooled_rows = data.pooled(sel.urn, sel.phase, sel.years)
pooled_rows = pooled_rows[pooled_rows["measure"] == measure] if not pooled_rows.empty else pooled_rows
table(pd.DataFrame({"Years": [f"{a}-{b}" for a, b in zip(pooled_rows["first_year"], pooled_rows["last_year"])],
                    "Years with results": pooled_rows["years"], "Pupils": pooled_rows["n"],
                    "Pooled score": pooled_rows["va"].round(2),
                    "95% CI": [ci_text(a, b) for a, b in zip(pooled_rows["ci_low"], pooled_rows["ci_high"])]})
      if not pooled_rows.empty else pooled_rows, f"pooled-{sel.urn}.csv", sel.projector, "No years to pool.")
