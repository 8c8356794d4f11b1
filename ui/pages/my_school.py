"""My school: a head's view of the school against schools like it."""
import pandas as pd
import streamlit as st

from benchmarking.errors import BenchmarkingError
from benchmarking.school_view import headline_results, school_trend
from benchmarking.phases import phase
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.value_added import BAND_LABELS
from benchmarking import charts
from ui import data
from ui.format import ci_text, fmt
from ui.navigation import page_file
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, figure, table

sel = school_selection()
anon = anonymiser(sel.urn, sel.anonymise)
st.title(sel.name)
st.caption(f"{sel.la_name} · {sel.phase} · {sel.year}. Compared with the {phase(sel.phase).default_k} most similar schools "
           "from every LA in the store.")

try:
    group = data.similarity_index(sel.year, sel.phase).neighbours(sel.urn, phase(sel.phase).default_k)
    club = group.neighbours["urn"].astype(int).tolist()
except BenchmarkingError as exc:  # the school's own figures still stand without a group to compare with
    group, club = None, []
    st.warning(f"No similar schools to compare with: {exc}")

st.header("Value added")
va = data.va_table(sel.year, sel.phase)
mine = va[va["urn"] == sel.urn]
if mine.empty:
    st.info("No value added for this school this year (no cohort, or suppressed).")
else:
    cols = st.columns(len(mine))
    for col, row in zip(cols, mine.itertuples()):
        col.metric(MEASURES_BY_CODE[row.measure].label, fmt(row.va, sign=True),
                   help="The school's score against pupils with the same prior attainment nationally")
        if pd.isna(row.va):
            col.markdown(f"Suppressed: only {int(row.n)} pupils (figures for 5 or fewer are not shown).")
        else:
            col.markdown(f"95% CI **{ci_text(row.ci_low, row.ci_high)}** · {int(row.n)} pupils · "
                         f"**{BAND_LABELS.get(row.band, 'no band')}**")

st.header("Headline results")
results = headline_results(data.year_results(sel.year), sel.urn, club, sel.phase)
shown = pd.DataFrame({
    "Measure": results["label"],
    "Value": [fmt(v, 2 if abs(v) < 5 else 1) if pd.notna(v) else f"missing ({r})" for v, r in zip(results["value"], results["reason"])],
    "95% CI": [ci_text(lo, hi) for lo, hi in zip(results["ci_low"], results["ci_high"])],
    "Pupils": results["n"].astype("Int64"),
    "Rank in club": [f"{r} of {n}" if pd.notna(r) else "–" for r, n in zip(results["club_rank"], results["club_size"])],
    "Club median": results["club_median"].round(2),
    "National percentile": results["national_percentile"].round(0),
}) if not results.empty else results
table(shown, f"headline-{sel.urn}-{sel.year}.csv", sel.projector, "No headline results for this school this year.")

left, right = st.columns(2)
with left:
    st.header("Context against the club")
    if group is None:
        st.info("No club: the school cannot be matched with similar schools this year.")
    else:
        comparison = group.comparison()
        table(pd.DataFrame({"Feature": comparison["label"], "This school": comparison["school"].round(1),
                            "Club median": comparison["group_median"].round(1)}),
              f"context-{sel.urn}-{sel.year}.csv", sel.projector)
        if group.matched_without:
            st.warning("Matched without: " + ", ".join(group.matched_without) + " (missing for this school).")
with right:
    st.header("Trend")
    measure = phase(sel.phase).main_value_added
    trend = school_trend(data.store(), sel.urn, measure)
    if trend["va"].notna().sum() == 0:
        st.info("No value added in any year for this school.")
    else:
        chart(figure(("trend", sel.urn, measure, sel.projector),
                     lambda: charts.trend(trend, f"{MEASURES_BY_CODE[measure].label} over the years", sel.theme), False),
              "trend")
        missing = trend[trend["va"].isna()]
        if len(missing):
            st.caption("Missing years: " + ", ".join(f"{y} ({r})" for y, r in zip(missing["year"], missing["reason"])))

st.header("Similar schools that do better")
st.caption("Similar schools whose value added is significantly higher than this school's: candidates for school-to-school support.")
better = data.partners(sel.urn, sel.year, sel.phase, phase(sel.phase).default_k) if group is not None else pd.DataFrame()
if better.empty:
    st.info("No similar school has significantly higher value added this year.")
else:
    better = anon.frame(better)
    for row in better.head(8).itertuples():
        label = f"{row.name} ({row.la_name}): {fmt(row.value, sign=True)}, difference {fmt(row.difference, sign=True)}"
        if sel.anonymise:
            st.markdown(f"- {label}")
        else:
            st.page_link(page_file("my_school"), label=label, query_params={"urn": str(row.urn), "year": str(sel.year)})
