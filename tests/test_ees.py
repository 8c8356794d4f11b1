"""DfE's Explore Education Statistics (EES) school-level files: tidy, several years to a file, both generations
of indicator names, EES's symbols, non-school rows skipped and counted, and breakdowns as pupil groups.
The fixtures in tests/fixtures/ees follow DfE's data standards (docs/data.md says which release each mirrors)."""
from pathlib import Path

import pandas as pd
import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.importers.dfe import import_dfe
from benchmarking.store import open_store
from tests.conftest import run_cli, write_csv

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ees"
BROOKSIDE, MOORLAND, STUDIO, RIVERBANK, HILLCREST = 990001, 990002, 990003, 990101, 990102


@pytest.fixture
def ees_db(db):
    import_dfe(db, [FIXTURES])
    return db


def rows(db, sql, params=None):
    with open_store(db) as store:
        return store.query(sql, params or [])


def test_each_row_lands_in_the_year_of_its_time_period(ees_db):
    found = rows(ees_db, "SELECT year, value, ci_low, ci_high, n FROM results WHERE urn = ? AND measure = 'ks4_p8' "
                         "ORDER BY year", [BROOKSIDE])
    # 202223 from the 2023-24 release's names, 202324 and 202425 from the 2024-25 release's.
    assert found["year"].tolist() == [2023, 2024, 2025]
    assert found.iloc[0][["value", "ci_low", "ci_high", "n"]].tolist() == [0.09, -0.11, 0.29, 168]
    assert found.iloc[1][["value", "ci_low", "ci_high", "n"]].tolist() == [0.15, -0.05, 0.35, 172]


def test_both_generations_of_indicator_names_are_read(ees_db):
    measures = rows(ees_db, "SELECT year, measure, value FROM results WHERE urn = ? AND value IS NOT NULL", [MOORLAND])
    old = measures[measures["year"] == 2023].set_index("measure")["value"]
    new = measures[measures["year"] == 2024].set_index("measure")["value"]
    # avg_att8, pt_l2basics_95, avg_ebaccaps (2023-24) and attainment8_average, engmath_95_percent,
    # ebacc_aps_average (2024-25)
    assert (old["ks4_att8"], old["ks4_basics_95"], old["ks4_ebacc_aps"]) == (39.1, 32.4, 3.45)
    assert (new["ks4_att8"], new["ks4_basics_95"], new["ks4_ebacc_aps"]) == (39.8, 33.8, 3.51)
    assert new["ks4_p8_maths"] == -0.41


def test_ees_symbols_are_missing_values_with_their_reasons(ees_db):
    found = rows(ees_db, "SELECT urn, year, measure, reason FROM results WHERE value IS NULL")
    reasons = {(r.urn, r.year, r.measure): r.reason for r in found.itertuples()}
    assert reasons[(BROOKSIDE, 2025, "ks4_p8")] == "Z"  # not applicable: no Progress 8 for 2025
    assert reasons[(MOORLAND, 2025, "ks4_basics_95")] == "X"
    assert reasons[(STUDIO, 2024, "ks4_att8")] == "C"
    assert reasons[(HILLCREST, 2025, "ks2_rwm_expected")] == "C"
    low = rows(ees_db, "SELECT reason FROM group_results WHERE urn = ? AND year = 2025 AND measure = 'ks4_basics_94' "
                       "AND grp = 'disadvantaged'", [BROOKSIDE])
    assert low["reason"].tolist() == ["LOW"]


def test_rows_that_are_not_schools_are_skipped_and_counted(ees_db):
    log = rows(ees_db, "SELECT file, rows_read, rows_stored, rows_skipped, message FROM import_log ORDER BY file").set_index("file")
    new = log.loc["ks4_institution_2024_25.csv"]
    assert (new["rows_read"], new["rows_stored"], new["rows_skipped"]) == (15, 13, 2)
    assert new["message"] == ("1 row of places other than schools skipped; 1 row of breakdowns this tool does not "
                              "compare skipped")
    assert log.loc["ks4_institution_2023_24.csv", "message"] == "1 row of places other than schools skipped"
    england = rows(ees_db, "SELECT year, value, n FROM national_figures WHERE measure = 'ks4_att8' ORDER BY year")
    assert england.to_numpy().tolist() == [[2023, 46.3, 565013], [2024, 45.9, 577004], [2025, 46.1, 583112]]


def test_breakdowns_feed_the_pupil_groups(ees_db):
    groups = rows(ees_db, "SELECT grouping, grp, value, ci_low, n FROM group_results WHERE urn = ? AND year = 2024 "
                          "AND measure = 'ks4_p8'", [BROOKSIDE]).set_index("grp")
    assert groups.loc["disadvantaged", ["value", "ci_low", "n"]].tolist() == [-0.41, -0.78, 49]
    assert groups.loc["girls", "value"] == 0.33 and groups.loc["boys", "grouping"] == "sex"
    assert pd.isna(groups.loc["EAL", "value"])  # "c": 4 pupils
    assert "disadvantaged boys" not in set(groups.index)  # a cross-breakdown is not a group this tool compares
    out = run_cli("--db", ees_db, "groups", BROOKSIDE, "--year", 2024, "--json")
    assert out.returncode == 0, out.stderr
    published = pd.read_json(__import__("io").StringIO(out.stdout))
    assert (published["source"] == "published").all() and len(published) > 10


def test_a_year_without_progress_8_says_why_and_offers_attainment_in_context(ees_db):
    out = run_cli("--db", ees_db, "value-added", "--year", 2025, "--phase", "secondary")
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "error: DfE published no Progress 8 for 2025: that cohort sat no KS2 tests in 2020 (cancelled, COVID-19), so "
        "there is nothing to measure progress from. Progress 8 returns in 2027. Attainment in context is there for "
        "every year: value-added --lens attainment-in-context.")


HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,old_la_code,new_la_code,la_name,"
          "school_laestab,school_urn,school_name,breakdown_topic,breakdown,pupil_count,attainment8_average\n")


@pytest.mark.parametrize("row, message", [
    ("2024,Academic year,School,E92000001,England,888,E10000017,Lancashire,8884001,990001,A,Total,Total,100,45.0",
     "bad.csv, line 2, column time_period: expected an academic year like 202425, found '2024'."),
    ("202425,Academic year,School,E92000001,England,888,E10000017,Lancashire,8884001,990001,A,Total,Total,100,forty",
     "bad.csv, line 2, column attainment8_average: expected a number or a DfE code"),
    ("202425,Academic year,School,E92000001,England,888,E10000017,Lancashire,8884001,990001,A,Total,Total,100,95.0",
     "bad.csv, line 2, column attainment8_average: expected a number from 0 to 90, found '95.0'."),
])
def test_a_bad_ees_file_is_refused_with_its_line_and_column(db, tmp_path, row, message):
    path = write_csv(tmp_path / "bad.csv", HEADER + row + "\n")
    with pytest.raises(BenchmarkingError) as caught:
        import_dfe(db, [path])
    assert str(caught.value).startswith(message)
    assert not db.exists()


def test_the_same_school_twice_in_a_year_is_refused(db, tmp_path):
    row = "202425,Academic year,School,E92000001,England,888,E10000017,Lancashire,8884001,990001,A,Total,Total,100,45.0\n"
    path = write_csv(tmp_path / "twice.csv", HEADER + row + row)
    with pytest.raises(BenchmarkingError, match=r"twice.csv, line 3, column school_urn: this school and year "
                                                r"\(990001 in 2025\) is also on line 2"):
        import_dfe(db, [path])


@pytest.mark.parametrize("topic, value, group", [
    ("Disadvantage status", "Disadvantaged", ("disadvantaged", "disadvantaged")),
    ("disadvantage", "Disadvantaged all other", ("disadvantaged", "not disadvantaged")),
    ("First language", "Known or believed to be other than English", ("eal", "EAL")),
    ("first_language", "Known or believed to be English", ("eal", "not EAL")),
    ("sen_status", "SEN support", ("sen", "SEN support")),
    ("SEN provision", "Education, health and care plan", ("sen", "EHC plan")),
    ("sen_status", "No identified SEN", ("sen", "no SEN")),
    ("Sex", "Girls", ("sex", "girls")),
    ("Prior attainment", "Low", ("prior_attainment", "low")),
    ("Ethnicity major", "Asian", None),
])
def test_each_breakdown_ees_names_is_the_pupil_group_this_tool_compares(topic, value, group):
    from benchmarking.importers.ees import pupil_group

    assert pupil_group(topic, value) == group


def test_all_pupils_and_total_are_the_whole_cohort_and_two_filters_at_once_are_not_a_group():
    from benchmarking.importers.ees import TOTAL, breakdowns

    frame = pd.DataFrame({"breakdown_topic": ["All pupils", "Total", "Sex", "Disadvantage"],
                          "breakdown": ["Total", "Total", "Girls", "Disadvantaged"],
                          "sex": ["Total", "Total", "Girls", "Boys"],
                          "disadvantage_status": ["Total", "Total", "Total", "Disadvantaged"]})
    assert breakdowns(frame).tolist() == [TOTAL, TOTAL, ("sex", "girls"), None]
