"""Attainment in context, the years without a progress measure, and honest gaps."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking.attainment_context import CAVEAT, in_context, within_variance_from_residuals
from benchmarking.synthetic.truth_check import recovery
from benchmarking.charts import NORMAL, trend
from benchmarking.progress_gaps import no_progress_reason, progress_years
from benchmarking.school_view import attainment_sentence, in_context_sentence, school_trend
from benchmarking.va_report import NoProgressMeasure, school_value_added_table
from benchmarking.value_added import Z95
from tests.conftest import run_cli


def schools(n=200, seed=1):
    """Hand-made schools: attainment 50 - 0.3 x % disadvantaged, each school's cohort a sample of pupils with
    SD 15 around its mean; school 0 does 6 points better than its intake predicts."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"pct_disadvantaged": rng.uniform(5, 60, n), "n": rng.integers(60, 250, n).astype(float)})
    frame["actual"] = 50 - 0.3 * frame["pct_disadvantaged"] + rng.normal(0, 15, n) / np.sqrt(frame["n"])
    frame.loc[0, "actual"] += 6.0
    return frame


def test_the_score_is_actual_minus_what_the_intake_predicts():
    frame = schools()
    out = in_context(frame, ["pct_disadvantaged"], within_variance=225.0)
    assert out.loc[0, "va"] == pytest.approx(6.0, abs=1.0)
    assert abs(out["va"].iloc[1:].mean()) < 0.1
    expected = frame["actual"] - out["va"]
    assert (out["expected"] - expected).abs().max() < 1e-9


def test_the_interval_holds_the_models_uncertainty_as_well_as_sampling():
    import statsmodels.api as sm

    frame = schools()
    out = in_context(frame, ["pct_disadvantaged"], within_variance=225.0)
    X = sm.add_constant(frame[["pct_disadvantaged"]].to_numpy())
    se_model = sm.OLS(frame["actual"].to_numpy(), X).fit().get_prediction(X).se_mean
    sampling = np.sqrt(225.0 / frame["n"].to_numpy())
    half = (out["ci_high"] - out["ci_low"]).to_numpy() / 2
    assert half == pytest.approx(Z95 * np.sqrt(se_model ** 2 + sampling ** 2), rel=1e-9)
    assert (half > Z95 * sampling).all()  # wider than sampling alone, everywhere
    # A school far from the others' intake is predicted less surely: its interval is wider.
    extreme = frame["pct_disadvantaged"].idxmax()
    middle = (frame["pct_disadvantaged"] - frame["pct_disadvantaged"].mean()).abs().idxmin()
    assert out.loc[extreme, "se_model"] > out.loc[middle, "se_model"]


def test_a_percentage_of_pupils_has_binomial_sampling():
    frame = schools().assign(actual=lambda f: (f["actual"] + 10).clip(0, 100))
    out = in_context(frame, ["pct_disadvantaged"], share=True)
    p = (out["expected"] / 100).clip(0.01, 0.99)
    assert out["se_sampling"].to_numpy() == pytest.approx(np.sqrt(p * (1 - p) * 1e4 / frame["n"]).to_numpy())


def test_without_pupils_the_within_school_variance_comes_from_the_residuals():
    rng = np.random.default_rng(4)
    n = rng.integers(20, 300, 4000).astype(float)
    residuals = rng.normal(0, np.sqrt(4.0 + 225.0 / n))  # tau² 4 between schools, sigma² 225 within
    assert within_variance_from_residuals(residuals, n) == pytest.approx(225.0, rel=0.15)


def test_too_few_schools_get_no_score():
    out = in_context(schools(20), ["pct_disadvantaged"], within_variance=225.0)
    assert out["va"].isna().all()


def test_the_years_without_progress_and_why():
    assert no_progress_reason("KS4", 2025).startswith("DfE published no Progress 8 for 2025: that cohort sat no KS2 tests")
    assert no_progress_reason("KS2", 2024).startswith("DfE published no KS2 progress for 2024")
    assert no_progress_reason("KS4", 2024) is None and no_progress_reason("KS2", 2026) is None
    assert progress_years("KS4", [2022, 2023, 2024, 2025, 2026]) == [2022, 2023, 2024]


def test_a_year_without_progress_raises_dfes_reason_and_the_lens_answers_instead(demo):
    with pytest.raises(NoProgressMeasure, match="DfE published no Progress 8 for 2026"):
        school_value_added_table(demo, 2026, "secondary")
    table = school_value_added_table(demo, 2026, "secondary", lens="attainment-in-context")
    assert set(table["measure"]) == {"ks4_att8", "ks4_basics_94"} and table["band"].isna().all()
    assert table["source"].iloc[0].startswith("not a progress measure: Attainment 8 against schools with a similar intake")
    assert "earlier cohorts' prior attainment" in table["source"].iloc[0]
    scored = table.dropna(subset=["va"])
    assert len(scored) > 50 and ((scored["ci_low"] < scored["va"]) & (scored["va"] < scored["ci_high"])).all()


def test_the_lens_on_the_command_line_says_it_is_not_a_progress_measure(small_demo_path):
    out = run_cli("--db", small_demo_path, "value-added", "--year", 2025, "--phase", "primary", "--lens",
                  "attainment-in-context")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == CAVEAT and "band" not in lines[1]
    rows = json.loads(run_cli("--db", small_demo_path, "value-added", "--year", 2025, "--phase", "primary", "--lens",
                              "attainment-in-context", "--json").stdout)
    assert {r["measure"] for r in rows} == {"ks2_rwm_expected", "ks2_read_average", "ks2_mat_average"}


def test_on_the_demo_the_score_recovers_the_truth_as_the_readme_says(demo):
    report = recovery(demo, [2023, 2024])
    of = lambda measure: report[report["measure"] == measure]  # noqa: E731
    # Progress 8 and attainment in context, side by side (the small demo: 60 secondaries, 240 primaries).
    assert len(of("ks4_p8")) == 2 and (of("ks4_p8")["correlation_with_own_effect"] > 0.9).all()
    in_context_a8 = of("ks4_att8")
    assert len(in_context_a8) == 2 and (in_context_a8["correlation_with_estimand"] > 0.6).all()
    assert (in_context_a8["ci_coverage"] > 0.7).all()
    ks2 = of("ks2_read_average")
    assert (ks2["correlation_with_estimand"] > 0.75).all() and (ks2["ci_coverage"] > 0.85).all()


def test_the_truth_command_runs_on_the_demo_only(small_demo_path, real_england_db):
    out = run_cli("--db", small_demo_path, "truth", "--years", "2024,2026", "--json")
    report = json.loads(out.stdout)
    assert {r["lens"] for r in report["recovery"]} == {"official", "attainment-in-context"}
    # The shrunken score against one year's, by cohort size, with its interval's coverage (whether it is closer
    # to the truth is checked at national scale: tests/test_synthetic.py).
    small = [r for r in report["shrinkage"] if r["cohorts"] == "under 60" and r["schools"] >= 50]
    assert {r["measure"] for r in small} == {"ks2_read_progress", "ks2_writ_progress", "ks2_mat_progress"}
    assert all(0.9 <= r["coverage_shrunken"] <= 0.99 and r["rmse_one_year"] > 0 for r in small)
    refused = run_cli("--db", real_england_db, "truth")
    assert refused.returncode == 1 and "demo store only" in refused.stderr


def test_sentences_for_heads():
    assert attainment_sentence("Attainment 8", 1, 45.2, 6, 21, 43.1, interval=(2, 11)) == \
        "Attainment 8 45.2: 6th of 21 similar schools, could be anywhere from 2nd to 11th; 2.1 above their median."
    assert attainment_sentence("Attainment 8", 1, 45.2, 6, 21, 43.1) == \
        "Attainment 8 45.2: 6th of 21 similar schools (interval not known), 2.1 above their median."
    assert attainment_sentence("Attainment 8", 1, 41.0, 15, 21, 43.1).endswith("2.1 below their median.")
    assert in_context_sentence("Attainment 8", 1, 2.3, 0.4, 4.2) == (
        "Attainment 8 2.3 above what schools with a similar intake achieved (95% CI +0.4 to +4.2: significantly "
        "above them). Not a progress measure.")
    assert "not significantly below" in in_context_sentence("Attainment 8", 1, -1.0, -3.0, 1.0)


def test_trends_show_gap_years_as_gaps(demo):
    urn = int(demo.query("SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
    frame = school_trend(demo, urn, "ks4_p8", [2022, 2023, 2024, 2025, 2026])
    assert frame["year"].tolist() == [2022, 2023, 2024, 2025, 2026]
    assert frame["va"].isna().tolist() == [False, False, False, True, True]
    assert frame["note"].iloc[3].startswith("DfE published no Progress 8 for 2025")
    figure = trend(frame, "Progress 8", NORMAL)
    line = next(t for t in figure.data if t.name == "Score")
    assert list(line.x) == ["2022", "2023", "2024", "2025", "2026"] and np.isnan(line.y[3])
    assert line.connectgaps is False
    bands = [t for t in figure.data if t.name == "95% interval"]
    assert len(bands) == 1 and set(bands[0].x) == {"2022", "2023", "2024"}  # no band across the gap
    gaps = next(t for t in figure.data if t.name == "No score")
    assert list(gaps["x"]) == ["2025", "2026"] and list(gaps["text"]) == ["no score", "no score"]
