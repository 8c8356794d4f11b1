"""Data: what the store holds, uploads with a validation report, and the import log."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from benchmarking.dfe_import import import_dfe
from benchmarking.errors import BenchmarkingError
from benchmarking.pupil_import import TEMPLATE_COLUMNS, import_pupils
from benchmarking.validation import FileProblem
from pages.common import clear_caches, db_key, get_store, selection, summary, table

sel = selection()
st.title("Data")
info = summary(db_key())
cols = st.columns(4)
cols[0].metric("Schools", f"{info['schools']:,}")
cols[1].metric("Local authorities", info["local_authorities"])
cols[2].metric("Years", ", ".join(map(str, info["years"])) or "none")
cols[3].metric("Pupil rows", f"{info['pupils']:,}")

left, right = st.columns(2)
with left:
    st.subheader("Schools by phase")
    table(pd.DataFrame(list(info["schools_by_phase"].items()), columns=["Phase", "Schools"]), "phases.csv", sel.projector)
    st.subheader("Suppressed and missing values")
    table(pd.DataFrame(list(info["missing_by_reason"].items()), columns=["Reason", "Values"]), "missing.csv",
          sel.projector, "No missing or suppressed values in the store.")
with right:
    st.subheader("Progress 8 coverage")
    table(pd.DataFrame([{"Year": y, "Schools": c["schools"], "LAs": c["las"], "With census context": c["with_context"],
                         "Joined through a URN change": c["context_via_urn_change"]}
                        for y, c in info["progress8_schools"].items()]), "coverage.csv", sel.projector,
          "No Progress 8 results in the store.")
    st.subheader("Measures")
    table(pd.DataFrame([{"Measure": v["label"], "Values": v["present"], "Missing": v["missing"]}
                        for v in info["measures"].values()]), "measures.csv", sel.projector)


def show_rejection(exc: BenchmarkingError) -> None:
    """Why nothing was imported: every rejected row and column, as a table that downloads."""
    st.error(f"Nothing was imported: the store is as it was. {exc}")
    if isinstance(exc, FileProblem):
        report = pd.DataFrame([{"File": p.file, "Row": p.row, "Column": p.column, "Problem": p.message} for p in exc.problems])
        st.subheader(f"Validation report: {len(report)} problem{'s' if len(report) != 1 else ''}")
        table(report, "validation-report.csv", sel.projector, key="download_validation")


def save_uploads(files) -> list[Path]:
    folder = Path(tempfile.mkdtemp(prefix="upload-"))
    paths = []
    for file in files:
        path = folder / Path(file.name).name
        path.write_bytes(file.getvalue())
        paths.append(path)
    return paths


st.header("Import DfE files")
st.caption("Performance-table, census and GIAS CSV files exactly as downloaded. Every file is checked first: "
           "one bad cell and nothing is stored.")
with st.form("dfe_upload"):
    files = st.file_uploader("DfE CSV files", type=["csv", "xlsx"], accept_multiple_files=True)
    year = st.number_input("Exam year (2018-19 is 2019)", 2010, 2035, 2019)
    import_files = st.form_submit_button("Check and import")
if import_files and files:  # after the form: the report below has download buttons, which forms refuse
    bar = st.progress(0.0)
    try:
        report = import_dfe(get_store(), save_uploads(files), year=int(year),
                            progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
        clear_caches()
        st.success("Imported: " + "; ".join(f"{p.path.name} ({p.kind_label}, {p.rows_stored:,} rows)" for p in report.stored))
        for path, why in report.skipped:
            st.warning(f"{path.name}: {why}")
    except BenchmarkingError as exc:
        show_rejection(exc)

st.header("Import pupils")
st.caption("A pupil CSV in the template (columns: " + ", ".join(TEMPLATE_COLUMNS) + "). Pupil rows are personal data: "
           "they are shown only in their own school's view, and problems are reported by row and column, never by pupil.")
with st.form("pupil_upload"):
    pupil_file = st.file_uploader("Pupil CSV", type=["csv"])
    pupil_year = st.number_input("Exam year", 2010, 2035, max(info["years"]) if info["years"] else 2024, key="pupil_year")
    import_pupil_file = st.form_submit_button("Check and import pupils")
if import_pupil_file and pupil_file:
    try:
        result = import_pupils(get_store(), save_uploads([pupil_file])[0], int(pupil_year))
        clear_caches()
        st.success(f"Imported {result.rows:,} pupils in {result.schools} schools for {result.year}.")
    except BenchmarkingError as exc:
        show_rejection(exc)

st.header("Import log")
log = get_store().query("SELECT imported_at, file, kind, year, rows_read, rows_stored, rows_skipped, rows_rejected, status, message "
                        "FROM import_log ORDER BY imported_at DESC")
log["file"] = log["file"].map(lambda f: Path(f).name if not f.startswith("synthetic") else f)
table(log, "import-log.csv", sel.projector, "Nothing imported yet.")
