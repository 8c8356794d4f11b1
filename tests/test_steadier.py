"""Steadier scores for small cohorts: value added over three years, and shrunken towards similar schools."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking.steadier import between_variance, shrink, shrunken_table, three_year_table
from benchmarking.store import open_store
from benchmarking.va_report import school_value_added_table
from benchmarking.value_added import SCHOOL_TABLE_COLUMNS, Z95
from tests.conftest import run_cli


def test_a_precise_score_keeps_its_value_and_a_noisy_one_moves_towards_its_prior():
    out = shrink([1.0, 1.0, 1.0], [0.0, 0.5, 5.0], [0.0, 0.0, 0.0], tau2=0.25)
    assert out["va"].tolist() == pytest.approx([1.0, 0.5, 0.25 / 25.25])
    assert out["weight"].tolist() == pytest.approx([1.0, 0.5, 0.25 / 25.25])
    # The posterior's interval: z × √(weight) × se, never wider than the score's own.
    assert (out["ci_high"] - out["va"]).tolist() == pytest.approx([0.0, Z95 * np.sqrt(0.5) * 0.5, Z95 * np.sqrt(0.25 / 25.25) * 5])
    wider = shrink([1.0], [0.5], [0.0], 0.25, prior_variance=0.1)  # an uncertain prior widens it
    assert wider["ci_high"][0] - wider["va"][0] > out["ci_high"][1] - out["va"][1]


def test_the_spread_of_true_scores_is_recovered_from_noisy_ones():
    rng = np.random.default_rng(3)
    truth = rng.normal(0, 0.3, 20_000)
    se = rng.uniform(0.1, 0.6, truth.size)
    assert between_variance(truth + se * rng.standard_normal(truth.size), se, np.zeros(truth.size)) == \
        pytest.approx(0.09, rel=0.05)


def test_three_year_value_added_is_the_cohort_weighted_mean_of_the_years_held(small_demo_path):
    with open_store(small_demo_path) as store:
        pooled = three_year_table(store, 2024, "secondary")
        years = pd.concat([school_value_added_table(store, y, "secondary") for y in (2022, 2023, 2024)])
    urn = int(pooled["urn"].iloc[0])
    mine = years[years["urn"] == urn]
    assert pooled.iloc[0]["va"] == pytest.approx((mine["va"] * mine["n"]).sum() / mine["n"].sum())
    assert pooled.iloc[0]["n"] == mine["n"].sum() and pooled.iloc[0]["years"] == 3
    assert pooled.iloc[0]["source"] == "2022 to 2024, cohort-weighted"


def test_a_special_school_on_the_real_files_moves_towards_special_schools_like_it(real_england_db):
    urn = 100092  # 16 pupils, Progress 8 −2.98
    with open_store(real_england_db) as store:
        row = shrunken_table(store, 2019, "secondary", urn).iloc[0]
    assert row["one_year"] == pytest.approx(-2.98)
    assert -2.98 < row["va"] < -2.0 and 0 < row["weight"] < 1  # towards its club of special schools, not to 0
    assert row["ci_high"] - row["ci_low"] < 1.26  # narrower than the one-year interval (−3.60 to −2.35)


def test_value_added_takes_the_steadier_lenses_with_the_same_columns(small_demo_path):
    official = json.loads(run_cli("--db", small_demo_path, "value-added", "--year", 2024, "--phase", "secondary",
                                  "--json").stdout)
    for lens in ("three-year", "shrunken"):
        done = run_cli("--db", small_demo_path, "value-added", "--year", 2024, "--phase", "secondary", "--lens", lens,
                       "--json")
        rows = json.loads(done.stdout)
        assert done.returncode == 0 and list(rows[0]) == list(official[0]) == \
            [c for c in SCHOOL_TABLE_COLUMNS if c not in ("lens", "source")]
        assert {r["urn"] for r in rows} == {r["urn"] for r in official}
    refused = run_cli("--db", small_demo_path, "value-added", "--year", 2025, "--phase", "secondary", "--lens", "shrunken")
    assert refused.returncode == 1 and "DfE published no Progress 8 for 2025" in refused.stderr
