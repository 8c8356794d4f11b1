"""Value-added formulas, each checked by hand."""
import numpy as np
import pandas as pd
import pytest

from benchmarking.value_added import (floats, ks2_prior_group, ks4_prior_group, national_estimates, pupil_scores,
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


# -- bands, intervals, pooling, groups, funnels and the contextual fit ---------------------------

from benchmarking.bands import Cutoffs, bands, decile_cutoffs  # noqa: E402
from benchmarking.value_added import (confidence_interval, contextual_fit, funnel_limits,  # noqa: E402
                                      group_value_added, pooled_value_added, recover_national_sd, relative_to_group)


def test_bands_follow_dfe_rules():
    va = [0.6, 0.3, 0.0, -0.3, -0.6, 0.6, np.nan]
    low = [0.1, 0.05, -0.2, -0.5, -0.8, -0.1, np.nan]
    high = [1.1, 0.55, 0.2, -0.05, -0.4, 1.3, np.nan]
    assert bands(va, low, high).tolist() == [1, 2, 3, 4, 5, 3, pd.NA]


def test_well_below_is_strictly_below_minus_half_and_well_above_is_half_or_more():
    # DfE: -0.50 is "below average", -0.51 "well below"; +0.50 is "well above".
    va, low, high = [-0.50, -0.51, -0.504, 0.50, 0.496, 0.494], [-0.7, -0.7, -0.7, 0.3, 0.3, 0.3], [-0.3, -0.3, -0.3, 0.7, 0.7, 0.7]
    # Scores are compared as published, to 2 dp: -0.504 is published as -0.50, 0.496 as 0.50.
    assert bands(va, low, high).tolist() == [4, 5, 4, 1, 1, 2]


def test_without_known_cut_offs_no_school_is_well_above_or_well_below():
    assert bands([6.0, 2.0, -6.0], [3.0, 0.5, -9.0], [9.0, 3.5, -3.0], None).tolist() == [2, 2, 4]


def test_ks2_cut_offs_apply_to_scores_at_one_decimal_place():
    # DfE's 2019 reading cut-offs: well above at +3.2 or more, well below at -2.9 or less.
    cutoffs = Cutoffs(3.2, -2.9, 1, "test")
    va = [3.2, 3.14, 3.16, -2.9, -2.86, -2.84]
    low, high = [1.0, 1.0, 1.0, -5.0, -5.0, -5.0], [5.0, 5.0, 5.0, -1.0, -1.0, -1.0]
    assert bands(va, low, high, cutoffs).tolist() == [1, 2, 1, 5, 5, 4]


def test_a_whole_countrys_top_and_bottom_tenth_give_cut_offs():
    va = np.arange(-5.0, 5.0, 0.1)  # 100 schools
    cutoffs = decile_cutoffs(va, 1, "a fictional England")
    assert (cutoffs.above, cutoffs.below) == pytest.approx((3.9, -4.0))
    assert bands([4.0, 3.5], [1.0, 1.0], [7.0, 6.0], cutoffs).tolist() == [1, 2]


def test_the_national_sd_is_recovered_from_published_bounds():
    # Two schools built with SD 1.28: half-widths 1.96 × 1.28 / √100 = 0.2509 and / √25 = 0.5018.
    sd = recover_national_sd([-0.2509, 0.0 - 0.5018], [0.2509, 0.5018], [100, 25])
    assert sd == pytest.approx(1.28, abs=1e-3)
    low, high = confidence_interval([0.1], [64], 1.28)
    assert (low[0], high[0]) == pytest.approx((0.1 - 0.3136, 0.1 + 0.3136), abs=1e-4)


def test_pooled_value_added_weights_by_cohort_and_combines_ses():
    rows = pd.DataFrame({"urn": [1, 1], "year": [2023, 2024], "va": [0.2, -0.1], "n": [100, 300],
                         "ci_low": [0.2 - 0.196, -0.1 - 0.098], "ci_high": [0.2 + 0.196, -0.1 + 0.098]})
    out = pooled_value_added(rows).iloc[0]
    # (0.2 × 100 - 0.1 × 300) / 400 = -0.025; se = √((100 × 0.1)² + (300 × 0.05)²) / 400 = 0.04507
    assert out["va"] == pytest.approx(-0.025) and out["n"] == 400 and out["years"] == 2
    assert out["ci_high"] - out["va"] == pytest.approx(1.959964 * 0.0450694, rel=1e-4)


def test_a_schools_difference_from_its_group_has_a_ci_from_both():
    members = pd.DataFrame({"va": [0.1, 0.3], "n": [100, 100],
                            "ci_low": [0.1 - 0.196, 0.3 - 0.196], "ci_high": [0.1 + 0.196, 0.3 + 0.196]})
    out = relative_to_group(0.5, 0.5 - 0.392, 0.5 + 0.392, members)
    # group mean 0.2 with se √(0.1² + 0.1²) / 2 = 0.0707; school se 0.2; difference se √(0.04 + 0.005) = 0.2121
    assert out["difference"] == pytest.approx(0.3) and out["group_mean"] == pytest.approx(0.2)
    assert out["ci_high"] - out["difference"] == pytest.approx(1.959964 * 0.212132, rel=1e-4)


def test_the_club_mean_weights_members_by_cohort():
    # 300 pupils at +0.4 and 100 at -0.4: the club's pupils average (300 × 0.4 - 100 × 0.4) / 400 = +0.2,
    # where an unweighted mean of the two schools would say 0.
    members = pd.DataFrame({"va": [0.4, -0.4], "n": [300, 100], "ci_low": [0.4 - 0.1, -0.4 - 0.3],
                            "ci_high": [0.4 + 0.1, -0.4 + 0.3]})
    out = relative_to_group(0.0, -0.2, 0.2, members)
    assert out["group_mean"] == pytest.approx(0.2) and out["difference"] == pytest.approx(-0.2)
    # se of the mean: √((300 × 0.1/1.96)² + (100 × 0.3/1.96)²) / 400
    se_mean = np.sqrt((300 * 0.1 / 1.959964) ** 2 + (100 * 0.3 / 1.959964) ** 2) / 400
    se = np.sqrt((0.2 / 1.959964) ** 2 + se_mean ** 2)
    assert out["ci_high"] - out["difference"] == pytest.approx(1.959964 * se, rel=1e-6)


def test_funnel_limits_narrow_with_cohort_size():
    limits = funnel_limits(400, national_sd=1.4)
    assert limits["n"].min() == 6 and limits["n"].max() == 400
    row = limits.iloc[len(limits) // 2]
    assert row["upper_95%"] == pytest.approx(1.959964 * 1.4 / np.sqrt(row["n"]), rel=1e-6)
    assert row["lower_99.8%"] == pytest.approx(-3.090232 * 1.4 / np.sqrt(row["n"]), rel=1e-6)
    assert limits["upper_95%"].is_monotonic_decreasing


def test_pupil_groups_under_six_are_suppressed():
    keys = pd.DataFrame({"urn": [1] * 10})
    labels = pd.DataFrame({"sex": ["girls"] * 7 + ["boys"] * 3})
    scores = pd.DataFrame({"score": [0.5] * 7 + [-1.0] * 3})
    out = group_value_added(keys, labels, scores, national_sd=1.0).set_index("group")
    assert out.loc["girls", "va"] == 0.5 and out.loc["girls", "n"] == 7
    assert np.isnan(out.loc["boys", "va"]) and out.loc["boys", "reason"] == "SUPP" and out.loc["boys", "n"] == 3


def test_the_contextual_fit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    design = pd.DataFrame({"expected": rng.normal(45, 15, 5000), "disadvantaged": rng.random(5000) < 0.3})
    outcome = 2.0 + 0.95 * design["expected"] - 4.0 * design["disadvantaged"] + rng.normal(0, 1, 5000)
    coefficients, predicted = contextual_fit(design, outcome)
    assert coefficients == pytest.approx([2.0, 0.95, -4.0], abs=0.1)
    assert np.corrcoef(predicted, outcome)[0, 1] > 0.99


def test_rows_are_found_in_32_bit_keys_whatever_integers_are_asked_for():
    from benchmarking.value_added import keys_like, positions_in, sorted_rows

    keys = np.array([100001, 100003, 100003, 100007], dtype=np.int32)
    assert keys_like(keys, 100003).dtype == np.int32 and keys_like(keys, [100001, 100007]).dtype == np.int32
    assert keys_like(keys, [2 ** 40]).dtype == np.int64  # beyond 32 bits: searched as it is, never wrapped round
    rows, counts = sorted_rows(keys, [100003, 2 ** 40, 100001, 100002])
    assert rows.tolist() == [1, 2, 0] and counts.tolist() == [2, 0, 1, 0]
    schools = np.unique(keys)
    at, found = positions_in(schools, [100007, 100002, 2 ** 40, 100001])
    assert found.tolist() == [True, False, False, True] and at[found].tolist() == [2, 0]
    assert not positions_in(np.array([], dtype=np.int32), 100001)[1]


def test_floats_of_any_column_are_a_new_array_of_floats_with_nan_for_what_is_missing_or_not_a_number():
    columns = [pd.Series([1.5, np.nan]), pd.Series([1, 2]), pd.Series([1, None], dtype="Int64"),
               pd.Series([1.0, None], dtype="Float64"), pd.Series(["1", "SUPP"]), pd.Series([True, False]),
               np.array([3, 4]), [5, "x"]]
    for column in columns:
        got = floats(column)
        assert got.dtype == float
        assert got.tolist() == pytest.approx(pd.to_numeric(pd.Series(column), errors="coerce").astype(float).tolist(),
                                             nan_ok=True)
    held = pd.Series([1.5, 2.5])
    floats(held)[0] = 9.0  # a caller may change what it got: the column it came from stays as it was
    assert held.tolist() == [1.5, 2.5]
