"""Club impact: did a club (or a school-to-school pairing) make a difference? Its members' change from before
joining to after, against the change at matched schools that are not members, with its uncertainty."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.impact import COMPARISONS
from ui import data
from ui.app import require_entry
from ui.format import ci_text, fmt, plain
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, figure, table

require_entry()

sel = school_selection()
anon = anonymiser(sel)
st.title("Does the club work?")
stored = data.clubs()
if stored.empty:
    st.info("No clubs are stored yet. Save one on the Similar schools page, form them with `python -m benchmarking "
            "clubs form`, or record a pairing with `clubs pair`.")
    st.stop()
names = stored["name"].tolist()
choice = st.selectbox("Club or pairing", names, format_func=anon.club, key="impact_club",
                      help="Clubs keep the year each member joined (and left): `clubs add` and `clubs remove` record it")
impact = data.club_impact(choice)
st.caption(f"For each member, its {COMPARISONS} most similar schools that are not members (on context and on their "
           "scores before joining, level and trend) are its comparison schools. The estimate is the members' change "
           "from before joining to after, less their comparison schools' change over the same years: a "
           "difference in differences, with a 95% CI over members.")
st.subheader(plain(impact.verdict))
st.caption(f"Measure: {plain(impact.measure)}.")
columns = st.columns(4)
columns[0].metric("Difference in differences", fmt(impact.estimate, 2, sign=True),
                  help="Positive: members improved more than schools like them")
columns[1].metric("95% CI", ci_text(impact.ci_low, impact.ci_high, 2))
columns[2].metric("Members measured", impact.n_members)
columns[3].metric("Comparison schools", impact.n_comparison)
st.caption(f"{impact.years_before} years up to joining and {impact.years_after} after are measured.")
if impact.planted is not None and data.synthetic():
    st.info(f"This is a demo club: the synthetic data planted an effect of {fmt(impact.planted, 2, sign=True)} from the year after "
            "joining. The estimate should usually be near it, and its 95% CI should cover it 19 times in 20.")

if not impact.event_study.empty:
    st.header("Year by year")
    st.caption("Members' gap to their comparison schools each year, less their gap in the year they joined (0). "
               "Years before joining are a placebo check: the club cannot have changed them, so they should sit on 0.")
    chart(figure(("impact", choice, data.revision("data", "clubs"), sel.projector),
                 lambda: charts.event_study(impact.event_study, "Members against their comparison schools", sel.theme),
                 sel.anonymise), "impact")
    study = impact.event_study
    table(pd.DataFrame({"Years since joining": study["years_since_joining"],
                        "Gap change": [fmt(v, 2, sign=True) for v in study["estimate"]],
                        "95% CI": [ci_text(a, b, 2) for a, b in zip(study["ci_low"], study["ci_high"])],
                        "Members": study["members"]}), "club_impact_by_year.csv", sel.projector)

if not impact.members.empty:
    st.header("Members")
    labels = data.school_names().set_index("urn")["name"]
    rows = impact.members.assign(name=lambda f: f["urn"].map(labels).fillna("School"), is_host=lambda f: f["urn"] == sel.urn)
    shown = anon.frame(rows)
    table(pd.DataFrame({"School": shown["name"], "Joined": rows["joined"],
                        "Left": rows["left_in"].map(lambda v: "–" if pd.isna(v) else str(int(v))),
                        "Difference in differences": [fmt(v, 2, sign=True) for v in rows["did"]]}),
          "club_impact_members.csv", sel.projector)
