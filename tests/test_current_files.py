"""A store built only from the files an LA downloads today (tests/fixtures/current: EES results for 2024 to 2026,
the census and SEN school-level data, absence, GIAS and IoD2025, as a folder with zips among it) works on every
page and every command, for every kind of school, in every year it holds."""
import csv
import io
import json
import shutil
import zipfile

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from benchmarking.cli import main
from benchmarking.errors import BenchmarkingError
from benchmarking.importers.dfe import import_dfe, import_uploads
from benchmarking.importers.parsed import Source
from tests.conftest import ROOT, query, run_cli, write_csv
from tests.test_every_kind_of_school import PAGES, UNREADABLE, readable_text

FILES = ROOT / "tests" / "fixtures" / "current" / "files"
KINDS = {  # the fixture's schools (make_fixtures.py), one of each kind
    "mainstream secondary": 991001, "special": 991038, "suppressed": 991040, "closed": 991041, "no results": 991042,
    "mainstream primary": 991043, "suppressed primary": 991101, "infant (no KS2)": 991102,
}
YEARS = (2024, 2025, 2026)


@pytest.fixture(scope="session")
def imported(tmp_path_factory):
    """The store built from the folder with the one command the README gives, and what the command printed."""
    path = tmp_path_factory.mktemp("current") / "current.duckdb"
    done = run_cli("--db", path, "import-dfe", FILES)
    assert done.returncode == 0, done.stderr
    return path, done.stdout


@pytest.fixture
def current_db(imported):
    return imported[0]


def rows_of(name: str, member: str | None = None) -> list[dict]:
    """A fixture file's rows as published (a zip's member where given)."""
    path = FILES / name
    if member:
        with zipfile.ZipFile(path) as archive:
            text = archive.read(member).decode("utf-8-sig")
    else:
        text = path.read_bytes().decode("utf-8-sig" if "gias" not in name else "cp1252")
    return list(csv.DictReader(io.StringIO(text)))


def run(*args) -> tuple[int, str, str]:
    """A command run in this process, as `python -m benchmarking` runs it: status, output and errors."""
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def test_one_command_imports_the_folder_and_its_zips_each_file_known_and_noted(imported):
    db, printed = imported
    stored = [line for line in printed.splitlines() if line.startswith("stored")]
    assert len(stored) == 15 and "skipped" not in printed.split("stored")[0]
    expect = {
        "key-stage-4-performance_2025-26.zip/data/202526_performance_tables_schools_provisional.csv":
            "KS4 results (Explore Education Statistics, 2024-25 names) (provisional)",
        "202324_performance_tables_schools_final.csv": "KS4 results (Explore Education Statistics, 2023-24 names) (final)",
        "key-stage-2-attainment_2025-26.zip/data/ks2_institution_level_schools_performance.csv":
            "KS2 results (Explore Education Statistics, one row per subject) (provisional)",
        "ks2_institution_level_schools_information_2024.csv": "KS2 school information (Explore Education Statistics) (final)",
        "spc_school_level_underlying_data.csv": "school census (Schools, pupils and their characteristics, school level)",
        "sen_school_level_ud.csv": "SEN in schools (Special educational needs in England, school level)",
        "1a_absence_3term_school.csv": "pupil absence (Explore Education Statistics, school level)",
        "edubasealldata20261204.csv": "GIAS establishments",
        "File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx": "area deprivation (IDACI by LSOA) (IoD2025)",
    }
    for name, label in expect.items():
        assert any(line.startswith(f"stored  {name}: {label},") for line in stored), name
    log = query(db, "SELECT file, kind, rows_read, rows_stored, rows_skipped, message FROM import_log").set_index("file")
    ks2 = log.loc["key-stage-2-attainment_2025-26.zip/data/ks2_institution_level_schools_performance.csv"]
    assert ks2["message"] == ("295 rows of three-year averages skipped; 295 rows of subjects this tool does not compare "
                              "(grammar, punctuation and spelling; science) skipped")
    assert ks2["rows_read"] == len(rows_of("key-stage-2-attainment_2025-26.zip",
                                           "data/ks2_institution_level_schools_performance.csv"))
    assert log.loc["1a_absence_3term_school.csv", "message"] == "1 row of part-year figures skipped"
    assert not any("data-guidance" in f for f in log.index)  # the guidance is not data


def test_every_year_holds_results_and_context_of_its_own_census(current_db):
    status, out, _ = run("--db", current_db, "info", "--json")
    info = json.loads(out)
    assert status == 0 and info["years"] == [2024, 2025, 2026]
    assert info["schools_by_phase"] == {"primary": 60, "secondary": 41, "special": 2}
    context = query(current_db, "SELECT urn, year, measure, value FROM context").set_index(["urn", "year", "measure"])["value"]
    # January 2025's census (time_period 202425) is the context of the 2025 results.
    spc = {int(r["urn"]): r for r in rows_of("census/spc_school_level_underlying_data_2025.csv")}
    assert context[(991001, 2025, "pupils_on_roll")] == float(spc[991001]["headcount of pupils"])
    assert context[(991001, 2025, "pct_fsm")] == float(spc[991001]["% of pupils known to be eligible for free school meals"])
    # The older census spells URN in capitals and has no time_period: its folder (2023-24) gives 2024.
    older = {int(r["URN"]): r for r in rows_of("census/2023-24/spc_school_level_underlying_data.csv")}
    assert context[(991043, 2024, "pct_eal")] == float(
        older[991043]["% of pupils whose first language is known or believed to be other than English"])
    # SEN: the shares of the school's pupils, from the counts.
    sen = {(int(r["URN"]), int(r["time_period"][:4]) + 1): r for r in rows_of("census/sen_school_level_ud.csv")}
    row = sen[(991001, 2026)]
    assert context[(991001, 2026, "pct_sen_support")] == pytest.approx(100 * int(row["SEN support"]) / int(row["Total pupils"]))
    assert (991040, 2026, "pct_ehcp") not in context.dropna()  # "x" in the file: missing, never 0
    # KS2 information: the cohort and its shares ("25%" in the file).
    info_rows = {int(r["school_urn"]): r for r in rows_of("ks2/ks2_institution_level_schools_information_2025.csv")}
    assert context[(991043, 2025, "ks2_cohort")] == float(info_rows[991043]["telig"])
    assert context[(991043, 2025, "ks2_cohort_pct_disadvantaged")] == float(info_rows[991043]["ptfsm6cla1a"].rstrip("%"))
    # KS4: the cohort's disadvantaged share, from the breakdown's pupils over the cohort's.
    ks4 = [r for r in rows_of("ks4/202425_performance_tables_schools_revised.csv") if r["school_urn"] == "991001"]
    total = next(r for r in ks4 if r["breakdown"] == "Total")
    group = next(r for r in ks4 if r["breakdown"] == "Disadvantaged")
    assert context[(991001, 2025, "ks4_cohort_pct_disadvantaged")] == pytest.approx(
        100 * int(group["pupil_count"]) / int(total["pupil_count"]))


def test_every_code_is_a_missing_value_with_its_reason_and_counts_are_never_made_up(current_db):
    results = query(current_db, "SELECT urn, year, measure, value, n, reason FROM results").set_index(["urn", "year", "measure"])
    assert results.loc[(991040, 2025, "ks4_att8"), ["reason"]].tolist() == ["C"]
    assert np.isnan(results.loc[(991040, 2025, "ks4_att8"), "value"])
    assert results.loc[(991001, 2025, "ks4_p8"), "reason"] == "Z"  # no Progress 8 in 2025
    assert pd.isna(results.loc[(991001, 2025, "ks4_p8"), "n"])  # no count for a figure not published
    assert results.loc[(991038, 2024, "ks4_ebacc_entry"), "reason"] == "X"
    assert results.loc[(991043, 2024, "ks2_read_progress"), "reason"] == "Z"  # no KS2 progress in 2024
    # The KS2 file publishes no pupil count: each figure takes its cohort's eligible pupils (the information file).
    telig = {int(r["school_urn"]): int(r["telig"]) for r in rows_of("ks2/ks2_institution_level_schools_information_2024.csv")}
    assert results.loc[(991043, 2024, "ks2_rwm_expected"), "n"] == telig[991043]
    assert results.loc[(991043, 2026, "ks2_mat_progress"), "n"] > 0
    # Every published band in words is DfE's band number.
    bands = query(current_db, "SELECT value FROM results WHERE measure = 'ks2_read_band_published' AND value IS NOT NULL")
    assert set(bands["value"]) <= {1.0, 2.0, 3.0, 4.0, 5.0} and len(bands) > 50


def test_a_results_file_without_any_pupil_count_crashes_nothing(tmp_path):
    """Public copies of EES files are often cut down: a KS4 file with no pupil count at all still gives value added,
    headline results and similar schools (figures without a count are never suppressed by a count nobody knows)."""
    rows = [r for r in rows_of("ks4/202324_performance_tables_schools_final.csv") if r["breakdown"] == "Total"]
    keep = [c for c in rows[0] if c not in ("t_pupils", "t_inp8calc")]
    path = tmp_path / "ks4_no_counts.csv"
    write_csv(path, ",".join(keep) + "\n" + "".join(",".join(r[c] for c in keep) + "\n" for r in rows))
    db = tmp_path / "s.duckdb"
    import_dfe(db, [path, FILES / "census"])
    assert query(db, "SELECT count(*) AS n FROM results WHERE n IS NOT NULL")["n"][0] == 0
    status, out, err = run("--db", db, "value-added", "--year", 2024, "--json")
    table = json.loads(out)
    assert status == 0, err
    assert len(table) > 30 and all(r["n"] is None for r in table) and all(r["va"] is not None for r in table
                                                                          if r["urn"] != 991040)
    for args in (("headline", 991001, "--json"), ("similar", 991001), ("brief", 991001, "--out", tmp_path / "b.html")):
        status, _, err = run("--db", db, *args)
        assert status == 0, (args, err)


def test_similar_schools_are_formed_from_the_same_years_context(current_db):
    from benchmarking.similarity import EARLIER_STANDIN_LABEL, NO_PRIOR_NOTE

    information = {int(r["school_urn"]): r for r in rows_of("ks2/ks2_institution_level_schools_information_2025.csv")}
    for year in YEARS:
        for urn, phase in ((991001, "secondary"), (991043, "primary")):
            status, out, err = run("--db", current_db, "similar", urn, "--year", year, "--json")
            group = json.loads(out)
            assert status == 0 and len(group["neighbours"]) == 20, err
            assert group["note"] == (NO_PRIOR_NOTE if (phase, year) in (("primary", 2024), ("primary", 2025)) else None)
            assert ("prior_attainment" in group["features"]) == ((phase, year) not in (("primary", 2024), ("primary", 2025)))
    status, out, _ = run("--db", current_db, "similar", 991043, "--year", 2025)
    assert f"% disadvantaged                  {float(information[991043]['ptfsm6cla1a'].rstrip('%')):.1f}" in out
    status, out, _ = run("--db", current_db, "similar", 991001, "--year", 2026)
    assert EARLIER_STANDIN_LABEL in out  # the 2024 cohort's expected Attainment 8: no KS2 tests for 2026's


def test_area_deprivation_comes_from_the_2025_index(current_db):
    found = query(current_db, "SELECT urn, area_index, area_deprivation FROM school_area WHERE urn = 991001")
    rank = next(int(r[5]) for r in __import__("openpyxl").load_workbook(
        FILES / "deprivation" / "File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx")["IoD2025 IDACI & IDAOPI"].iter_rows(
        values_only=True) if r[0] == "E01025001")
    assert found["area_index"].tolist() == ["IoD2025"]
    assert found["area_deprivation"][0] == pytest.approx(100 * (1 - (rank - 1) / 33754))


def test_gias_today_says_which_schools_are_closed_special_single_sex_and_selective(current_db):
    schools = query(current_db, "SELECT urn, is_open, mainstream, phase, sex_of_entry, admissions FROM schools").set_index("urn")
    assert not schools.loc[991041, "is_open"] and schools.loc[991001, "is_open"]
    assert schools.loc[991038, "phase"] == "special" and not schools.loc[991038, "mainstream"]
    assert schools.loc[991005, "sex_of_entry"] == "girls" and schools.loc[991006, "admissions"] == "selective"


def test_absence_is_a_headline_measure_against_similar_schools(current_db):
    status, out, err = run("--db", current_db, "headline", 991001, "--year", 2025, "--json")
    assert status == 0, err
    table = {r["measure"]: r for r in json.loads(out)}
    assert list(table) == ["ks4_att8", "ks4_p8", "ks4_basics_94", "ks4_basics_95", "ks4_ebacc_aps", "absence_overall",
                           "absence_persistent"]
    assert set(json.loads(out)[0]) == {"measure", "label", "value", "ci_low", "ci_high", "n", "rank", "rank_low",
                                       "rank_high", "of", "similar_median", "national_percentile", "percentile_low",
                                       "percentile_high", "percentile_among", "lower_is_better",
                                       "reason"}
    _, similar, _ = run("--db", current_db, "similar", 991001, "--year", 2025, "--json")
    club = [n["urn"] for n in json.loads(similar)["neighbours"]]
    values = query(current_db, "SELECT urn, value FROM results WHERE year = 2025 AND measure = 'absence_overall'"
                   ).set_index("urn")["value"]
    own = values[991001]
    row = table["absence_overall"]
    assert row["lower_is_better"] and not table["ks4_att8"]["lower_is_better"]
    assert row["value"] == own and row["n"] > 0
    assert row["rank"] == 1 + int((values.reindex(club) < own).sum()) and row["of"] == 21  # lower is better
    # Every rank carries its 95% interval, simulated from every school's standard error; none without a rank.
    for r in table.values():
        assert (r["rank"] is None) == (r["rank_low"] is None) == (r["rank_high"] is None)
        assert r["rank"] is None or 1 <= r["rank_low"] <= r["rank"] <= r["rank_high"] <= r["of"]
    assert any(r["rank_low"] is not None and r["rank_low"] < r["rank_high"] for r in table.values())
    # 2025 has no Progress 8: Attainment 8's and EBacc's chance takes the pupil spread behind 2024's Progress 8
    # intervals, and overall absence's is England's (absence_pupil_sd), so neither reads as certain (it read
    # "13th to 14th" and "9th to 11th" when worked out from a few LAs' schools).
    for measure in ("ks4_att8", "ks4_ebacc_aps", "absence_overall"):
        assert table[measure]["rank_high"] - table[measure]["rank_low"] >= 3, table[measure]
    assert row["similar_median"] == pytest.approx(float(np.median(values.reindex(club))))
    # The percentile is among schools of the same phase: a secondary's absence is never set against primaries'.
    secondaries = query(current_db, "SELECT r.urn, r.value FROM results r JOIN results k ON k.urn = r.urn AND k.year = 2025 "
                                    "AND k.measure = 'ks4_att8' JOIN state_funded_mainstream f "
                                    "ON f.urn = r.urn WHERE r.year = 2025 AND r.measure = 'absence_overall'")["value"]
    assert row["national_percentile"] == pytest.approx(100 * (secondaries >= own).mean())
    assert row["percentile_among"].startswith(f"the store's {secondaries.notna().sum()} schools")  # what it is among
    assert table["ks4_p8"]["percentile_among"] is None  # no Progress 8, no percentile, no base
    # A store of a few LAs says so: its percentiles are among its own schools, not England's.
    las = query(current_db, "SELECT count(DISTINCT s.la_code) AS n FROM results r JOIN schools s USING (urn) "
                            "JOIN state_funded_mainstream f USING (urn) WHERE r.year = 2025 AND r.measure = 'ks4_att8' "
                            "AND r.value IS NOT NULL")["n"][0]
    assert table["ks4_att8"]["percentile_among"].endswith(f"schools in {las} LA{'s' if las > 1 else ''}")
    # 2026's absence is not published yet (spring 2027): no row, rather than a blank one.
    _, out, _ = run("--db", current_db, "headline", 991001, "--json")
    assert "absence_overall" not in {r["measure"] for r in json.loads(out)}


COMMANDS = [  # every command of `python -m benchmarking --help`, as a user would run it on this store
    ("info",), ("similar", 991043, "--year", 2024), ("similar", 991038), ("partners", 991001, "--year", 2024),
    ("partners", 991043), ("groups", 991001, "--year", 2024), ("groups", 991043, "--json"),
    ("headline", 991101), ("inclusion", 991001, "--year", 2024), ("inclusion", 991043, "--json"),
    ("targets", 991001, "--year", 2025), ("targets", 991043, "--set", "top 10%"),
    ("value-added",), ("value-added", "--year", 2024, "--phase", "secondary"),
    ("value-added", "--year", 2026, "--phase", "primary", "--lens", "contextual"),
    ("value-added", "--year", 2025, "--lens", "attainment-in-context"), ("concern",), ("concern", "--year", 2024),
    ("clubs", "form", "--phase", "primary", "--year", 2026), ("clubs", "list"),
    ("clubs", "create", "North", "--from", 991001, "--year", 2024), ("clubs", "show", "North"),
    ("clubs", "add", "North", 991004, "--year", 2025), ("clubs", "remove", "North", 991004, "--year", 2026),
    ("clubs", "pair", 991009, 991012, "--year", 2025), ("clubs", "rename", "North", "North partnership"),
    ("impact", "North partnership"), ("pack", "North partnership", "--out", "{tmp}/pack.html", "--anonymise"),
    ("brief", 991040, "--out", "{tmp}/brief.html"), ("brief", 991043, "--out", "{tmp}/brief2.html", "--year", 2025),
    ("users", "add", "head@school.example", "--role", "school", "--urn", 991001), ("users", "list"),
    ("audit",), ("migrate",),
]


def test_every_command_works_on_a_store_of_current_files(current_db, tmp_path):
    db = tmp_path / "current.duckdb"
    shutil.copy(current_db, db)
    for args in COMMANDS:
        args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
        status, out, err = run("--db", db, *args)
        assert status == 0 and "unexpected problem" not in err, (args, err)
    assert (tmp_path / "pack.html").stat().st_size > 10_000
    assert "Overall absence (% of sessions missed)" in (tmp_path / "brief2.html").read_text()
    assert "Suppressed to protect confidentiality (too few pupils)." in (tmp_path / "brief.html").read_text()
    # What cannot be answered says why, in one line.
    for args, message in ((("value-added", "--year", 2025, "--phase", "secondary"), "DfE published no Progress 8 for 2025"),
                          (("truth",), "this check runs on the demo store only"),
                          (("floor", "--year", 2024), "Floor standards ended after 2019"),
                          (("similar", 991042), "URN 991042 has no results in the store")):
        status, _, err = run("--db", db, *args)
        assert status == 1 and message in err and len(err.strip().splitlines()) == 1, (args, err)


@pytest.fixture(scope="module")
def app_db(imported, tmp_path_factory):
    path = tmp_path_factory.mktemp("current-app") / "current.duckdb"
    shutil.copy(imported[0], path)
    return path


# Every kind in the year the dashboard opens on; the earlier years (Progress 8 but no KS2 progress; neither) for a
# mainstream school of each phase and the kinds whose data those years change.
EARLIER = ("mainstream secondary", "mainstream primary", "closed", "suppressed primary")


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_kind_of_school_in_every_year(app_db, monkeypatch, kind, page):
    monkeypatch.setenv("BENCHMARKING_DB", str(app_db))
    for year in YEARS if kind in EARLIER else YEARS[-1:]:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["urn"], at.query_params["year"] = str(KINDS[kind]), str(year)
        at.switch_page(page).run()
        assert not at.exception, (year, [e.message for e in at.exception])
        assert not at.error, (year, [e.value for e in at.error])
        text = readable_text(at)
        found = [text[max(0, m.start() - 40):m.end() + 20] for m in UNREADABLE.finditer(text)]
        assert found == [], (kind, page, year, found[:5])
        for chart in at.get("plotly_chart"):
            go.Figure(json.loads(chart.proto.spec), skip_invalid=False)
        if page.endswith("my_school.py") and kind in ("mainstream secondary", "mainstream primary") and year < 2026:
            headline = at.dataframe[0].value if at.dataframe else None
            assert any("absence" in str(m).lower() for m in headline["Measure"]), year
        if kind == "no results":
            assert any("has no results in the store" in w.value for w in at.warning)


def test_a_zip_imports_alone_and_among_uploads(tmp_path):
    db = tmp_path / "zip.duckdb"
    report = import_dfe(db, [FILES / "key-stage-4-performance_2025-26.zip"])
    assert [p.name for p in report.stored] == [
        "key-stage-4-performance_2025-26.zip/data/202526_performance_tables_schools_provisional.csv"]
    uploaded = import_uploads(tmp_path / "upload.duckdb", [Source(
        "key-stage-2-attainment_2025-26.zip", (FILES / "key-stage-2-attainment_2025-26.zip").read_bytes())])
    assert len(uploaded.stored) == 2  # the performance and the information file; the guidance is not data


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "bad.zip: not a readable zip file. Download it again."),
    (None, "bad.zip: the zip holds no CSV files."),
])
def test_a_bad_zip_is_refused_in_one_sentence(tmp_path, content, message):
    path = tmp_path / "bad.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("data-guidance/data-guidance.txt", "guidance only")
    else:
        path.write_bytes(content)
    with pytest.raises(BenchmarkingError) as caught:
        import_dfe(tmp_path / "s.duckdb", [path])
    assert str(caught.value) == message
    assert not (tmp_path / "s.duckdb").exists()


def test_a_census_without_a_year_asks_for_one(tmp_path):
    text = (FILES / "census" / "2023-24" / "spc_school_level_underlying_data.csv").read_bytes()
    path = tmp_path / "spc.csv"
    path.write_bytes(text)
    with pytest.raises(BenchmarkingError, match="has no time_period column, so its year is unknown"):
        import_dfe(tmp_path / "s.duckdb", [path])
    assert len(import_dfe(tmp_path / "s.duckdb", [path], year=2024).stored) == 1
    assert query(tmp_path / "s.duckdb", "SELECT DISTINCT year FROM context")["year"].tolist() == [2024]


def test_the_newer_release_of_the_same_figures_wins(tmp_path):
    """DfE's files overlap (a release carries three years): where two give the same school and year, the final
    figures replace the provisional ones, whatever order the files are named in."""
    rows = rows_of("ks4/202425_performance_tables_schools_revised.csv")
    header = list(rows[0])

    def file(name, version, att8):
        picked = [dict(r, version=version, attainment8_average=att8) for r in rows if r["school_urn"] == "991001"
                  and r["breakdown"] == "Total"]
        return write_csv(tmp_path / name, ",".join(header) + "\n" + "".join(",".join(r[c] for c in header) + "\n"
                                                                             for r in picked))

    db = tmp_path / "s.duckdb"
    import_dfe(db, [file("a_final.csv", "Final", "50.1"), file("b_provisional.csv", "Provisional", "49.0")])
    assert query(db, "SELECT value FROM results WHERE urn = 991001 AND measure = 'ks4_att8'")["value"].tolist() == [50.1]


def test_the_fixture_files_are_what_their_generator_writes(tmp_path, monkeypatch):
    """The committed files and make_fixtures.py agree (so the README's account of each file stays true)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FILES.parent / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    for path in FILES.rglob("*"):
        if path.is_file() and path.suffix != ".xlsx":  # a workbook stores when it was written
            assert (tmp_path / path.relative_to(FILES)).read_bytes() == path.read_bytes(), path.name
