"""Similar schools: the group, why each school is in it, and saving it as a club."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.club_store import save_club
from benchmarking.errors import BenchmarkingError
from benchmarking.measures import MEASURES_BY_CODE, in_sentence
from benchmarking.phases import ABSENCE, K_RANGE, phase
from benchmarking.rank_interval import rank_cell
from benchmarking.school_view import (
    missing_reason,
    neighbours_with_results,
)
from benchmarking.similarity import DEFAULT_WEIGHTS, FEATURE_LABELS, FEATURES, stability
from benchmarking.bands import BAND_LABELS
from benchmarking.writer import writing
from ui import data
from ui.access import viewer
from ui.app import require_entry
from ui.format import ci_text, fmt, plain
from ui.navigation import page_file
from ui.selection import anonymiser, school_selection
from ui.widgets import chart, context_table, figure, held_table, section, table

require_entry()

sel = school_selection()
anon = anonymiser(sel)
st.title(f"Schools like {plain(sel.name)}")
st.caption("Nearest neighbours on intake and context, from every LA in the store. Change the settings and the group recomputes at once.")

WHERE = ["All LAs", "Only chosen LAs", "At most N from our own LA"]
# The settings are drawn only while their section is open (eight sliders were a fifth of every view); what the
# visitor set is kept here meanwhile.
kept = st.session_state.setdefault("_similar_settings", {})
k, weights = kept.get("k", phase(sel.phase).default_k), kept.get("weights", DEFAULT_WEIGHTS)
where, named, most = kept.get("where", WHERE[0]), kept.get("named"), kept.get("most", 3)
settings = section("Settings: group size, weights and LAs", "similar_settings")
if settings:
    with settings:
        k = st.slider("Schools in the group", K_RANGE[0], K_RANGE[1], k)
        cols = st.columns(3)
        weights = {f: cols[i % 3].slider(FEATURE_LABELS[f], 0.0, 3.0, float(weights[f]), 0.1, key=f"weight_{f}")
                   for i, f in enumerate(FEATURES)}
        if not any(weights.values()):
            st.error("At least one weight must be above zero.")
            st.stop()
        where = st.radio("Where from", WHERE, index=WHERE.index(where), horizontal=True)
index = data.similarity_index(sel.year, sel.phase, weights, sel.mainstream)
try:
    defaults = index.matching(sel.urn)  # on by default for girls', boys' and selective schools
except BenchmarkingError:
    defaults = {"sex": False, "admissions": False}
match = kept.get("match", {}).get(sel.urn, (defaults["sex"], defaults["admissions"]))  # a default follows the school
la_codes = index.frame.drop_duplicates("la_code").set_index("la_name")["la_code"].sort_index() if where == WHERE[1] else None
if settings:
    with settings:
        if where == WHERE[1]:
            named = st.multiselect("LAs", la_codes.index.tolist(), default=[n for n in (
                [sel.la_name] if named is None else named) if n in la_codes.index])
        elif where == WHERE[2]:
            most = st.number_input("Most from our own LA", 0, 60, most)
        match = (st.checkbox("Only schools with the same sex of entry (boys, girls or mixed)", match[0],
                             key=f"match_sex_{sel.urn}"),
                 st.checkbox("Only schools with the same admissions (selective or not)", match[1],
                             key=f"match_admissions_{sel.urn}"))
    kept.update(k=k, weights=weights, where=where, named=named, most=most)
    kept.setdefault("match", {})[sel.urn] = match
las = ({int(la_codes[n]) for n in named or [] if n in la_codes.index} or None) if where == WHERE[1] else None
max_own = most if where == WHERE[2] else None
match_sex, match_admissions = match

settings_default = (k == phase(sel.phase).default_k and weights == DEFAULT_WEIGHTS and las is None and max_own is None
                    and {"sex": match_sex, "admissions": match_admissions} == defaults)
try:
    # With every setting at its default, the group is the school's club, found once for every page.
    group = data.club_group(sel.year, sel.phase, sel.urn, sel.mainstream) if settings_default else index.neighbours(
        sel.urn, k, las=las, max_own_la=max_own, match_sex=match_sex, match_admissions=match_admissions)
except BenchmarkingError as exc:  # a school that cannot be placed among others: say why, and where its figures are
    st.info(f"{plain(exc)} Its own figures are on My school and Value added.")
    st.stop()
kinds = [text for on, text in ((group.matching.get("sex"), f"{group.school['sex_of_entry']} schools"),
                                (group.matching.get("admissions"), f"{group.school['admissions']} schools")) if on]
if kinds:
    st.caption("Only among " + " and ".join(kinds) + ": change this in the settings.")
if group.matched_without:
    st.warning("This school has no " + ", ".join(FEATURE_LABELS[f] for f in group.matched_without)
               + ": it was matched on the other features.")
if group.note:
    st.caption(group.note)

members = group.neighbours
p = phase(sel.phase)
no_progress = data.measures_for(sel.year, sel.phase)[1]
main = p.stand_in if no_progress else p.main_value_added  # in a year without progress: attainment in context
main_label = MEASURES_BY_CODE[main].label + (" in context" if no_progress else "")
if no_progress:
    st.caption(f"{no_progress} Schools are shown with their attainment in context instead (not a progress measure).")
attainment = p.headline[0] if p.headline[0] != p.main_value_added else None
va = data.scores_table(sel.year, sel.phase, main)
rows = (data.club_with_results(sel.year, sel.phase, sel.urn, sel.mainstream, main, attainment) if settings_default else
        neighbours_with_results(group, va, data.every_school_values(sel.year).get(attainment) if attainment else None))
digits = MEASURES_BY_CODE[main].digits


def group_table() -> pd.DataFrame:
    """The group as the table shows it: names (or letters), distances, scores and what makes each school near."""
    named = anon.frame(anon.coarsen(rows))
    shown = pd.DataFrame({"Nearness": named["rank"], "School": named["name"], "LA": named["la_name"],
                          "Distance": [fmt(d, 2) for d in named["distance"]],
                          main_label: [fmt(v, digits, sign=True) for v in named["va"]],
                          "95% CI": [ci_text(a, b, digits) for a, b in zip(named["ci_low"], named["ci_high"])],
                          "Band": named["band"].map(BAND_LABELS).fillna("–")})
    if attainment:
        shown[MEASURES_BY_CODE[attainment].label] = [fmt(v, MEASURES_BY_CODE[attainment].digits) for v in named["attainment"]]
    if not sel.projector:  # on the projector the table must fit the screen: why they are alike is the next table
        for f in group.features:
            shown[f"{FEATURE_LABELS[f]} (% of distance)"] = [fmt(v, 0) for v in named[f"share_{f}"]]
    return shown


# Built once per club for every visitor (with default settings, unanonymised: the rows are the shared club's).
shown = held_table(rows, group_table, sel.projector) if settings_default and not sel.anonymise else group_table()

left, right = st.columns([3, 2])
with left:
    st.header(f"The group of {len(members)}")
    if not sel.anonymise:
        st.caption("Pick a row to open that school.")
    event = table(shown, f"similar-{sel.urn}-{sel.year}.csv", sel.projector, key="group",
                  on_select=not sel.anonymise and not sel.projector)
    picked = event.selection.rows if event is not None else []
    if picked:
        st.switch_page(page_file("my_school"), query_params={"urn": str(int(rows["urn"].iloc[picked[0]])),
                                                             "year": str(sel.year)})
with right:
    st.header("Why they are alike")
    table(held_table(group, lambda: context_table(group, "Group median")), f"similar-why-{sel.urn}.csv", sel.projector)
    earlier = [y for y in sel.years if y < sel.year]
    if earlier:
        try:
            # With every setting at its default, last year's group is the school's club that year, found once.
            last = (data.club_group(earlier[-1], sel.phase, sel.urn, sel.mainstream) if settings_default else
                    data.similarity_index(earlier[-1], sel.phase, weights, sel.mainstream).neighbours(
                        sel.urn, k, las=las, max_own_la=max_own))
            st.metric(f"Also in the {earlier[-1]} group", f"{stability(group, last):.0%}",
                      help="Share of this year's group that was also in last year's group, with the same settings")
        except BenchmarkingError as exc:
            st.info(f"No group for {earlier[-1]}: {plain(exc)}")
    else:
        st.info("No earlier year in the store to compare the group with.")

absence = data.headline(sel.urn, sel.year, sel.phase, sel.mainstream, members["urn"].astype(int).tolist(), ABSENCE)
if not absence.empty:
    st.header("Absence against the group (lower is better)")
    table(held_table(absence, lambda: {
        "Measure": absence["label"].tolist(),
        "This school": [fmt(v, d) if pd.notna(v) else missing_reason(r)
                        for v, r, d in zip(absence["value"], absence["reason"], absence["digits"])],
        "Rank in group (95% interval)": [rank_cell(r, n, lo, hi) for r, n, lo, hi in zip(
            absence["club_rank"], absence["club_size"], absence["club_rank_low"], absence["club_rank_high"])],
        "Group median": [fmt(v, d) for v, d in zip(absence["club_median"], absence["digits"])],
    }), f"similar-absence-{sel.urn}-{sel.year}.csv", sel.projector)

st.header("Context against outcome")
feature = st.selectbox("Context", FEATURES, format_func=FEATURE_LABELS.get, index=1)
backdrop = data.context_backdrop(sel.year, sel.phase, sel.mainstream, feature, main, sel.theme.others)


def context_points() -> pd.DataFrame:
    """The schools drawn one by one: every school of the pool, or over a backdrop of thousands (one shaded trace,
    made once a year) the group and the host, found by position rather than by a pass over the pool."""
    pool = index.frame[["urn", "name", feature]]
    if backdrop is None:
        scores = va
    else:
        pool = pool.iloc[sorted(index.position[u] for u in {*members["urn"].astype(int), sel.urn} if u in index.position)]
        scores = data.scores_of(sel.year, sel.phase, main, pool["urn"])
    points = pool.merge(scores[["urn", "va"]], on="urn")
    points["in_group"] = points["urn"].isin(members["urn"])
    points["is_host"] = points["urn"] == sel.urn
    return anon.frame(anon.coarsen(points, context_columns=[feature]), lettered=members["urn"])  # group lettered


points = context_points() if backdrop is None else None  # else only when the chart is drawn anew
if points is not None and points[[feature, "va"]].dropna().empty:
    st.info(f"The store has no {in_sentence(FEATURE_LABELS[feature])} with {main_label} for these schools.")
else:
    key = ("context", sel.urn, sel.year, feature, tuple(weights.items()), k, tuple(sorted(las)) if las else None,
           max_own, sel.projector)
    chart(figure(key, lambda: charts.context_scatter(
        context_points() if points is None else points, feature, "va", FEATURE_LABELS[feature], main_label,
        f"{FEATURE_LABELS[feature]} against {main_label}", sel.theme, backdrop,
        x_digits=0 if feature == "pupils_on_roll" else 1, y_digits=digits), sel.anonymise), "context")

st.header("Save as a club")
me = viewer()
if not (me.may_manage or me.role == "demo"):
    st.info("An admin saves clubs; ask yours to save this group as a club for your meetings.")
else:
    with st.form("save_club"):
        default = f"{sel.name} and similar schools {sel.year}" if not sel.anonymise else f"Club of {sel.year}"
        name = st.text_input("Club name", value=default)
        saved = st.form_submit_button("Save club")
    if saved:
        try:
            with writing(data.store().path, wait=60) as store:
                save_club(store, name, sel.phase, sel.year, "neighbours",
                          {"host": sel.urn, "k": k, "weights": weights, "las": sorted(las) if las else None,
                           "max_own_la": max_own}, [sel.urn] + members["urn"].astype(int).tolist())
            st.success(f"Saved “{plain(name.strip())}” with {len(members) + 1} schools. Open it on the Club meeting page.")
        except BenchmarkingError as exc:
            st.error(plain(exc))
