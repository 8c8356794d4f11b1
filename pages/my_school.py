"""My school: a head's view of the school against schools like it."""
import pandas as pd
import streamlit as st

from benchmarking import charts
from benchmarking.attainment_context import CAVEAT
from benchmarking.club_store import save_pairing
from benchmarking.documents import visit_brief
from benchmarking.errors import BenchmarkingError
from benchmarking.inclusion import CAPTION as INCLUSION_CAPTION
from benchmarking.inclusion import people_columns as inclusion_columns
from benchmarking.inclusion import nothing_to_show as inclusion_nothing_to_show
from benchmarking.measures import MEASURES_BY_CODE, in_sentence
from benchmarking.phases import phase
from benchmarking.rank_interval import percentile_cell, rank_cell
from benchmarking.school_view import (
    attainment_sentence,
    missing_reason,
    school_description,
    unscored_sentence,
    value_added_sentence,
)
from benchmarking.similarity import FEATURE_LABELS
from benchmarking.steadier import CAVEATS as STEADIER_CAVEATS
from benchmarking.steadier import SHRUNKEN, THREE_YEAR
from benchmarking.progress_gaps import next_results_year
from benchmarking.targets import record_target
from benchmarking.writer import writing
from ui import data
from ui.access import viewer
from ui.app import require_entry
from ui.format import ci_text, fmt, plain
from ui.selection import anonymiser, open_school, school_selection, scroll_to_top
from ui.widgets import chart, context_table, document_download, figure, held_table, section, table

require_entry()

sel = school_selection()
anon = anonymiser(sel)
p = phase(sel.phase)
scroll_to_top()
st.title(plain(sel.name))
description = plain(school_description(sel.la_name, sel.phase, sel.mainstream, sel.is_open, sel.year))
try:
    group = data.club_group(sel.year, sel.phase, sel.urn, sel.mainstream)
    club = group.neighbours["urn"].astype(int).tolist()
    st.caption(f"{description}. Compared with the {len(club)} most similar {'' if sel.mainstream else 'special '}"
               "schools from every LA in the store.")
except BenchmarkingError as exc:  # the school's own figures still stand without a group to compare with
    group, club = None, []
    st.caption(description)
    st.warning(f"No similar schools to compare with: {plain(exc)}")
if not sel.is_open:
    st.info("This school has closed (GIAS): its results stand, but it cannot be paired with another school or "
            "given targets.")

no_progress = data.va_table(sel.year, sel.phase).attrs.get("no_progress")
main = p.main_value_added
if not no_progress:  # each measure's score, or DfE's reason for none (a year without the measure has neither)
    va_rows = data.school_value_added(sel.urn, sel.year, sel.phase)
    main_row = va_rows.loc[main] if main in va_rows.index else None
mainstream = bool(sel.mainstream)
results = data.headline(sel.urn, sel.year, sel.phase, mainstream, club)
if no_progress:
    # No progress measure this year: the head's question answered with attainment against similar schools.
    first = results.iloc[0] if len(results) else None
    if first is not None:
        st.subheader(attainment_sentence(first["label"], int(first["digits"]), first["value"], first["club_rank"],
                                         int(first["club_size"]), first["club_median"], first["reason"],
                                         (first["club_rank_low"], first["club_rank_high"])))
    st.info(no_progress)
elif main_row is not None and pd.notna(main_row.get("va")):
    own = main_row
    (rank, ranked, low, high), relative = data.club_standing(sel.year, sel.phase, main, sel.urn, club)
    spec = MEASURES_BY_CODE[main]
    st.subheader(value_added_sentence(spec.label, spec.digits, own["va"], own["ci_low"], own["ci_high"], rank,
                                      ranked, relative, (low, high)))
else:  # no score: why, in DfE's words, from the school's own row where DfE published one
    st.subheader(unscored_sentence(MEASURES_BY_CODE[main].label, None if main_row is None else main_row["n"],
                                   None if main_row is None else main_row.get("reason")))

st.header("Value added" if not no_progress else "Attainment in context")
if no_progress:
    ours = data.in_context_cards(sel.urn, sel.year, sel.phase) if mainstream else []
    if not ours:
        st.info("No attainment in context for this school this year (it is worked out for mainstream schools "
                "with results and intake figures).")
    else:
        for col, card in zip(st.columns(len(ours)), ours):
            col.metric(card.label, card.score, help="The school's result minus what schools with a similar intake achieved this year")
            col.markdown(card.detail)
        st.caption(CAVEAT)
else:
    # Every value-added measure of the phase the school has a row for: its score, or DfE's reason for none.
    cards = data.value_added_cards(sel.urn, sel.year, sel.phase)
    if not cards:
        st.info(f"DfE published no value added for this school in {sel.year}.")
    for col, card in zip(st.columns(max(len(cards), 1)), cards):
        col.metric(card.label, card.score, help="The school's score against pupils with the same prior attainment nationally")
        # The steadier estimates in small grey type beneath the interval: one element, not a caption of its own.
        col.markdown(card.detail + (f"  \n:gray[:small[{card.steadier}]]" if card.steadier else ""),
                     help=f"{STEADIER_CAVEATS[THREE_YEAR]} {STEADIER_CAVEATS[SHRUNKEN]}" if card.steadier else None)

st.header("Headline results")
if not mainstream:
    st.caption("A special school is not ranked against mainstream schools nationally.")
if results.empty:
    st.info("No headline results for this school this year.")
else:
    bases = list(dict.fromkeys(b for b in results["percentile_among"].tolist() if pd.notna(b)))  # in order, once each
    national = bases == ["England"]
    if bases and not national:
        st.caption("Percentiles are among " + "; ".join(b for b in bases if b != "England") + ", not all of England: "
                   "the store holds no file covering all of England for every measure.")
    table(held_table(results, lambda: {
        "Measure": results["label"].tolist(),
        "Value": [fmt(v, d) if pd.notna(v) else missing_reason(r) for v, r, d in
                  zip(results["value"], results["reason"], results["digits"])],
        "95% CI": [ci_text(lo, hi, d) for lo, hi, d in zip(results["ci_low"], results["ci_high"], results["digits"])],
        "Pupils": [fmt(n, 0) for n in results["n"]],
        "Rank in club (95% interval)": [rank_cell(r, n, lo, hi) for r, n, lo, hi in zip(
            results["club_rank"], results["club_size"], results["club_rank_low"], results["club_rank_high"])],
        "Club median": [fmt(v, d) for v, d in zip(results["club_median"], results["digits"])],
        ("Percentile in England" if national else "Percentile in the store") + " (95% interval)": [
            percentile_cell(v, lo, hi) for v, lo, hi in
            zip(results["national_percentile"], results["percentile_low"], results["percentile_high"])],
    }), f"headline-{sel.urn}-{sel.year}.csv", sel.projector)

inclusion_section = section("Inclusion: disadvantaged, SEN and EAL pupils against the same pupils in similar schools",
                            "ms_inclusion")  # worked out and drawn once opened
if inclusion_section:
    with inclusion_section:
        included = data.inclusion(viewer(), sel.urn, sel.year, sel.phase, club)
        if included.empty:
            st.info(inclusion_nothing_to_show(sel.phase, sel.year))
        else:
            st.caption(INCLUSION_CAPTION)
            table(held_table(included, lambda: inclusion_columns(included)), f"inclusion-{sel.urn}-{sel.year}.csv",
                  sel.projector)
            if over_years := data.inclusion_trend_words(sel.urn, main):
                st.markdown(plain(over_years))

left, right = st.columns(2)
with left:
    st.header("Context against the club")
    if group is None:
        st.info("No club: the school cannot be matched with similar schools this year.")
    else:
        table(held_table(group, lambda: context_table(group, "Club median")), f"context-{sel.urn}-{sel.year}.csv",
              sel.projector)
        if group.matched_without:
            st.warning("Matched without " + ", ".join(in_sentence(FEATURE_LABELS[f]) for f in group.matched_without)
                       + " (missing for this school).")
        if group.note:
            st.caption(group.note)
with right:
    spec = MEASURES_BY_CODE[main]
    st.header(f"Trend: {spec.label}")
    trend = data.school_trend(sel.urn, main)
    scored = trend["va"].notna().to_numpy()  # the years with a score; the others are gaps with a note
    if not scored.any():
        st.info(f"No {spec.label} in any year for this school.")
    elif scored.sum() == 1:
        only = trend[scored].iloc[0]
        st.markdown(f"Only one year so far: {int(only['year'])}, {fmt(only['va'], spec.digits, sign=True)} "
                    f"(95% CI {ci_text(only['ci_low'], only['ci_high'], spec.digits)}).")
    else:
        chart(figure(("trend", sel.urn, main, sel.projector),
                     lambda: charts.trend(trend, f"{spec.label} over the years", sel.theme), False), "trend")
    if scored.any() and not scored.all():
        st.caption("Years without a score, shown as gaps: " + " ".join(
            f"{int(y)}: {note}" for y, note, has in zip(trend["year"].tolist(), trend["note"].tolist(), scored) if not has))

st.header("Similar schools that do better")
spec = MEASURES_BY_CODE[main if not no_progress else p.headline[0]]
if group is None:
    pass
elif no_progress:
    st.caption(f"Similar schools whose {spec.label} in context (against a similar intake; not a progress measure) is "
               "significantly higher than this school's: candidates for school-to-school support.")
else:
    st.caption(f"Similar schools whose {spec.label} is significantly higher than this school's: candidates for "
               "school-to-school support.")
better = data.partners(sel.urn, sel.year, sel.phase, p.default_k, sel.mainstream) if group is not None else pd.DataFrame()
if group is None:
    st.info("No similar schools to compare with this year (see above).")
elif better.empty:
    st.info("No similar school does significantly better this year.")
else:
    shown = anon.frame(anon.coarsen(better))
    for row, partner in zip(shown.head(8).itertuples(), better.head(8)["urn"]):
        label = (f"{row.name} ({row.la_name}): {fmt(row.value, spec.digits, sign=True)}, "
                 f"difference {fmt(row.difference, spec.digits, sign=True)}")
        if sel.anonymise:
            st.markdown(f"- {plain(label)}")
        else:
            st.button(plain(label), key=f"partner_{partner}", on_click=open_school, args=(int(partner), sel.year))

me = viewer()
here = data.school_ref(sel.urn)
may_act = me.may_act_for(sel.urn, here.la_code)
if (not better.empty and may_act and not sel.anonymise and sel.is_open
        and st.toggle("Record a school-to-school pairing", key="pairing_open")):
    with st.form("pairing"):
        names = dict(zip(better["urn"].astype(int), better["name"]))
        partner = st.selectbox("Pair with", list(names), format_func=lambda u: plain(names[u]))
        paired = st.form_submit_button(f"Record a school-to-school pairing from {sel.year}",
                                       help="Stored as a club of two, so that Club impact can measure it in later years")
    if paired:
        try:
            with writing(data.store().path, wait=60) as store:
                name = save_pairing(store, sel.urn, int(partner), sel.phase, sel.year, "partner finder")
            st.success(f"Recorded “{plain(name)}”. Club impact measures it once later years' results are in.")
        except BenchmarkingError as exc:
            st.error(plain(exc))

targets_section = section("Targets", "ms_targets")  # worked out and drawn once opened
if targets_section:
    with targets_section:
        target_year = next_results_year(p.key_stage, sel.year)  # 2019's targets are for 2022: no results in 2020 and 2021
        if club:
            st.caption(f"Targets for {target_year}, from where this school's {len(club)} similar schools are in {sel.year}: "
                       "their median, upper quartile or top 10%. Each recorded target is shown beside the result achieved once "
                       "that year's results are in.")
        else:
            st.caption(f"No similar schools this year to set targets for {target_year} from.")
        levels, unsettable = data.target_levels(sel.year, club, p.headline, target_year)
        for reason in unsettable:
            st.caption(f"{reason} No target for it.")
        if may_act and not levels.empty and not sel.projector and sel.is_open and st.toggle(
                f"Record targets for {target_year}", key="targets_open"):
            with st.form("targets"):
                picks, offered = {}, {}
                for measure, level, value in zip(levels["measure"], levels["level"], levels["target"]):
                    offered.setdefault(measure, {})[level] = value  # each measure's levels, in the table's order
                for measure, values in offered.items():
                    spec = MEASURES_BY_CODE[measure]
                    picks[measure] = st.selectbox(spec.label, [None] + list(values), key=f"target_{measure}",
                                                  format_func=lambda lv, v=values, d=spec.digits: "No target" if lv is None
                                                  else f"{lv}: {fmt(v[lv], d)}")
                record = st.form_submit_button(f"Record targets for {target_year}")
            if record:
                chosen = levels.merge(pd.DataFrame({"measure": list(picks), "level": list(picks.values())}).dropna(),
                                      on=["measure", "level"])
                if chosen.empty:
                    st.info("Pick a level for at least one measure first.")
                else:
                    try:
                        with writing(data.store().path, wait=60) as store:
                            for row in chosen.itertuples():
                                record_target(store, sel.urn, target_year, row.measure, row.level, row.target,
                                              f"the {row.level} of {row.schools} similar schools in {sel.year}, set on My school", me)
                        st.success(f"Recorded {len(chosen)} target{'s' if len(chosen) > 1 else ''} for {target_year}.")
                    except BenchmarkingError as exc:
                        st.error(plain(exc))
        elif not may_act:
            st.caption("Only the school's own users, its LA's advisers and admins can record its targets.")
        recorded = data.recorded_targets(sel.urn)
        if recorded.empty:
            st.info("No targets recorded for this school yet.")
        else:
            digits = [MEASURES_BY_CODE[m].digits for m in recorded["measure"]]
            table(pd.DataFrame({
                "Year": recorded["year"], "Measure": recorded["measure"].map(lambda m: MEASURES_BY_CODE[m].label),
                "Level": recorded["level"], "Target": [fmt(v, d) for v, d in zip(recorded["target"], digits)],
                "Achieved": [fmt(v, d) if pd.notna(v) else ("not yet" if y not in data.summary()["years"] else "no result")
                             for v, d, y in zip(recorded["achieved"], digits, recorded["year"])],
                "Gap": [fmt(v, d, sign=True) for v, d in zip(recorded["gap"], digits)]}),
                f"targets-{sel.urn}.csv", sel.projector)

if not sel.projector and not sel.anonymise:  # the brief names other schools
    st.header("Visit brief")
    st.caption("One printable page for an adviser's visit: context against the club, value added with its CI and trend, "
               "pupil groups, floor and concern flags, targets, and suggested partners.")
    document_download("Download the visit brief (HTML, A4)", lambda: visit_brief(data.store(), me, sel.urn, sel.year),
                      f"visit-brief-{sel.urn}-{sel.year}.html", "brief_my_school")
