"""Landing page: what the store holds."""
import pandas as pd
import streamlit as st

from pages.common import cached_summary

summary = cached_summary()

st.title("School Benchmarking Club")
st.caption("Compare a school with schools like it, across every local authority in the store.")

cols = st.columns(4)
cols[0].metric("Schools", f"{summary['schools']:,}")
cols[1].metric("Local authorities", summary["local_authorities"])
cols[2].metric("Years", ", ".join(map(str, summary["years"])) or "none")
cols[3].metric("Pupil rows", f"{summary['pupils']:,}")

left, right = st.columns(2)
with left:
    st.subheader("Schools by phase")
    phases = pd.DataFrame(list(summary["schools_by_phase"].items()), columns=["Phase", "Schools"])
    st.dataframe(phases, hide_index=True, width="stretch")
with right:
    st.subheader("Progress 8 coverage")
    coverage = pd.DataFrame(
        [{"Year": year, "Schools with P8": c["schools"], "LAs": c["las"], "With census context": c["with_context"],
          "Joined through a URN change": c["context_via_urn_change"]} for year, c in summary["progress8_schools"].items()]
    )
    if coverage.empty:
        st.info("No Progress 8 results in the store yet.")
    else:
        st.dataframe(coverage, hide_index=True, width="stretch")

st.subheader("Missing values by reason")
missing = pd.DataFrame(list(summary["missing_by_reason"].items()), columns=["Reason", "Values"])
if missing.empty:
    st.info("No missing or suppressed values in the store.")
else:
    st.dataframe(missing, hide_index=True, width="stretch")
st.caption(f"Store: {summary['store']}")
