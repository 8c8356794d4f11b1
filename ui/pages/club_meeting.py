"""Club meeting: step through a club one screen at a time, made for a projector."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.club_store import club_details
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.school_view import group_trend, school_trend
from benchmarking.similarity import FEATURE_LABELS
from benchmarking.meeting import meeting_slides
from benchmarking.phases import phase
from benchmarking.va_report import funnel_points
from ui import data
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, table

sel = school_selection()
stored = data.clubs()
stored = stored[(stored["phase"] == sel.phase)]
choices = ["This school and its 11 most similar schools"] + stored["name"].tolist()
choice = st.selectbox("Club", choices, help="Clubs are formed or saved on the Similar schools page or with `clubs form`")
anonymise = st.toggle("Anonymise every school but the host", value=True, key="meeting_anonymise")
if not sel.projector:
    st.caption("Tip: switch on projector mode in the sidebar for the meeting room.")

if choice == choices[0]:
    group = data.similarity_index(sel.year, sel.phase).neighbours(sel.urn, phase(sel.phase).meeting_size - 1)
    members = [sel.urn] + group.neighbours["urn"].astype(int).tolist()
    year = sel.year
else:
    info, member_frame = club_details(data.store(), choice)
    members, year = member_frame["urn"].astype(int).tolist(), int(info["year"])
host = sel.urn if sel.urn in members else members[0]
anon = anonymiser(host, anonymise)
names = data.school_names().set_index("urn")["name"]

frame = pd.DataFrame({"urn": members, "name": [names.get(u, f"School {u}") for u in members]})
frame["is_host"] = frame["urn"] == host
frame = anon.frame(frame)
frame["urn"] = members
va = data.va_table(year, sel.phase)
slides = meeting_slides(sel.phase, members, data.year_results(year), va)


def show(slide) -> None:
    """One slide of the deck."""
    if slide.kind == "glance":
        index = data.similarity_index(year, sel.phase)
        context = index.frame[index.frame["urn"].isin(members)]
        at_a_glance = frame.merge(context[["urn", "la_name", "pct_disadvantaged", "pct_eal", "pct_sen_support",
                                           "pupils_on_roll"]], on="urn", how="left")
        table(pd.DataFrame({"School": at_a_glance["name"], "LA": at_a_glance["la_name"],
                            FEATURE_LABELS["pct_disadvantaged"]: at_a_glance["pct_disadvantaged"].round(1),
                            FEATURE_LABELS["pct_eal"]: at_a_glance["pct_eal"].round(1),
                            FEATURE_LABELS["pct_sen_support"]: at_a_glance["pct_sen_support"].round(1),
                            "Pupils on roll": at_a_glance["pupils_on_roll"].astype("Int64")}),
              f"club-{year}.csv", sel.projector)
    elif slide.kind == "ranked":
        results = data.year_results(year)
        values = frame.merge(results[results["measure"] == slide.measure][["urn", "value"]], on="urn", how="left")
        chart(charts.ranked_bars(values, MEASURES_BY_CODE[slide.measure].label, sel.theme,
                                 bool(MEASURES_BY_CODE[slide.measure].higher_is_better)), f"ranked_{slide.measure}")
        missing = values[values["value"].isna()]
        if len(missing):
            st.caption("Not shown (missing or suppressed): " + ", ".join(missing["name"]))
    elif slide.kind == "value_added":
        dots = frame.merge(va[va["measure"] == slide.measure], on="urn")
        chart(charts.ci_dots(dots, MEASURES_BY_CODE[slide.measure].label, sel.theme), "meeting_dots")
    elif slide.kind == "funnel":
        points, limits = funnel_points(va, frame[["urn", "name"]], slide.measure, host, members)
        chart(charts.funnel(points, limits, "The club against cohort size", sel.theme), "meeting_funnel")
    else:
        trend = school_trend(data.store(), host, slide.measure)
        host_name = frame.loc[frame["is_host"], "name"].iloc[0]
        chart(charts.trend(trend, f"{host_name}: {MEASURES_BY_CODE[slide.measure].label}", sel.theme), "meeting_trend")
        by_year = group_trend(data.store(), members, slide.measure)
        table(pd.DataFrame({"Year": by_year["year"], "Club mean score": by_year["mean_va"].round(2),
                            "Schools with a score": by_year["schools"]}), "club-trend.csv", sel.projector)


@st.fragment
def deck() -> None:
    """The slides, one at a time: next and previous rerun this part of the page only."""
    wanted = st.query_params.get("slide", "1")
    step = (int(wanted) - 1 if wanted.isdigit() else 0) % len(slides)
    back, where, forward = st.columns([1, 4, 1])
    if back.button("◀ Previous", width="stretch"):
        step = (step - 1) % len(slides)
    if forward.button("Next ▶", width="stretch"):
        step = (step + 1) % len(slides)
    if st.query_params.get("slide") != str(step + 1):
        st.query_params["slide"] = str(step + 1)
    where.markdown(f"**{step + 1} of {len(slides)}: {slides[step].title}**")
    st.title(slides[step].title)
    show(slides[step])


deck()
