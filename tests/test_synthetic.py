"""The synthetic generator: deterministic, the right shape, and calibrated to the real files."""
import numpy as np
import pandas as pd
import pytest

from benchmarking.calibration import profile_statistics, secondary_profile
from benchmarking.store import open_store
from benchmarking.summary import store_summary
from benchmarking.synthetic import A8_CURVES, YEARS, build_demo_store, expected_att8, generate
from benchmarking.value_added import KS4_PRIOR_GROUP_UPPER


@pytest.fixture(scope="session")
def national_store(tmp_path_factory):
    path = build_demo_store(tmp_path_factory.mktemp("national") / "national.duckdb", scale="national", seed=2024)
    with open_store(path) as store:
        yield store


def test_a_seed_always_gives_the_same_store_and_another_seed_another():
    first, again, other = generate("small", 11), generate("small", 11), generate("small", 12)
    for table in first:
        pd.testing.assert_frame_equal(first[table], again[table])
    assert not first["pupils"]["attainment8"].equals(other["pupils"]["attainment8"])


def test_small_demo_store_has_both_phases_five_years_and_pupils_for_every_school(small_demo_path):
    with open_store(small_demo_path) as store:
        assert store.query("SELECT DISTINCT year FROM results ORDER BY year")["year"].tolist() == list(YEARS)
        phases = store.query("SELECT phase, count(*) AS n FROM schools GROUP BY ALL").set_index("phase")["n"]
        assert (phases["secondary"], phases["primary"]) == (60, 240)
        without_pupils = store.query(
            "SELECT count(*) AS n FROM schools s WHERE NOT EXISTS (SELECT 1 FROM pupils p WHERE p.urn = s.urn)")
        assert without_pupils["n"][0] == 0
        stages = store.query("SELECT DISTINCT s.phase, p.key_stage FROM pupils p JOIN schools s USING (urn) ORDER BY 1")
        assert stages.values.tolist() == [["primary", "KS2"], ["secondary", "KS4"]]
        ids = store.query("SELECT count(DISTINCT pupil_id) AS d, count(*) AS n FROM pupils")
        assert ids["d"][0] == ids["n"][0]


def test_the_demo_mirrors_the_years_without_prior_attainment(small_demo_path):
    with open_store(small_demo_path) as store:
        prior = store.query("SELECT key_stage, year, count(prior_attainment) AS prior, count(*) AS pupils FROM pupils "
                            "GROUP BY ALL ORDER BY ALL")
        results = store.query("SELECT year, measure, count(value) AS schools FROM results GROUP BY ALL")
    with_prior = {(r.key_stage, r.year): r.prior > 0 for r in prior.itertuples()}
    # KS4 cohorts of 2025 and 2026 sat no KS2 tests; KS2 cohorts of 2024 and 2025 had no KS1 assessments.
    assert [y for y in YEARS if not with_prior[("KS4", y)]] == [2025, 2026]
    assert [y for y in YEARS if not with_prior[("KS2", y)]] == [2024, 2025]
    present = {(r.year, r.measure) for r in results.itertuples() if r.schools > 0}
    for year in YEARS:  # every attainment measure every year; progress only where there is prior attainment
        assert {(year, m) for m in ("ks4_att8", "ks4_basics_94", "ks4_basics_95", "ks2_rwm_expected",
                                    "ks2_read_average", "ks2_mat_average")} <= present
        assert ((year, "ks4_p8") in present) == (year <= 2024)
        assert ((year, "ks2_read_progress") in present) == (year not in (2024, 2025))


def test_tiny_cohorts_are_suppressed_not_shown(small_demo_path):
    with open_store(small_demo_path) as store:
        small = store.query("SELECT value, reason FROM results WHERE n < 6")
        assert (small["reason"] == "SUPP").all() and small["value"].isna().all()


@pytest.mark.slow
def test_national_store_has_the_issue_scale(national_store):
    phases = national_store.query("SELECT phase, count(*) AS n FROM schools GROUP BY ALL").set_index("phase")["n"]
    assert (phases["secondary"], phases["primary"]) == (3400, 16500)
    assert national_store.query("SELECT count(DISTINCT la_code) AS n FROM schools")["n"][0] == 150
    summary = store_summary(national_store)
    assert summary["years"] == [2022, 2023, 2024, 2025, 2026] and summary["local_authorities"] == 150
    assert summary["schools_by_phase"] == {"primary": 16500, "secondary": 3400}
    assert 5_500_000 < summary["pupils"] < 6_500_000
    with_p8 = {year: c for year, c in summary["progress8_schools"].items() if int(year) <= 2024}
    assert len(with_p8) == 3
    assert all(c["las"] == 150 and c["with_context"] == c["schools"] > 3300 for c in with_p8.values())


def test_the_generator_curve_follows_dfe_published_estimates(reference_dir):
    for year in (2022, 2023, 2024):  # 2025 and 2026 have no estimates: no KS2 tests for those cohorts
        published = pd.read_csv(reference_dir / "ks4-p8-estimates" / str(year) / "p8_pupil_coefficients_file.csv",
                                encoding="utf-8-sig")
        # Middle of each group's score range (group 1 runs 59-82; its pupils sit near the top).
        lower = np.r_[80.0, KS4_PRIOR_GROUP_UPPER[:-1] + 0.5]
        middle = (lower + KS4_PRIOR_GROUP_UPPER) / 2
        error = np.abs(expected_att8(middle, year) - published["p8est"].to_numpy())
        assert error[1:].max() < 1.5, (year, error.round(2))
        assert year in A8_CURVES


@pytest.mark.slow
def test_school_profile_matches_real_2018_19_england(real_england_db, national_store):
    with open_store(real_england_db) as real:
        observed = profile_statistics(secondary_profile(real, 2019))
    synthetic = profile_statistics(secondary_profile(national_store, 2024))
    relative = {"pct_disadvantaged_mean": 0.12, "pct_disadvantaged_sd": 0.15, "pct_eal_median": 0.3, "pct_eal_mean": 0.2,
                "pct_sen_support_mean": 0.12, "pct_sen_support_sd": 0.2, "pct_ehcp_mean": 0.2,
                "pupils_on_roll_median": 0.1, "att8_mean": 0.06, "att8_sd": 0.2, "p8_sd": 0.15}
    for key, tolerance in relative.items():
        assert synthetic[key] == pytest.approx(observed[key], rel=tolerance), key
    assert abs(synthetic["p8_mean"] - observed["p8_mean"]) < 0.06
    for key in [k for k in observed if k.startswith("corr_")]:
        assert synthetic[key] == pytest.approx(observed[key], abs=0.15), key


@pytest.mark.slow
def test_published_style_scores_recover_the_stored_truth(national_store):
    truth = national_store.query(
        """
        SELECT r.measure, r.n, r.value, r.ci_low, r.ci_high, t.true_va
        FROM results r JOIN synthetic_truth t USING (urn, year, measure)
        WHERE r.value IS NOT NULL
        """
    )
    p8 = truth[(truth["measure"] == "ks4_p8") & (truth["n"] >= 100)]
    assert p8["value"].corr(p8["true_va"]) >= 0.95
    covered = (truth["true_va"] >= truth["ci_low"]) & (truth["true_va"] <= truth["ci_high"])
    for measure, share in covered.groupby(truth["measure"]).mean().items():
        assert 0.92 <= share <= 0.98, (measure, share)


@pytest.mark.slow
def test_shrunken_value_added_is_closer_to_the_truth_than_one_year_for_small_cohorts(national_store):
    from benchmarking.synthetic.truth_check import shrinkage

    report = shrinkage(national_store, [2024, 2026])
    small = report[(report["cohorts"] == "under 60") & (report["schools"] >= 200)]
    assert set(small["measure"]) == {"ks2_read_progress", "ks2_writ_progress", "ks2_mat_progress"}
    assert (small["rmse_shrunken"] < small["rmse_one_year"]).all(), small
    assert report["coverage_shrunken"].between(0.9, 0.99).all(), report


def test_the_demo_has_absence_for_the_years_published_so_far_higher_in_secondaries(demo):
    from benchmarking.school_view import school_headline

    found = demo.query("SELECT r.year, s.phase, r.measure, avg(r.value) AS mean, count(*) AS n FROM results r "
                       "JOIN schools s USING (urn) WHERE r.measure LIKE 'absence%' GROUP BY ALL")
    assert sorted(found["year"].unique()) == [2022, 2023, 2024, 2025]  # 2026's comes the spring after
    means = found.groupby(["measure", "phase"])["mean"].mean()
    assert 4 < means["absence_overall", "primary"] < 7 < means["absence_overall", "secondary"] < 11
    assert means["absence_persistent", "secondary"] > means["absence_overall", "secondary"]
    urn = int(demo.query("SELECT min(urn) AS u FROM schools WHERE phase = 'primary'")["u"][0])
    headline = school_headline(demo, urn, 2025).set_index("measure")
    assert headline.loc["absence_overall", "lower_is_better"] and headline.loc["absence_overall", "of"] == 21
