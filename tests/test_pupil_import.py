"""Pupil CSV files: the template, replacement per school and year, refreshed value added, and problems
named by line and column, never by pupil."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.importers.pupils import import_pupils
from benchmarking.store import open_store
from benchmarking.value_added import ks4_prior_group, national_estimates
from benchmarking.writer import writing
from tests.conftest import query, table_fingerprints, write_csv

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "pupils_example.csv"
HEADER = "pupil_id,urn,key_stage,prior_attainment,attainment8,disadvantaged,sen,eal,sex\n"


def a_school(db, phase="secondary"):
    return int(query(db, "SELECT min(urn) AS urn FROM schools WHERE phase = ?", [phase])["urn"][0])


def test_the_documented_sample_file_imports_into_a_store_with_its_schools(db):
    with writing(db, create=True) as store:
        store.upsert_schools(pd.DataFrame({"urn": [500001, 500002], "name": ["A", "B"]}))
    result = import_pupils(db, SAMPLE, 2024)
    assert (result.rows, result.schools) == (10, 2)
    pupils = query(db, "SELECT * FROM pupils ORDER BY pupil_id")
    assert pupils["key_stage"].tolist().count("KS4") == 6
    ks4 = pupils[pupils["pupil_id"] == "EX0002"].iloc[0]
    assert (ks4.prior_attainment, ks4.attainment8, bool(ks4.disadvantaged), ks4.sen) == (98.0, 38.0, True, "N")
    assert pupils.loc[pupils["pupil_id"] == "EX0005", "attainment8"].isna().all()
    assert query(db, "SELECT file FROM import_log WHERE kind = 'pupils'")["file"].tolist() == ["pupils_example.csv"]


def test_reimporting_replaces_that_schools_pupils_for_the_year(demo_db, tmp_path):
    urn = a_school(demo_db)
    before = query(demo_db, "SELECT count(*) AS n FROM pupils")["n"][0]
    cohort = query(demo_db, "SELECT count(*) AS n FROM pupils WHERE urn = ? AND year = 2024 AND key_stage = 'KS4'", [urn])["n"][0]
    path = write_csv(tmp_path / "p.csv", HEADER + f"A1,{urn},KS4,100,40,N,N,N,F\nA2,{urn},KS4,101.5,55,Y,K,N,M\n")
    import_pupils(demo_db, path, 2024)
    import_pupils(demo_db, path, 2024)
    assert query(demo_db, "SELECT count(*) AS n FROM pupils")["n"][0] == before - cohort + 2


def test_importing_pupils_sets_their_groups_and_refreshes_the_national_estimates(demo_db, tmp_path):
    urn = a_school(demo_db)
    path = write_csv(tmp_path / "p.csv", HEADER + f"A1,{urn},KS4,100,40,N,N,N,F\nA2,{urn},KS4,101.5,55,Y,K,N,M\n")
    import_pupils(demo_db, path, 2024)
    mine = query(demo_db, "SELECT prior_attainment, prior_group FROM pupils WHERE urn = ? AND year = 2024", [urn])
    assert mine.sort_values("prior_attainment")["prior_group"].tolist() == [14, 16]  # 99.5-100, 101.5-102
    pupils = query(demo_db, "SELECT prior_attainment, attainment8 FROM pupils WHERE year = 2024 AND key_stage = 'KS4'")
    reference = national_estimates(ks4_prior_group(pupils["prior_attainment"]), pupils["attainment8"])
    stored = query(demo_db, "SELECT prior_group AS \"group\", estimate, sd, n FROM pupil_estimates "
                            "WHERE year = 2024 AND outcome = 'attainment8' ORDER BY prior_group")
    assert stored["group"].tolist() == reference["group"].tolist()
    assert stored["n"].tolist() == reference["n"].tolist()
    assert np.allclose(stored[["estimate", "sd"]], reference[["estimate", "sd"]])


def test_importing_a_years_pupils_works_out_that_years_school_value_added_again_and_leaves_other_years(demo_db, tmp_path):
    from benchmarking.va_report import schools_from_pupils, work_out_schools_from_pupils

    urn = a_school(demo_db)
    with open_store(demo_db) as store:
        before = {year: schools_from_pupils(store, year).set_index("urn") for year in (2023, 2024)}
    rows = "".join(f"A{i},{urn},KS4,{95 + i},{70 + i},N,N,N,F\n" for i in range(10))  # a cohort far above expected
    import_pupils(demo_db, write_csv(tmp_path / "p.csv", HEADER + rows), 2024)
    with open_store(demo_db) as store:
        after = {year: schools_from_pupils(store, year).set_index("urn") for year in (2023, 2024)}
        worked_out = work_out_schools_from_pupils(store, 2024).set_index("urn")
    assert after[2024].loc[urn, "n"] == 10 and after[2024].loc[urn, "va"] > before[2024].loc[urn, "va"] + 1
    others = after[2024].index.drop(urn)
    assert not np.allclose(after[2024].loc[others, "va"], before[2024].loc[others, "va"])  # new national estimates
    assert np.allclose(after[2024]["va"], worked_out["va"])
    pd.testing.assert_frame_equal(after[2023], before[2023])


@pytest.mark.parametrize("row, column, message", [
    ("SECRET1,{urn},KS4,130,40,N,N,N,F", "prior_attainment", "between 59 and 120"),
    ("SECRET1,{urn},KS5,100,40,N,N,N,F", "key_stage", "KS4 or KS2"),
    ("SECRET1,999999999,KS4,100,40,N,N,N,F", "urn", "not in the store"),
    ("SECRET1,{urn},KS4,100,forty,N,N,N,F", "attainment8", "a number"),
    ("SECRET1,{urn},KS4,100,40,maybe,N,N,F", "disadvantaged", "Y or N"),
    ("SECRET1,{urn},KS4,100,40,N,X,N,F", "sen", "N (none), K (SEN support) or E (EHC plan)"),
    ("A123456789012,{urn},KS4,100,40,N,N,N,F", "pupil_id", "looks like a UPN"),
    ("Jane O'Brien-Smith,{urn},KS4,100,40,N,N,N,F", "pupil_id", "looks like a name"),
    ("SECRET1,{primary},KS4,100,40,N,N,N,F", "key_stage", "KS4 pupils cannot be at a primary school"),
])
def test_a_bad_row_is_named_by_line_and_column_never_by_pupil(demo_db, tmp_path, row, column, message):
    urn, primary = a_school(demo_db), a_school(demo_db, "primary")
    before = table_fingerprints(demo_db)
    path = write_csv(tmp_path / "p.csv", HEADER + f"OK1,{urn},KS4,100,40,N,N,N,F\n" + row.format(urn=urn, primary=primary) + "\n")
    with pytest.raises(BenchmarkingError) as error:
        import_pupils(demo_db, path, 2024)
    assert str(error.value).startswith(f"p.csv, line 3, column {column}:")
    assert message in str(error.value)
    for secret in ("SECRET1", "OK1", "A123456789012", "Jane"):
        assert secret not in str(error.value)
    assert table_fingerprints(demo_db) == before


def test_a_missing_required_column_lists_the_template(demo_db, tmp_path):
    path = write_csv(tmp_path / "p.csv", "pupil_id,urn\nA,1\n")
    with pytest.raises(BenchmarkingError, match="missing columns key_stage.*template"):
        import_pupils(demo_db, path, 2024)


def test_every_bad_row_is_reported_and_none_names_a_pupil(demo_db, tmp_path):
    urn = a_school(demo_db)
    rows = [f"OK1,{urn},KS4,100,40,N,N,N,F", f"SECRET1,{urn},KS4,130,40,N,N,N,F",
            f"SECRET2,{urn},KS4,100,40,N,X,N,F", "", f"SECRET3,{urn},KS9,100,40,N,N,N,Q"]
    path = write_csv(tmp_path / "p.csv", HEADER + "\n".join(rows) + "\n")
    with pytest.raises(BenchmarkingError) as error:
        import_pupils(demo_db, path, 2024)
    where = sorted((p.line, p.column) for p in error.value.problems)
    assert where == [(3, "prior_attainment"), (4, "sen"), (6, "key_stage"), (6, "sex")]  # the blank line 5 counts
    assert not any("SECRET" in str(p) or "130" in str(p) for p in error.value.problems)
