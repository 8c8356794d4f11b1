"""Club meeting: a deck for the projector, one slide at a time, anonymised but for the host school.

The slide lives in the URL (?slide=3), so a reload mid-meeting resumes on it; the arrow keys (and a
clicker's page up and page down) go to the next and previous slide.
"""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.club_store import club_details, current_members
from benchmarking.documents import club_pack
from benchmarking.errors import BenchmarkingError
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.meeting import (
    INCLUSION_NOTE,
    club_funnel,
    disadvantaged_values,
    ranked_values,
    scores_with_intervals,
)
from benchmarking.phases import phase
from benchmarking.rank_interval import RANK_NOTE
from benchmarking.school_view import group_trend
from benchmarking.similarity import FEATURE_LABELS
from ui import data
from ui.app import require_entry
from ui.format import fmt, plain
from ui.selection import anonymiser, request_anonymise, school_selection
from ui.widgets import chart, document_download, held_table, page_script, table

require_entry()

NEXT, PREVIOUS = "Next ▶", "◀ Previous"
# One height for every chart, so that each slide fits a 1920 x 1080 screen in projector mode.
SLIDE_HEIGHT = {True: 640, False: 520}
CAPTION_ROOM = 50  # pixels a ranked slide leaves for its note on the rank intervals
# The arrow keys (and a clicker's page keys) press Next and Previous, unless someone is typing in a box (a switch
# just clicked keeps its focus, and must not take the keys). The listener is this frame's, and a frame is replaced
# when the page is redrawn: a listener left by a replaced frame no longer runs, so each frame removes the last
# one's and adds its own.
KEYS = """<script>
const doc = window.parent.document;
if (doc.__clubMeetingKeys) { doc.removeEventListener("keydown", doc.__clubMeetingKeys); }
doc.__clubMeetingKeys = (event) => {
  const t = event.target;  // typing in a box is not a slide change; a switch or button just clicked keeps the keys
  if (t.isContentEditable || ["TEXTAREA", "SELECT"].includes(t.tagName)
      || (t.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(t.type))) { return; }
  const label = ["ArrowRight", "PageDown"].includes(event.key) ? "%s"
              : ["ArrowLeft", "PageUp"].includes(event.key) ? "%s" : null;
  const button = label && [...doc.querySelectorAll("button")].find((b) => b.innerText.trim() === label);
  if (button) { event.preventDefault(); button.click(); }
};
doc.addEventListener("keydown", doc.__clubMeetingKeys);
</script>""" % (NEXT, PREVIOUS)

sel = school_selection()
p = phase(sel.phase)
if sel.anonymise:
    st.caption("Anonymised but for the host school: other schools are letters, their LAs are not named and their "
               "context is rounded (the switches under Display in the sidebar change this).")
else:
    st.info("Club meetings are anonymised but for the host school: switch anonymised mode on before the meeting starts.")
    if st.button("Anonymise every school but the host", type="primary"):
        request_anonymise()
stored = data.clubs_of_phase(sel.phase)
anon = anonymiser(sel)
choices = [None] + stored["name"].tolist()
where = st.sidebar if sel.projector else st  # in the meeting room the slides have the whole screen
choice = where.selectbox("Club", choices, format_func=lambda c: f"This school and its {p.meeting_size - 1} most similar schools"
                      if c is None else anon.club(c),
                      help="Clubs are saved on the Similar schools page or formed with `clubs form`")
if not sel.projector:
    st.caption("Tip: switch on projector mode in the sidebar for the meeting room.")

if choice is None:
    try:
        group = data.club_group(sel.year, sel.phase, sel.urn, sel.mainstream, p.meeting_size - 1)
    except BenchmarkingError as exc:
        st.header("No meeting for this school this year")
        st.info(f"{plain(exc)} Choose a saved club instead, or another school.")
        st.stop()
    members, year = [sel.urn] + group.neighbours["urn"].astype(int).tolist(), sel.year
else:
    info, member_frame = club_details(data.store(), choice)
    member_frame = current_members(member_frame)
    members, year = member_frame["urn"].astype(int).tolist(), int(info["year"])
    if not members:
        st.header("No meeting for this club")
        st.info("Every member has left this club. Choose another club.")
        st.stop()
host = sel.urn if sel.urn in members else members[0]
anon = anonymiser(sel, host)
roster = pd.DataFrame({"urn": members, "name": [data.school_name(u, f"School {u}") for u in members]})
roster["is_host"] = roster["urn"] == host
labelled = anon.frame(roster)[["name", "is_host"]].assign(urn=members)  # letters for people, URNs only for joins
no_progress = data.measures_for(year, sel.phase)[1]
stand_in = phase(sel.phase).stand_in if no_progress else None  # in a year without progress: attainment in context
va = data.scores_table(year, sel.phase, stand_in) if no_progress else data.va_table(year, sel.phase)
if no_progress:
    st.info(plain(no_progress))
held = data.deck(year, sel.phase, members, stand_in)  # every kind of school's results: special schools' too
members_results, group_rows, slides = held.results, held.groups, held.slides
height = SLIDE_HEIGHT[sel.projector]
if not sel.projector:
    pack_title = "Club meeting" if sel.anonymise else (choice or f"{sel.name} and its most similar schools")
    document_download("Download the meeting pack (HTML, A4)" + (", anonymised" if sel.anonymise else ""),
                      lambda: club_pack(data.store(), members, host, year, sel.phase, pack_title, sel.anonymise,
                                        club=choice),
                      f"club-meeting-{year}{'-anonymised' if sel.anonymise else ''}.html", "meeting_pack")


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """A slide's rows with the members' labels and no URN: only labels reach the browser."""
    return frame.merge(labelled, on="urn").drop(columns=["urn"])


def show(slide) -> None:
    """One slide of the deck."""
    if slide.kind == "glance":
        def glance_columns() -> dict[str, list]:
            pool = data.similarity_index(year, sel.phase, mainstream=sel.mainstream)
            rows = anon.coarsen(pool.frame.iloc[sorted(pool.position[u] for u in set(members) if u in pool.position)][
                ["urn", "la_name", "pct_disadvantaged", "pct_eal", "pct_sen_support", "pupils_on_roll"]],
                context_columns=["pct_disadvantaged", "pct_eal", "pct_sen_support", "pupils_on_roll"])
            glance, digits = named(rows), 0 if anon.enabled and anon.round_context else 1  # rounded: no false precision
            return {"School": glance["name"].tolist(), "LA": glance["la_name"].tolist(),
                    FEATURE_LABELS["pct_disadvantaged"]: [fmt(v, digits) for v in glance["pct_disadvantaged"]],
                    FEATURE_LABELS["pct_eal"]: [fmt(v, digits) for v in glance["pct_eal"]],
                    FEATURE_LABELS["pct_sen_support"]: [fmt(v, digits) for v in glance["pct_sen_support"]],
                    "Pupils on roll": [fmt(v, 0) for v in glance["pupils_on_roll"]]}

        # Built once per deck and the labels and masking that show it (a meeting's heads share them), not each view.
        table(held_table(held, glance_columns, "glance", sel.mainstream, tuple(labelled["name"]), anon.enabled,
                         anon.hide_las, anon.round_context), f"club-{year}.csv", sel.projector)
    elif slide.kind == "ranked":
        spec = MEASURES_BY_CODE[slide.measure]
        values = named(ranked_values(members_results, members, slide.measure,
                                     data.every_school_errors(year).get(slide.measure)))
        chart(lambda: charts.ranked_bars(values, spec.label, sel.theme, bool(spec.higher_is_better), spec.digits,
                                 height - CAPTION_ROOM), f"ranked_{slide.measure}")
        st.caption(RANK_NOTE)
        missing = values[values["value"].isna()]
        if len(missing):
            st.caption("Not shown (not published or suppressed): " + ", ".join(plain(n) for n in missing["name"]))
    elif slide.kind == "inclusion":
        dots = named(disadvantaged_values(group_rows, members, slide.measure))
        chart(lambda: charts.ci_dots(dots, slide.title, sel.theme, MEASURES_BY_CODE[slide.measure].label, height=height),
              "meeting_inclusion")
        st.caption(INCLUSION_NOTE)
    elif slide.kind == "value_added":
        dots = named(scores_with_intervals(va, members, slide.measure))
        chart(lambda: charts.ci_dots(dots, MEASURES_BY_CODE[slide.measure].label, sel.theme, height=height), "meeting_dots")
    elif slide.kind == "funnel":
        points, limits = club_funnel(va, members, host, slide.measure)
        points = named(points)
        chart(lambda: charts.funnel(points, limits, "The club against cohort size", sel.theme, height=height), "meeting_funnel")
    else:
        trend = data.school_trend(host, slide.measure)
        host_name = labelled.loc[labelled["is_host"], "name"].iloc[0]
        if trend["va"].notna().sum() > 1:
            chart(lambda: charts.trend(trend, f"{host_name}: {MEASURES_BY_CODE[slide.measure].label}", sel.theme,
                               height=height // 2), "meeting_trend")
        by_year = group_trend(data.store(), members, slide.measure)
        table(pd.DataFrame({"Year": by_year["year"], "Club mean score": [fmt(v, 2, sign=True) for v in by_year["mean_va"]],
                            "Schools with a score": by_year["schools"]}), "club-trend.csv", sel.projector)


@st.fragment
def deck() -> None:
    """The slides, one at a time: next and previous rerun this part of the page only."""
    wanted = st.query_params.get("slide", "1")
    step = (int(wanted) - 1 if wanted.isdigit() else 0) % len(slides)
    back, title, forward = st.columns([1, 5, 1], vertical_alignment="center")
    if back.button(PREVIOUS, width="stretch"):
        step = (step - 1) % len(slides)
    if forward.button(NEXT, width="stretch"):
        step = (step + 1) % len(slides)
    if st.query_params.get("slide") != str(step + 1):
        st.query_params["slide"] = str(step + 1)
    title.markdown(f"### {plain(slides[step].title)} <span style='font-size:0.7em;color:#555'>"
                   f"&nbsp;·&nbsp;{step + 1} of {len(slides)}</span>", unsafe_allow_html=True)
    show(slides[step])


deck()
page_script(KEYS)
