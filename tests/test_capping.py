"""Capping extreme pupil scores as DfE does, in a store holding only one school's pupils: DfE's own caps where
imported; otherwise a prior-attainment group is capped from its own spread only when it holds 30 pupils or
more, and the groups left uncapped are named."""
import numpy as np
import pandas as pd
import pytest

from benchmarking.importers.dfe import import_dfe
from benchmarking.importers.pupils import import_pupils
from benchmarking.store import open_store
from benchmarking.va_report import capping_note, pupil_value_added, schools_from_pupils
from benchmarking.value_added import CAP_Z
from benchmarking.writer import writing
from tests.conftest import write_csv

HEADER = "pupil_id,urn,key_stage,prior_attainment,attainment8,english_grade,maths_grade,ks2_read,ks2_writ,ks2_mat,disadvantaged,sen,eal,sex"
SECONDARY, PRIMARY = 500001, 500002
# Group 19 (KS2 average 104.5 to 105) holds 40 pupils: 39 at Attainment 8 of 50 and one at 0.
# Group 22 (107.5 to 108) holds one pupil, at 20: far below DfE's estimate for the group (55).
GROUP_19 = [f"S{i:03d},{SECONDARY},KS4,105,50,5,5,,,,N,N,N,F" for i in range(39)] + [f"S039,{SECONDARY},KS4,105,0,1,1,,,,N,N,N,M"]
GROUP_22 = [f"S040,{SECONDARY},KS4,108,20,3,3,,,,Y,N,N,M"]
# KS2: 35 pupils with a KS1 average of 15 (group 15): 34 read at 105 and one at 80.
KS2 = [f"P{i:03d},{PRIMARY},KS2,15,,,,{105 if i < 34 else 80},100,100,N,N,N,F" for i in range(35)]


@pytest.fixture
def one_school(db, tmp_path):
    with writing(db, create=True) as store:
        store.upsert_schools(pd.DataFrame({"urn": [SECONDARY, PRIMARY], "name": ["Hill Top", "Brook"],
                                           "phase": ["secondary", "primary"], "phase_rank": [3, 3]}))
    # DfE's published estimates for 2024, as the ready reckoner gives them (every group at 50, group 22 at 55).
    estimates = "ks2emss_grp,p8est\n" + "".join(f"{g},{55 if g == 22 else 50}\n" for g in range(1, 35))
    import_dfe(db, [write_csv(tmp_path / "2023-2024" / "p8_pupil_coefficients_file.csv", estimates)])
    import_pupils(db, write_csv(tmp_path / "pupils.csv", "\n".join([HEADER, *GROUP_19, *GROUP_22, *KS2]) + "\n"), 2024)
    return db


def scores(db, measure="ks4_p8"):
    with open_store(db) as store:
        return pupil_value_added(store, 2024, measure).pupils.set_index("pupil_id")["score"]


def test_a_group_of_one_pupil_is_not_capped_and_a_group_of_forty_is(one_school):
    score = scores(one_school)
    # Group 22: one pupil, (20 - 55) / 10 = -3.5. Its spread is 0, and capping at -2.89 x 0 would have raised
    # the score to 0; too few pupils for a spread, so it stays.
    assert score["S040"] == pytest.approx(-3.5)
    # Group 19: 40 pupils, mean 48.75, sd 7.906; capped at -2.8949 x 0.7906 = -2.289 (raw (0 - 50) / 10 = -5).
    sd = np.std([50.0] * 39 + [0.0], ddof=1)
    assert score["S039"] == pytest.approx(CAP_Z * sd / 10, abs=1e-6) and score["S039"] == pytest.approx(-2.289, abs=1e-3)
    assert score["S000"] == pytest.approx(0.0)


def test_the_stored_school_figure_caps_the_same_way(one_school):
    with open_store(one_school) as store:
        school = schools_from_pupils(store, 2024).set_index("urn").loc[SECONDARY]
    expected = (39 * 0.0 + CAP_Z * np.std([50.0] * 39 + [0.0], ddof=1) / 10 - 3.5) / 41
    assert school["n"] == 41 and school["va"] == pytest.approx(expected, abs=1e-9)


def test_reports_name_the_groups_that_were_not_capped(one_school):
    with open_store(one_school) as store:
        note = capping_note(store, 2024, "ks4_p8")
    assert note.startswith("Progress 8 2024: extreme scores in prior-attainment group 22 were not capped")
    assert "fewer than 30" in note


def test_ks2_progress_is_capped_too(one_school):
    score = scores(one_school, "ks2_read_progress")
    sd = np.std([105.0] * 34 + [80.0], ddof=1)
    mean = (34 * 105 + 80) / 35
    assert score["P034"] == pytest.approx(CAP_Z * sd, abs=1e-6)
    assert score["P034"] > 80 - mean  # raised from the raw score


def test_dfes_own_caps_are_used_where_imported(one_school, tmp_path):
    caps = "measure,prior_group,lowest_score\nks4_p8,22,-2.5\nks4_p8,19,-3.0\n"
    import_dfe(one_school, [write_csv(tmp_path / "2023-2024" / "caps.csv", caps)])
    score = scores(one_school)
    assert score["S040"] == pytest.approx(-2.5)  # DfE's cap applies even to a group of one
    assert score["S039"] == pytest.approx(-3.0)
    with open_store(one_school) as store:
        assert capping_note(store, 2024, "ks4_p8") is None
        school = schools_from_pupils(store, 2024).set_index("urn").loc[SECONDARY]
    assert school["va"] == pytest.approx((-3.0 - 2.5) / 41, abs=1e-9)


def test_the_value_added_command_names_the_uncapped_groups(one_school):
    from tests.conftest import run_cli

    out = run_cli("--db", one_school, "value-added", "--year", 2024, "--phase", "secondary")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith(
        "Progress 8 2024: extreme scores in prior-attainment group 22 were not capped.")
