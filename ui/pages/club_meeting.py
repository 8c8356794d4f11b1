"""Club meeting: step through a club one screen at a time, made for a projector."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.club_store import club_details
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.phases import phase
from benchmarking.school_view import group_trend, school_trend
from benchmarking.similarity import FEATURE_LABELS
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

steps = ["The club at a glance"] + [f"Ranked: {MEASURES_BY_CODE[m].label}" for m in phase(sel.phase).headline] + \
        ["Value added with confidence intervals", "Funnel plot", "Trends"]
step = st.session_state.setdefault("meeting_step", 0) % len(steps)
back, where, forward = st.columns([1, 4, 1])
if back.button("◀ Previous", width="stretch"):
    step = st.session_state["meeting_step"] = (step - 1) % len(steps)
if forward.button("Next ▶", width="stretch"):
    step = st.session_state["meeting_step"] = (step + 1) % len(steps)
where.markdown(f"**{step + 1} of {len(steps)}: {steps[step]}**")
st.title(steps[step])

frame = pd.DataFrame({"urn": members, "name": [names.get(u, f"School {u}") for u in members]})
frame["is_host"] = frame["urn"] == host
frame = anon.frame(frame)
frame["urn"] = members
va = data.va_table(year, sel.phase)
measure = phase(sel.phase).main_value_added

if step == 0:
    index = data.similarity_index(year, sel.phase)
    context = index.frame[index.frame["urn"].isin(members)]
    at_a_glance = frame.merge(context[["urn", "la_name", "pct_disadvantaged", "pct_eal", "pct_sen_support", "pupils_on_roll"]], on="urn", how="left")
    table(pd.DataFrame({"School": at_a_glance["name"], "LA": at_a_glance["la_name"],
                        FEATURE_LABELS["pct_disadvantaged"]: at_a_glance["pct_disadvantaged"].round(1),
                        FEATURE_LABELS["pct_eal"]: at_a_glance["pct_eal"].round(1),
                        FEATURE_LABELS["pct_sen_support"]: at_a_glance["pct_sen_support"].round(1),
                        "Pupils on roll": at_a_glance["pupils_on_roll"].astype("Int64")}),
          f"club-{year}.csv", sel.projector)
elif step <= len(phase(sel.phase).headline):
    code = phase(sel.phase).headline[step - 1]
    results = data.year_results(year)
    values = frame.merge(results[results["measure"] == code][["urn", "value"]], on="urn", how="left")
    if values["value"].notna().sum() == 0:
        st.info("No school of the club has this measure this year.")
    else:
        chart(charts.ranked_bars(values, MEASURES_BY_CODE[code].label, sel.theme,
                                 bool(MEASURES_BY_CODE[code].higher_is_better)), f"ranked_{code}")
        missing = values[values["value"].isna()]
        if len(missing):
            st.caption("Not shown (missing or suppressed): " + ", ".join(missing["name"]))
elif steps[step].startswith("Value added"):
    dots = frame.merge(va[va["measure"] == measure], on="urn")
    chart(charts.ci_dots(dots, MEASURES_BY_CODE[measure].label, sel.theme), "meeting_dots")
elif steps[step] == "Funnel plot":
    points, limits = funnel_points(va, frame[["urn", "name"]], measure, host, members)
    chart(charts.funnel(points, limits, "The club against cohort size", sel.theme), "meeting_funnel")
else:
    trend = school_trend(data.store(), host, measure)
    chart(charts.trend(trend, f"{frame.loc[frame['is_host'], 'name'].iloc[0]}: {MEASURES_BY_CODE[measure].label}", sel.theme), "meeting_trend")
    by_year = group_trend(data.store(), members, measure)
    table(pd.DataFrame({"Year": by_year["year"], "Club mean score": by_year["mean_va"].round(2),
                        "Schools with a score": by_year["schools"]}), "club-trend.csv", sel.projector)
