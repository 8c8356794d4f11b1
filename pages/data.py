"""Data: what the store holds, uploads with a validation report, and the import log."""
import pandas as pd
import streamlit as st

from benchmarking import audit
from benchmarking.errors import BenchmarkingError
from benchmarking.importers.dfe import import_uploads
from benchmarking.importers.parsed import Source
from benchmarking.importers.problems import FileProblem
from benchmarking.importers.pupils import TEMPLATE_COLUMNS, import_pupil_source
from benchmarking.school_view import missing_reason
from benchmarking.store import default_db_path
from benchmarking.years import FIRST_YEAR, last_year
from ui import data
from ui.access import viewer
from ui.app import require_entry
from ui.format import plain
from ui.selection import selection
from ui.widgets import table

require_entry()

sel = selection()
me = viewer()
projector = bool(sel and sel.projector)
st.title("Data")
has_store = default_db_path().exists()
info = data.summary() if has_store else None
if info:
    cols = st.columns(4)
    cols[0].metric("Schools", f"{info['schools']:,}")
    cols[1].metric("Local authorities", info["local_authorities"])
    cols[2].metric("Years", ", ".join(map(str, info["years"])) or "none")
    cols[3].metric("Pupil rows", f"{info['pupils']:,}")

    left, right = st.columns(2)
    with left:
        st.subheader("Schools by phase")
        table(pd.DataFrame(list(info["schools_by_phase"].items()), columns=["Phase", "Schools"]), "phases.csv", projector)
        st.subheader("Suppressed and missing values")
        table(pd.DataFrame({"Why a value is missing": [missing_reason(r) for r in info["missing_by_reason"]],
                            "Values": list(info["missing_by_reason"].values())}), "missing.csv",
              projector, "No missing or suppressed values in the store.")
    with right:
        st.subheader("Progress 8 coverage")
        table(pd.DataFrame([{"Year": y, "Schools": c["schools"], "LAs": c["las"], "With census context": c["with_context"],
                             "Joined through a URN change": c["context_via_urn_change"]}
                            for y, c in info["progress8_schools"].items()]), "coverage.csv", projector,
              "No Progress 8 results in the store.")
        st.subheader("Measures")
        table(pd.DataFrame([{"Measure": v["label"], "Values": v["present"], "Missing": v["missing"]}
                            for v in info["measures"].values()]), "measures.csv", projector)


def show_rejection(exc: BenchmarkingError) -> None:
    """Why nothing was imported: every rejected line and column, as a table that downloads."""
    st.error(f"Nothing was imported: the store is as it was. {plain(exc)}")
    if isinstance(exc, FileProblem):
        report = pd.DataFrame([{"File": p.file, "Line": p.line, "Column": p.column, "Problem": p.message} for p in exc.problems])
        st.subheader(f"Validation report: {len(report)} problem{'s' if len(report) != 1 else ''}")
        table(report, "validation-report.csv", projector, key="download_validation")


def sources(files) -> list[Source]:
    """Uploaded files, read in memory: nothing is saved to disk but the store."""
    return [Source(file.name, file.getvalue()) for file in files]


if not me.may_import:
    st.info("Only an admin imports files. Published figures and the import log are below.")
else:
    st.header("Import DfE files")
    st.caption("Explore Education Statistics files and zips, performance-table, census, SEN, absence and GIAS files, "
               "and IDACI workbooks, exactly as downloaded. Every file is checked first: one bad cell and nothing is stored.")
    with st.form("dfe_upload"):
        files = st.file_uploader("DfE files", type=["csv", "xlsx", "zip"], accept_multiple_files=True)
        year = st.number_input("Exam year, for files that do not say (2018-19 is 2019)", FIRST_YEAR, last_year(),
                               min(2019, last_year()))
        import_files = st.form_submit_button("Check and import")
    if import_files and files:  # after the form: the report below has download buttons, which forms refuse
        bar = st.progress(0.0)
        try:
            report = import_uploads(default_db_path(), sources(files), year=int(year),
                                    progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
            st.success("Imported: " + "; ".join(f"{plain(p.name)} ({p.kind_label}, {p.rows_stored:,} rows)" for p in report.stored))
            for name, why in report.skipped:
                st.warning(f"{plain(name)}: {why}")
        except BenchmarkingError as exc:
            show_rejection(exc)
        finally:
            bar.empty()
    elif import_files:
        st.warning("Choose one or more files first.")

    st.header("Import pupils")
    st.caption("A pupil CSV in the template (columns: " + ", ".join(TEMPLATE_COLUMNS) + "). Pupil rows are personal data: "
               "they are shown only in their own school's view, and problems are reported by line and column, never by pupil.")
    with st.form("pupil_upload"):
        pupil_file = st.file_uploader("Pupil CSV", type=["csv"])
        pupil_year = st.number_input("Exam year", FIRST_YEAR, last_year(),
                                     max(info["years"]) if info and info["years"] else min(2024, last_year()), key="pupil_year")
        import_pupil_file = st.form_submit_button("Check and import pupils")
    if import_pupil_file and pupil_file:
        try:
            with st.spinner("Checking and importing pupils..."):
                result = import_pupil_source(default_db_path(), sources([pupil_file])[0], int(pupil_year), wait=60)
            st.success(f"Imported {result.rows:,} pupils in {result.schools} schools for {result.year}.")
        except BenchmarkingError as exc:
            show_rejection(exc)
    elif import_pupil_file:
        st.warning("Choose a pupil file first.")

if has_store:
    st.header("Import log")
    log = data.store().query_file("import_log")
    table(pd.DataFrame({"Imported": log["imported_at"].astype(str).str[:19], "File": log["file"], "Kind": log["kind"],
                        "Year": [str(int(y)) if pd.notna(y) else "–" for y in log["year"]],  # GIAS: a snapshot, no year
                        "Rows read": log["rows_read"], "Stored": log["rows_stored"], "Skipped": log["rows_skipped"],
                        "Note": log["message"].fillna("")}) if len(log) else log,
          "import-log.csv", projector, "Nothing imported yet.")
if has_store and (me.may_manage or me.role == "demo"):
    st.header("Audit log")
    st.caption("Who viewed or downloaded which school's pupil-level data, and when (also `python -m benchmarking audit`).")
    if sel is not None and sel.anonymise:
        st.info("Hidden while anonymised mode is on: the log names schools.")
    else:
        table(audit.entries(data.store().path), "audit-log.csv", projector, "Nobody has viewed pupil-level data yet.")
