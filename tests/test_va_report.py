"""Value added from the store: real-file checks, synthetic truth, published estimates, floor standards,
schools of concern and targets."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking.importers.dfe import import_dfe
from benchmarking.errors import BenchmarkingError
from benchmarking.floor import NATIONAL_MEDIAN, PRESETS, Condition, FloorRule, evaluate, floor_report, load_rules, schools_of_concern
from benchmarking.store import open_store
from benchmarking.targets import TARGET_COLUMNS, challenge_levels, progress_against_targets, record_target, targets_for
from benchmarking.va_report import pooled_table, pupil_group_comparison, pupil_value_added, school_value_added_table
from benchmarking.value_added import confidence_interval, ks4_prior_group, pupil_group_labels, recover_national_sd
from benchmarking.writer import writing
from tests.conftest import query, run_cli as run


@pytest.fixture
def real_2019(real_england_db):
    with open_store(real_england_db) as store:
        yield store


def mainstream(store):
    return store.query("SELECT urn FROM schools WHERE state_funded AND mainstream")["urn"]


def test_computed_bands_agree_with_dfe_published_bands(real_2019):
    table = school_value_added_table(real_2019, 2019, "secondary")
    published = real_2019.query("SELECT urn, value AS published FROM results WHERE measure = 'ks4_p8_band_published' "
                                "AND year = 2019 AND value IS NOT NULL")
    both = table.merge(published, on="urn")
    assert len(both) > 3300
    assert (both["band"] == both["published"]).mean() >= 0.99


def test_cis_recomputed_from_the_recovered_sd_match_the_published_ones(real_2019):
    p8 = real_2019.query("SELECT value, ci_low, ci_high, n FROM results WHERE measure = 'ks4_p8' AND value IS NOT NULL")
    sd = recover_national_sd(p8["ci_low"], p8["ci_high"], p8["n"])
    assert sd == pytest.approx(1.283, abs=0.002)
    low, high = confidence_interval(p8["value"], p8["n"], sd)
    # P8MEA is published rounded to 2 dp, so a recomputed bound can differ by one unit in the second place.
    assert (np.abs(np.round(low, 2) - p8["ci_low"]) <= 0.0100001).all()
    assert (np.abs(np.round(high, 2) - p8["ci_high"]) <= 0.0100001).all()
    exact = (np.round(low, 2) == p8["ci_low"]) & (np.round(high, 2) == p8["ci_high"])
    assert exact.mean() > 0.5


def test_the_contextual_lens_is_uncorrelated_with_disadvantage_and_published_p8_is_not(real_2019):
    context = real_2019.query("SELECT urn, pct_disadvantaged FROM school_context WHERE year = 2019")
    keep = mainstream(real_2019)
    official = school_value_added_table(real_2019, 2019, "secondary").merge(context, on="urn")
    contextual = school_value_added_table(real_2019, 2019, "secondary", lens="contextual").merge(context, on="urn")
    official, contextual = official[official["urn"].isin(keep)], contextual[contextual["urn"].isin(keep)]
    assert official["va"].corr(official["pct_disadvantaged"]) < -0.3
    assert abs(contextual["va"].corr(contextual["pct_disadvantaged"])) < 0.05
    assert contextual["source"].iloc[0].startswith("regression across schools")


def test_p8_floor_on_real_files_matches_a_direct_count_with_dfes_exclusions(real_2019, dfe_dir):
    raw = pd.read_csv(dfe_dir / "2018-2019" / "england" / "england_ks4provisional.csv", encoding="utf-8-sig", dtype=str)
    # DfE judges open, state-funded mainstream schools with 11 or more pupils, and no UTCs or studio schools.
    judged = (raw["NFTYPE"].isin(["AC", "ACC", "CY", "VA", "VC", "FD", "F", "CTC"]) & (raw["RECTYPE"] == "1")
              & (raw["ICLOSE"] != "1") & ~(pd.to_numeric(raw["TPUP"], errors="coerce") < 11))
    p8, high = (pd.to_numeric(raw[c], errors="coerce") for c in ("P8MEA", "P8CIUPP"))
    expected = int((judged & (p8 < -0.5) & (high < 0)).sum())
    report = floor_report(real_2019, PRESETS["ks4-2016"], 2019)
    assert int(report["below_floor"].sum()) == expected == 337
    assert len(report) == int((judged & p8.notna()).sum())


def test_synthetic_official_and_contextual_scores_recover_their_truths(small_demo_path):
    with open_store(small_demo_path) as store:
        truth = store.query("SELECT urn, year, measure, true_va, true_school_effect FROM synthetic_truth")
        official = pd.concat([school_value_added_table(store, y) for y in (2022, 2023, 2024)]).merge(truth, on=["urn", "year", "measure"])
        contextual = pd.concat([school_value_added_table(store, y, phase, lens="contextual") for y in (2022, 2023, 2024)
                                for phase in ("secondary", "primary") if (phase, y) != ("primary", 2024)]).merge(
            truth, on=["urn", "year", "measure"])
    p8 = official[(official["measure"] == "ks4_p8") & (official["n"] >= 100)]
    assert p8["va"].corr(p8["true_va"]) >= 0.95
    covered = (official["true_va"] >= official["ci_low"]) & (official["true_va"] <= official["ci_high"])
    assert 0.9 <= covered.mean() <= 0.99
    ctx = contextual[(contextual["measure"] == "ks4_p8") & (contextual["n"] >= 100)]
    assert ctx["va"].corr(ctx["true_school_effect"]) >= 0.95


def test_published_estimates_are_used_when_imported(demo_db, reference_dir):
    with open_store(demo_db) as store:
        before = pupil_value_added(store, 2024)
    assert before.estimates_source == "estimates from the store's own pupils"
    import_dfe(demo_db, [reference_dir / "ks4-p8-estimates" / "2024"])
    with open_store(demo_db) as store:
        after = pupil_value_added(store, 2024)
    assert after.estimates_source == "DfE published estimates" and after.national_sd == pytest.approx(1.41628)
    published = pd.read_csv(reference_dir / "ks4-p8-estimates" / "2024" / "p8_pupil_coefficients_file.csv", encoding="utf-8-sig")
    pupil = after.pupils.dropna(subset=["prior_attainment"]).iloc[0]
    group = ks4_prior_group([pupil["prior_attainment"]])[0]
    assert pupil["expected"] == published.loc[published["ks2emss_grp"] == group, "p8est"].iloc[0]


def test_pupil_groups_are_compared_like_for_like(small_demo_path):
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT urn FROM pupils WHERE year = 2024 AND key_stage = 'KS4' GROUP BY urn ORDER BY count(*) DESC LIMIT 1")["urn"][0])
        cohort = int(store.query("SELECT count(*) AS n FROM pupils WHERE urn = ? AND year = 2024 AND attainment8 IS NOT NULL "
                                 "AND prior_attainment IS NOT NULL", [urn])["n"][0])
        groups = pupil_group_comparison(store, urn, 2024, club=[urn])
    for grouping, rows in groups.groupby("grouping"):
        if grouping != "prior_attainment":
            assert rows["school_n"].sum() == cohort, grouping
    small = groups[groups["school_n"] < 6]
    assert small["school_va"].isna().all()
    big = groups[groups["school_n"] >= 6]
    assert (big["school_va"] == big["club_va"]).all()  # a club of one is the school itself


def test_a_club_s_pupil_groups_from_every_school_s_sums_are_the_groups_of_its_pupils_pooled(small_demo_path):
    from benchmarking.va_report import group_comparison, school_group_sums

    with open_store(small_demo_path) as store:
        va = pupil_value_added(store, 2024, "ks4_p8")
    urns = sorted(va.pupils["urn"].unique())
    urn, club = int(urns[0]), [int(u) for u in urns[1:9]]
    from_sums = group_comparison(va, urn, club, sums=school_group_sums(va))  # the dashboard's way
    pd.testing.assert_frame_equal(from_sums, group_comparison(va, urn, club))
    pupils = va.pupils[va.pupils["urn"].isin(club)]
    girls = pupils.loc[(pupil_group_labels(pupils)["sex"] == "girls").to_numpy(), "score"].dropna()
    row = from_sums.set_index(["grouping", "group"]).loc[("sex", "girls")]
    assert row["club_n"] == len(girls) and row["club_va"] == pytest.approx(girls.mean())
    # Every group, for the school and for the club, is its pupils' mean score (blank under 6 pupils).
    for scope, urns in (("school", [urn]), ("club", club)):
        chosen = va.pupils[va.pupils["urn"].isin(urns)]
        labels = pupil_group_labels(chosen)
        for _, row in from_sums.iterrows():
            scores = chosen.loc[(labels[row["grouping"]] == row["group"]).to_numpy(), "score"].dropna()
            assert row[f"{scope}_n"] == (len(scores) or np.nan) or (np.isnan(row[f"{scope}_n"]) and scores.empty)
            if len(scores) >= 6:
                assert row[f"{scope}_va"] == pytest.approx(scores.mean())
                assert row[f"{scope}_ci_high"] - row[f"{scope}_va"] == pytest.approx(1.959964 * va.national_sd / len(scores) ** 0.5)
            else:
                assert np.isnan(row[f"{scope}_va"]) and np.isnan(row[f"{scope}_ci_low"])


def test_a_school_s_pupils_are_its_rows_in_the_order_held_whether_or_not_the_year_is_in_urn_order(small_demo_path):
    from dataclasses import replace

    with open_store(small_demo_path) as store:
        va = pupil_value_added(store, 2024, "ks4_p8")
    shuffled = replace(va, pupils=va.pupils.sample(frac=1.0, random_state=3).reset_index(drop=True))
    for held in (va, shuffled):
        for urn in sorted(held.pupils["urn"].unique())[::7]:
            expected = held.pupils[held.pupils["urn"] == urn].reset_index(drop=True)
            assert len(expected) > 0
            pd.testing.assert_frame_equal(held.for_school(int(urn)), expected)
            assert held.has_school(int(urn)) and held.pupils_of(int(urn)) == len(expected)
            # Their groups, sliced from the year's labels, are the groups of those rows, row for row.
            pd.testing.assert_frame_equal(held.labels_for_school(int(urn)), pupil_group_labels(expected))
    assert shuffled.for_school(1).empty and not shuffled.has_school(1) and shuffled.pupils_of(1) == 0
    assert shuffled.labels_for_school(1).empty
    assert shuffled.group_labels() is shuffled.group_labels()  # worked out once for the frame held


def test_the_nations_groups_are_read_beside_the_school_s_by_grouping_and_group():
    from benchmarking.va_report import same_groups

    national = pd.DataFrame({"grouping": ["sex", "sex", "eal"], "group": ["boys", "girls", "EAL"],
                             "n": [10.0, 12.0, 3.0], "va": [-0.2, 0.3, 0.5]})
    school = pd.DataFrame({"grouping": ["eal", "sex", "sen"], "group": ["EAL", "girls", "EHCP"]})
    found = same_groups(national, school, ("n", "va"))
    np.testing.assert_array_equal(found["n"], [3.0, 12.0, np.nan])
    np.testing.assert_array_equal(found["va"], [0.5, 0.3, np.nan])


def test_pooled_value_added_covers_every_year(small_demo_path):
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
        yearly = pd.concat([school_value_added_table(store, y, "secondary", urn) for y in (2022, 2023, 2024)])
        pooled = pooled_table(store, urn).iloc[0]
    assert pooled["n"] == yearly["n"].sum() and pooled["years"] == 3
    assert pooled["va"] == pytest.approx((yearly["va"] * yearly["n"]).sum() / yearly["n"].sum())


def test_every_school_pooled_at_once_is_each_school_pooled_alone(small_demo_path):
    """The dashboard pools every school once and reads one school's rows: the same figures as pooling it alone."""
    from benchmarking.by_urn import RowsByUrn
    from benchmarking.va_report import pool_rows

    with open_store(small_demo_path) as store:
        yearly = pd.concat([school_value_added_table(store, y, "primary") for y in (2022, 2023)], ignore_index=True)
    everyone = RowsByUrn.of(pool_rows(yearly))
    for urn in sorted(yearly["urn"].unique())[:5]:
        alone = pool_rows(yearly, urn).reset_index(drop=True)
        assert len(alone) == 3  # reading, writing and maths progress
        pd.testing.assert_frame_equal(everyone.rows(urn), alone)


def test_floor_rules_need_all_conditions_and_one_of_the_alternatives():
    wide = pd.DataFrame({"urn": [1, 2, 3, 4, 5], "ks2_rwm_expected": [60, 60, 70, np.nan, np.nan],
                         "ks2_read_progress": [-6, -1, -6, -6, -6], "ks2_mat_progress": [0, 0, 0, 0, np.nan],
                         "ks2_writ_progress": [0, -8, 0, 0, 0]})
    result = evaluate(PRESETS["ks2-2016"], wide, {})
    assert result["below_floor"].tolist() == [True, True, False, pd.NA, pd.NA]
    assert result["missing"].tolist() == ["", "", "", "ks2_rwm_expected", "ks2_mat_progress, ks2_rwm_expected"]


def test_national_median_conditions_use_the_years_median():
    rule = FloorRule("x", "x", all_of=(Condition("ks4_p8", NATIONAL_MEDIAN),))
    wide = pd.DataFrame({"urn": [1, 2], "ks4_p8": [-0.1, 0.1]})
    assert evaluate(rule, wide, {"ks4_p8": 0.0})["below_floor"].tolist() == [True, False]


def test_rules_load_from_a_json_file(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps([{"name": "strict", "label": "P8 below 0", "all_of": [{"measure": "ks4_p8", "below": 0}]}]))
    assert load_rules(path)["strict"].all_of == (Condition("ks4_p8", 0),)
    path.write_text("not json")
    with pytest.raises(BenchmarkingError, match="rules.json: not a JSON file"):
        load_rules(path)


def test_years_below_floor_count_every_year_in_the_store(real_la_db):
    with open_store(real_la_db) as store:
        report = floor_report(store, PRESETS["ks2-2016"], 2019)
        each_year = [floor_report(store, PRESETS["ks2-2016"], y) for y in (2017, 2018, 2019)]
    counts = pd.concat(each_year).groupby("urn")["below_floor"].sum()
    assert report["years_below_floor"].max() >= 2
    assert (report.set_index("urn")["years_below_floor"] == counts.reindex(report["urn"]).to_numpy()).all()


def test_schools_of_concern_have_reasons_that_hold(small_demo_path):
    with open_store(small_demo_path) as store:
        concern = schools_of_concern(store, 2024)
        results = store.query("SELECT urn, year, measure, value, ci_low, ci_high FROM results")
    assert len(concern) > 0
    from benchmarking.measures import MEASURES

    negative = concern[concern["reason"].str.contains("significantly below 0")]
    assert len(negative) > 0
    for row in negative.itertuples():
        measure = next(m.code for m in MEASURES if row.reason.startswith(m.label + " significantly"))
        highs = results[(results["urn"] == row.urn) & (results["measure"] == measure) & results["year"].isin([2023, 2024])]
        assert (highs["ci_high"] < 0).all() and len(highs) == 2


def test_challenge_levels_are_the_groups_quantiles():
    levels = challenge_levels([0.0, 0.1, 0.2, 0.3, 0.4, np.nan])
    assert levels == pytest.approx({"median": 0.2, "upper quartile": 0.3, "top 10%": 0.36})


def test_targets_give_cohort_and_pupil_outcomes_and_track_progress(demo_db):
    urn = int(query(demo_db, "SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
    with open_store(demo_db) as store:
        result = targets_for(store, urn, 2024, k=10)
    pupils, cohort = result["pupils"], result["cohort"]
    for level, va in result["levels"].items():
        assert (pupils[level] - pupils["expected"]).round(9).eq(round(10 * va, 9)).all()
        assert cohort[level] == pytest.approx(cohort["expected"] + 10 * va)
    with writing(demo_db) as store:
        record_target(store, urn, 2024, "ks4_p8", "upper quartile", result["levels"]["upper quartile"])
    with open_store(demo_db) as store:
        assert list(progress_against_targets(store, urn - 1).columns) == TARGET_COLUMNS  # the dashboard's empty frame
        assert store.query_file("schools_with_targets")["urn"].tolist() == [urn]
        progress = progress_against_targets(store, urn).iloc[0]
    assert progress["gap"] == pytest.approx(result["current_va"] - result["levels"]["upper quartile"])


def test_value_added_command_prints_the_documented_columns(small_demo_path):
    result = run("--db", small_demo_path, "value-added", "--year", 2024, "--phase", "secondary", "--json")
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"urn", "year", "measure", "expected", "actual", "va", "ci_low", "ci_high", "n", "band"}
    assert {r["measure"] for r in rows} == {"ks4_p8"}
    floor = run("--db", small_demo_path, "floor", "--rule", "nope")
    assert floor.returncode == 1 and "No floor rule called 'nope'" in floor.stderr


@pytest.mark.parametrize("measure", ["ks4_p8", "ks2_read_progress", "ks2_writ_progress", "ks2_mat_progress"])
def test_the_stored_one_pass_duckdb_value_added_matches_the_reference_formulas(small_demo_path, measure):
    from benchmarking.va_report import _school_rows_from_pupils, schools_from_pupils, work_out_schools_from_pupils

    year = 2024 if measure == "ks4_p8" else 2023  # the demo's KS2 cohort of 2024 has no KS1, as the real one
    with open_store(small_demo_path) as store:
        stored = schools_from_pupils(store, year, measure)
        worked_out = work_out_schools_from_pupils(store, year, measure)
        reference = _school_rows_from_pupils(pupil_value_added(store, year, measure))
    both = stored.merge(reference, on="urn", suffixes=("", "_ref"))
    assert len(both) == len(stored) == len(worked_out) == len(reference) > 50
    for column in ("n", "expected", "actual", "va", "ci_low", "ci_high"):
        assert np.allclose(both[column], both[f"{column}_ref"]), column
        assert np.allclose(stored[column], worked_out[column]), column
    assert (stored["source"] == "estimates from the store's own pupils").all()
    assert (stored["year"] == year).all() and (stored["measure"] == measure).all()


def test_an_imported_national_sd_widens_the_stored_intervals_of_its_measure_only(demo_db):
    from benchmarking.va_report import schools_from_pupils

    with open_store(demo_db) as store:
        before = {m: schools_from_pupils(store, 2023, m) for m in ("ks4_p8", "ks2_mat_progress")}
    with writing(demo_db) as store:
        store.upsert("national_sd", pd.DataFrame({"year": [2023], "measure": ["ks4_p8"], "sd": [2.5]}))
    with open_store(demo_db) as store:
        after = {m: schools_from_pupils(store, 2023, m) for m in ("ks4_p8", "ks2_mat_progress")}
    p8 = after["ks4_p8"]
    assert np.allclose(p8["ci_high"] - p8["va"], 1.959963984540054 * 2.5 / np.sqrt(p8["n"]))
    assert np.allclose(p8["va"], before["ks4_p8"]["va"])
    assert not np.allclose(p8["ci_high"], before["ks4_p8"]["ci_high"])
    pd.testing.assert_frame_equal(after["ks2_mat_progress"], before["ks2_mat_progress"])


def test_the_pandas_baseline_of_the_benchmark_computes_the_same_progress_8(small_demo_path):
    from benchmarking.bench import pandas_progress8
    from benchmarking.va_report import schools_from_pupils

    with open_store(small_demo_path) as store:
        fast = schools_from_pupils(store, 2024)
        baseline = pandas_progress8(store, 2024)
    both = fast.merge(baseline, on="urn", suffixes=("", "_pandas"))
    assert len(both) == len(fast) > 50
    for column in ("n", "expected", "actual", "va", "ci_low", "ci_high"):
        assert np.allclose(both[column], both[f"{column}_pandas"]), column


def test_published_estimates_flow_into_the_one_pass_path(demo_db, reference_dir):
    from benchmarking.va_report import _school_rows_from_pupils, schools_from_pupils

    import_dfe(demo_db, [reference_dir / "ks4-p8-estimates" / "2024"])
    with open_store(demo_db) as store:
        fast = schools_from_pupils(store, 2024)
        reference = _school_rows_from_pupils(pupil_value_added(store, 2024))
    both = fast.merge(reference, on="urn", suffixes=("", "_ref"))
    assert (fast["source"] == "DfE published estimates").all()
    assert np.allclose(both["va"], both["va_ref"]) and np.allclose(both["ci_high"], both["ci_high_ref"])


def test_a_cohort_of_five_is_suppressed_not_scored(demo_db, tmp_path):
    from benchmarking.importers.pupils import import_pupils
    from tests.conftest import write_csv

    urn = int(query(demo_db, "SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
    rows = "".join(f"T{i},{urn},KS4,{100 + i},{40 + i},N,N,N,F\n" for i in range(5))
    import_pupils(demo_db, write_csv(tmp_path / "p.csv", "pupil_id,urn,key_stage,prior_attainment,attainment8,"
                                                         "disadvantaged,sen,eal,sex\n" + rows), 2024)
    store = open_store(demo_db)
    for lens in ("official", "contextual"):
        row = school_value_added_table(store, 2024, "secondary", urn, lens).iloc[0]
        assert row["n"] == 5 and pd.isna(row["band"])
        assert row[["expected", "actual", "va", "ci_low", "ci_high"]].isna().all()


def test_funnel_limits_come_from_every_school_even_when_only_the_club_is_plotted(demo):
    from benchmarking.va_report import funnel_points

    table = school_value_added_table(demo, 2024, "secondary")
    names = demo.query_file("school_names")
    scored = table[table["va"].notna()]
    club = scored["urn"].head(5).tolist()
    everyone, limits = funnel_points(table, names, "ks4_p8", club[0])
    members, club_limits = funnel_points(table, names, "ks4_p8", club[0], club)
    assert len(everyone) == len(scored) and sorted(members["urn"]) == sorted(club)
    pd.testing.assert_frame_equal(limits, club_limits)
    sd = recover_national_sd(scored["ci_low"], scored["ci_high"], scored["n"])
    assert limits["upper_95%"].iloc[0] == pytest.approx(1.959963984540054 * sd / np.sqrt(limits["n"].iloc[0]))
    assert members["is_host"].sum() == 1 and set(members.columns) >= {"urn", "name", "n", "va", "is_host"}


def test_only_a_viewer_who_may_act_for_a_school_records_its_targets(demo_db):
    from benchmarking.access import NotAllowed, Viewer

    school = query(demo_db, "SELECT urn, la_code FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 1").iloc[0]
    urn, la = int(school["urn"]), int(school["la_code"])
    with writing(demo_db) as store:
        for stranger in (Viewer("school", "head@other.sch.uk", urns=frozenset({urn + 1})),
                         Viewer("adviser", "adv@other.gov.uk", las=frozenset({la + 1})),
                         Viewer("chair", "chair@club.example", club="North")):
            with pytest.raises(NotAllowed, match="Only the school's own users"):
                record_target(store, urn, 2025, "ks4_att8", "median", 50.0, viewer=stranger)
        record_target(store, urn, 2025, "ks4_att8", "median", 50.0, viewer=Viewer("school", "head@a.sch.uk", urns=frozenset({urn})))
        record_target(store, urn, 2025, "ks4_att8", "top 10%", 55.0, viewer=Viewer("adviser", "adv@la.gov.uk", las=frozenset({la})))
    recorded = query(demo_db, "SELECT level, target FROM targets WHERE urn = ? ORDER BY target", [urn])
    assert recorded.values.tolist() == [["median", 50.0], ["top 10%", 55.0]]


def test_no_target_is_recorded_for_a_year_without_the_measure_nor_for_a_closed_school(demo_db):
    from benchmarking.progress_gaps import next_results_year
    from benchmarking.targets import settable

    urn = int(query(demo_db, "SELECT urn FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 1")["urn"][0])
    with writing(demo_db) as store:
        with pytest.raises(BenchmarkingError, match="no Progress 8 for 2025"):
            record_target(store, urn, 2025, "ks4_p8", "median", 0.1)
        with pytest.raises(BenchmarkingError, match="no school results for 2020"):
            record_target(store, urn, 2020, "ks4_att8", "median", 50.0)
        record_target(store, urn, 2025, "ks4_att8", "median", 50.0)  # attainment was published in 2025
        store.execute("UPDATE schools SET is_open = false WHERE urn = ?", [urn])
        with pytest.raises(BenchmarkingError, match="has closed: it cannot be given targets"):
            record_target(store, urn, 2027, "ks4_p8", "median", 0.1)
    assert query(demo_db, "SELECT year, measure FROM targets WHERE urn = ?", [urn]).values.tolist() == [[2025, "ks4_att8"]]
    # My school offers targets for the next year with results, and only for measures published that year.
    assert next_results_year("KS4", 2019) == 2022 and next_results_year("KS2", 2024) == 2025
    levels = pd.DataFrame({"measure": ["ks4_att8", "ks4_p8"], "level": "median", "target": [50.0, 0.1], "schools": 20})
    kept, why = settable(levels, 2025)
    assert kept["measure"].tolist() == ["ks4_att8"] and len(why) == 1 and "Progress 8" in why[0]
    assert settable(levels, 2027)[0]["measure"].tolist() == ["ks4_att8", "ks4_p8"]
