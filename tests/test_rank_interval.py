"""Ranks with their uncertainty: each rank's 95% interval, simulated from the scores' standard errors."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from benchmarking.rank_interval import (PERSISTENT_THRESHOLD, absence_pupil_sd, national_pupil_sd,
                                        nearest_year_spreads, rank_cell, rank_interval, rank_intervals, rank_words,
                                        standard_errors)
from benchmarking.value_added import Z95


def test_without_uncertainty_the_interval_is_the_rank_itself_and_ties_share_the_better_rank():
    ranks, low, high = rank_intervals([3.0, 1.0, 3.0, np.nan, 2.0], 0.0, higher_is_better=True)
    assert ranks.tolist() == [1, 4, 1, 0, 3]  # no value, no rank
    assert low[[1, 4]].tolist() == [4, 3] and high[[1, 4]].tolist() == [4, 3]
    assert rank_intervals([1.0, 2.0], 0.0, higher_is_better=False)[0].tolist() == [1, 2]  # absence: lower is better


def test_two_schools_swap_places_as_often_as_the_normal_distribution_says():
    # Scores d apart, each with standard error s: the lower overtakes with probability Φ(−d / (s√2)).
    for gap, swaps in ((0.1, True), (1.0, False)):
        assert norm.cdf(-gap / (0.1 * np.sqrt(2))) > 0.025 if swaps else norm.cdf(-gap / (0.1 * np.sqrt(2))) < 0.025
        assert rank_interval(gap, 0.1, [0.0], [0.1], higher_is_better=True) == ((1, 2) if swaps else (1, 1))


def test_a_club_with_overlapping_intervals_gives_wide_rank_intervals_and_distinct_scores_narrow_ones():
    close = rank_intervals(np.linspace(0, 0.2, 21), 0.15, True)
    apart = rank_intervals(np.linspace(0, 20, 21), 0.15, True)
    assert (close[2] - close[1]).mean() > 8 and (apart[2] - apart[1]).max() == 0
    assert ((close[1] <= close[0]) & (close[0] <= close[2])).all()


def test_the_interval_holds_the_true_rank_at_least_nine_times_in_ten():
    rng = np.random.default_rng(7)
    held = []
    for _ in range(300):
        truth = rng.normal(0, 0.3, 21)
        errors = rng.uniform(0.1, 0.3, 21)
        observed = truth + errors * rng.standard_normal(21)
        true_rank = (truth[None, :] > truth[:, None]).sum(axis=1) + 1
        _, low, high = rank_intervals(observed, errors, True, draws=1000, seed=int(rng.integers(1 << 30)))
        held.append(((low <= true_rank) & (true_rank <= high)).mean())
    assert np.mean(held) >= 0.9


def test_standard_errors_come_from_the_interval_then_the_cohort():
    rows = pd.DataFrame({"value": [0.2, 50.0, 48.0], "ci_low": [0.0, np.nan, np.nan], "ci_high": [0.392, np.nan, np.nan],
                         "n": [100, 100, np.nan]}, index=[1, 2, 3])
    assert standard_errors("ks4_p8", rows).round(4).tolist()[0] == 0.1
    share = standard_errors("ks4_basics_94", rows)
    assert share[2] == pytest.approx(100 * np.sqrt(0.5 * 0.5 / 104)) and np.isnan(share[3])  # no cohort, no error
    none_passed = standard_errors("ks4_basics_94", pd.DataFrame({"value": [0.0], "ci_low": [np.nan], "ci_high": [np.nan],
                                                                 "n": [17]}))
    assert none_passed[0] == pytest.approx(100 * np.sqrt(2 / 21 * 19 / 21 / 21))  # 0 of 17 is not certain either
    assert standard_errors("ks4_att8", rows, pupil_sd=15.0)[2] == pytest.approx(1.5)


def test_attainment_8s_pupil_spread_is_ten_times_the_one_behind_progress_8s_published_intervals():
    n = np.array([50, 120, 200, 80] * 10)
    half = Z95 * 1.25 / np.sqrt(n)
    p8 = pd.DataFrame({"value": 0.0, "ci_low": -half, "ci_high": half, "n": n})
    assert national_pupil_sd("ks4_att8", {"ks4_p8": p8}) == pytest.approx(12.5)
    assert national_pupil_sd("ks4_ebacc_aps", {"ks4_p8": p8}) == pytest.approx(1.25)


def test_a_rank_reads_with_its_interval():
    assert rank_words(2, 21, 1, 6, "similar schools") == "2nd of 21 similar schools, could be anywhere from 1st to 6th"
    assert rank_words(1, 21, 1, 1) == "1st of 21, 1st whatever the chance in the scores"
    assert rank_cell(2, 21, 1, 6) == "2 of 21 (1–6)" and rank_cell(None, 21, None, None) == "–"


def test_a_year_without_progress_8_takes_the_pupil_spread_of_the_nearest_year_that_has_it():
    n = np.array([50, 120, 200, 80] * 10)
    rows = [pd.DataFrame({"year": year, "measure": "ks4_p8", "ci_low": -Z95 * sd / np.sqrt(n), "ci_high": Z95 * sd / np.sqrt(n),
                          "n": n}) for year, sd in ((2022, 1.4), (2024, 1.2), (2026, 1.0))]
    intervals = pd.concat(rows, ignore_index=True)
    assert nearest_year_spreads(intervals, 2024)["ks4_p8"] == pytest.approx(1.2)  # the year itself
    assert nearest_year_spreads(intervals, 2025)["ks4_p8"] == pytest.approx(1.2)  # as near as 2026: the earlier
    assert nearest_year_spreads(intervals, 2019)["ks4_p8"] == pytest.approx(1.4)
    no_p8 = {"ks4_p8": pd.DataFrame({"value": np.nan, "ci_low": [np.nan], "ci_high": [np.nan], "n": [np.nan]})}
    assert national_pupil_sd("ks4_att8", no_p8, {"ks4_p8": 1.2}) == pytest.approx(12.0)


def test_without_a_spread_to_go_on_an_averages_error_is_unknown_not_zero():
    # 40 schools whose values do not spread more for smaller cohorts: no evidence of the sampling noise, which is
    # no evidence that there is none. Before, this gave a spread of 0.001 and every rank looked certain.
    flat = pd.DataFrame({"value": np.tile([50.0, 51.0], 20), "n": np.repeat([20, 400], 20)})
    assert np.isnan(national_pupil_sd("ks4_att8", {"ks4_att8": flat}))
    assert rank_interval(50.0, np.nan, [49.0, 51.0], [1.0, 1.0], True) == (None, None)
    ranks, low, high = rank_intervals([50.0, 49.0, 51.0], [np.nan, 1.0, 1.0], True)
    assert ranks[0] == 2 and (low[0], high[0]) == (0, 0) and low[1] > 0
    assert rank_words(2, 3, None, None, "similar schools") == "2nd of 3 similar schools (interval not known)"
    assert rank_cell(2, 3, 0, 0) == "2 of 3 (interval not known)"


def test_pupils_absence_spread_follows_englands_overall_and_persistent_absence():
    from scipy.stats import beta

    sd = absence_pupil_sd(6.9, 18.0)  # England, all pupils, 2023-24
    assert 12 < sd < 18
    mean = 0.069  # the Beta with that SD and mean puts 18% of pupils at 10% or more, as England does
    concentration = mean * (1 - mean) / (sd / 100) ** 2 - 1
    assert beta(mean * concentration, (1 - mean) * concentration).sf(PERSISTENT_THRESHOLD) == pytest.approx(0.18, abs=0.01)
    assert absence_pupil_sd(8.7, 23.9) > absence_pupil_sd(5.1, 13.5)  # secondaries spread more than primaries
    assert np.isnan(absence_pupil_sd(np.nan, 18.0))
    rows = pd.DataFrame({"value": [7.0], "ci_low": [np.nan], "ci_high": [np.nan], "n": [400]})
    assert national_pupil_sd("absence_overall", {}, {"absence_overall": sd}) == sd
    assert standard_errors("absence_overall", rows, sd)[0] == pytest.approx(sd / 20)


def test_each_draw_s_count_of_schools_above_is_exact_for_clubs_of_any_size():
    from benchmarking.rank_interval import _count_down_columns

    rng = np.random.default_rng(4)
    for rows in (0, 1, 21, 255, 256, 300):  # counted in bytes up to 255 schools, as 64-bit sums beyond
        above = rng.random((rows, 97)) > 0.3
        counted = _count_down_columns(above)
        assert counted.dtype == np.int64 and counted.tolist() == above.sum(axis=0).tolist()


def test_single_precision_draws_give_the_intervals_double_precision_draws_give():
    """The draws are held in single precision (half the memory to pass over on a school's first view): an interval
    moves only where two schools' draws fall within a millionth of each other, which these 300 clubs never do."""
    from benchmarking.rank_interval import DRAWS, SEED

    def in_double(value, error, others, others_errors, higher_is_better):
        keep = ~np.isnan(others)
        sign = 1.0 if higher_is_better else -1.0
        values = sign * np.r_[value, others[keep]]
        noise = np.random.default_rng(SEED).standard_normal((DRAWS, values.size)).T
        drawn = np.nan_to_num(np.r_[error, others_errors[keep]])[:, None] * noise + values[:, None]
        ranks = (drawn[1:] > drawn[0]).sum(axis=0) + 1
        observed = int((values[1:] > values[0]).sum()) + 1
        low, high = np.quantile(ranks, [0.025, 0.975], method="inverted_cdf")
        return min(int(low), observed), max(int(high), observed)

    rng = np.random.default_rng(8)
    for club in range(300):
        size = int(rng.integers(2, 90))  # clubs whose draws are held, and larger ones drawn afresh
        values = rng.normal(size=size) * rng.choice([0.1, 1.0, 10.0])
        errors = np.abs(rng.normal(size=size)) * 0.5 + 0.01
        values[1:][rng.random(size - 1) < 0.1] = np.nan
        args = (values[0], errors[0], values[1:], errors[1:], bool(club % 2))
        assert rank_interval(*args) == in_double(*args)
