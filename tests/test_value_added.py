"""Value-added formulas, each checked by hand."""
import numpy as np
import pandas as pd
import pytest

from benchmarking.value_added import (CAP_Z, ks2_prior_group, ks4_prior_group, national_estimates, pupil_scores,
                                      school_value_added)


def test_ks2_scores_fall_in_dfe_prior_attainment_groups():
    scores = [59, 82, 82.5, 86, 86.5, 87.5, 88, 89, 89.5, 90.5, 91, 92, 92.5, 93, 93.5, 105, 119.5, 120, np.nan]
    assert ks4_prior_group(scores).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 19, 34, 34, 0]


def test_ks1_groups_are_whole_points_within_3_to_21():
    assert ks2_prior_group([2.0, 3.4, 15.9, 16.0, 22.5, np.nan]).tolist() == [3, 3, 15, 16, 21, 0]


def test_estimates_are_group_means_and_scores_are_differences_over_the_scale():
    groups = [1, 1, 2, 2, 2]
    att8 = [10.0, 20.0, 30.0, 40.0, 50.0]
    estimates = national_estimates(groups, att8)
    assert estimates["estimate"].tolist() == [15.0, 40.0]
    scores = pupil_scores(groups, att8, estimates, scale=10.0)
    assert scores["score"].tolist() == pytest.approx([-0.5, 0.5, -1.0, 0.0, 1.0])


def test_extreme_negative_scores_are_capped_at_the_group_limit():
    # 30 pupils score 50 and one scores 0: mean 48.387, sd 8.980, so the limit is -2.895 x 0.898 = -2.600.
    groups = np.ones(31, dtype=int)
    att8 = np.array([50.0] * 30 + [0.0])
    estimates = national_estimates(groups, att8)
    assert estimates["sd"][0] == pytest.approx(8.980, abs=1e-3)
    raw = pupil_scores(groups, att8, estimates, scale=10.0)["score"]
    capped = pupil_scores(groups, att8, estimates, scale=10.0, cap=True)["score"]
    assert raw.iloc[30] == pytest.approx(-4.839, abs=1e-3)
    assert capped.iloc[30] == pytest.approx(-2.600, abs=1e-3)
    assert (capped.iloc[:30] == raw.iloc[:30]).all()


def test_school_value_added_is_the_mean_score_with_a_normal_ci():
    keys = pd.DataFrame({"urn": [1, 1, 1, 1, 2]})
    scores = pd.DataFrame({"expected": [40, 40, 40, 40, 50.0], "actual": [45, 35, 50, 42, 50.0],
                           "score": [0.5, -0.5, 1.0, 0.2, 0.0]})
    out = school_value_added(keys, scores, national_sd=1.4).set_index("urn")
    assert out.loc[1, "n"] == 4 and out.loc[1, "va"] == pytest.approx(0.3)
    assert out.loc[1, "ci_low"] == pytest.approx(0.3 - 1.959964 * 1.4 / 2)
    assert out.loc[1, "ci_high"] == pytest.approx(0.3 + 1.372, abs=1e-3)


def test_a_pupil_worked_by_hand_from_the_published_2024_estimates(reference_dir):
    published = pd.read_csv(reference_dir / "ks4-p8-estimates" / "2024" / "p8_pupil_coefficients_file.csv",
                            encoding="utf-8-sig").rename(columns={"ks2emss_grp": "group", "p8est": "estimate"})
    # A pupil with KS2 average scaled score 105 is in group 19 ("104.5 to 105"), estimate 45.12.
    # With Attainment 8 of 50, their Progress 8 score is (50 - 45.12) / 10 = 0.488.
    group = ks4_prior_group([105.0])
    scores = pupil_scores(group, [50.0], published.assign(sd=0.0), scale=10.0)
    assert group.tolist() == [19]
    assert scores["expected"][0] == 45.12 and scores["score"][0] == pytest.approx(0.488)
