"""Everything DfE's full-width files publish, and DfE's own rules, checked against the real files: pupil
groups and elements, bands exactly as published, floor standards with DfE's exclusions and England's
median, KS2 counts, and the stand-in for prior attainment."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking.access import ADMIN
from benchmarking.errors import BenchmarkingError
from benchmarking.floor import MIN_COHORT, PRESETS, floor_report
from benchmarking.group_report import school_groups
from benchmarking.reference import KS2_PROGRESS_CUTOFFS
from benchmarking.similarity import STANDIN_LABEL, load_features, similar_schools
from benchmarking.store import open_store
from benchmarking.va_report import school_value_added_table
from benchmarking.bands import Cutoffs, bands
from tests.conftest import run_cli as run

JUBILEE = 139948  # Jubilee High School, Surrey: a mainstream secondary with every group published in 2018-19


@pytest.fixture(scope="module")
def las(real_la_db):
    with open_store(real_la_db) as store:
        yield store


@pytest.fixture(scope="module")
def england(real_england_db):
    with open_store(real_england_db) as store:
        yield store


def one(store, sql, params):
    return store.query(sql, params).iloc[0]


# -- 1. published pupil-group and element figures --------------------------------------------------

def test_the_disadvantaged_family_is_imported_with_its_ci_and_count(las):
    row = one(las, "SELECT * FROM group_results WHERE urn = ? AND year = 2019 AND measure = 'ks4_p8' "
                   "AND grp = 'disadvantaged'", [JUBILEE])
    # P8MEA_FSM6CLA1A -0.13, P8CILOW_FSM6CLA1A -0.59, P8CIUPP_FSM6CLA1A 0.34, P8PUP_FSM6CLA1A 29
    assert (row["value"], row["ci_low"], row["ci_high"], row["n"]) == (-0.13, -0.59, 0.34, 29)
    a8 = one(las, "SELECT * FROM group_results WHERE urn = ? AND year = 2019 AND measure = 'ks4_att8' "
                  "AND grp = 'disadvantaged'", [JUBILEE])
    assert (a8["value"], a8["n"]) == (37.5, 30) and pd.isna(a8["ci_low"])  # ATT8SCR_FSM6CLA1A, TFSM6CLA1A
    basics = one(las, "SELECT value FROM group_results WHERE urn = ? AND year = 2019 AND measure = 'ks4_basics_94' "
                      "AND grp = 'disadvantaged'", [JUBILEE])
    assert basics["value"] == 43.0  # PTFSM6CLA1ABASICS_94 "43%"


def test_every_group_of_the_full_width_files_is_there(las):
    groups = las.query("SELECT DISTINCT grouping, grp FROM group_results WHERE year = 2019 AND measure = 'ks4_p8'")
    assert set(map(tuple, groups.to_numpy())) == {
        ("disadvantaged", "disadvantaged"), ("disadvantaged", "not disadvantaged"), ("prior_attainment", "low"),
        ("prior_attainment", "middle"), ("prior_attainment", "high"), ("eal", "EAL"), ("sex", "girls"), ("sex", "boys")}
    ks2 = las.query("SELECT grp, count(value) AS n, count(ci_low) AS cis, count(n) AS counts FROM group_results "
                    "WHERE year = 2019 AND measure = 'ks2_read_progress' GROUP BY grp")
    assert len(ks2) == 8 and (ks2["n"] > 70).all() and (ks2["cis"] == ks2["n"]).all()
    assert (ks2["counts"] == 0).all()  # DfE publishes no count for a KS2 group's progress


def test_elements_pt5em_and_uncapped_progress_8_are_imported(las):
    results = las.query("SELECT measure, value, ci_low, ci_high FROM results WHERE urn = ? AND year = 2019",
                        [JUBILEE]).set_index("measure")
    assert results.loc["ks4_5em_94", "value"] == 61.0
    assert results.loc["ks4_p8_english", "value"] == 0.14 and results.loc["ks4_p8_english", "ci_low"] == -0.14
    assert results.loc["ks4_p8_uncapped", "value"] == 0.22
    old = las.query("SELECT value, ci_low FROM results WHERE urn = 136828 AND year = 2017 AND measure = 'ks4_p8_english'")
    assert (old["value"][0], old["ci_low"][0]) == (0.25, 0.06)  # P8MEAENG, P8MEAENG_CILOW in 2016-17


def test_englands_figures_come_from_the_national_rows(las, england):
    row = one(las, "SELECT * FROM national_figures WHERE year = 2019 AND measure = 'ks4_p8' AND grp = 'disadvantaged'", [])
    assert (row["value"], row["statistic"]) == (-0.45, "average") and pd.isna(row["ci_low"])  # the row's "CI" is 0 to 0
    headline = one(england, "SELECT value, n FROM national_figures WHERE year = 2019 AND measure = 'ks4_att8' "
                            "AND statistic = 'average'", [])
    assert (headline["value"], headline["n"]) == (46.5, 542831)  # RECTYPE 7: state-funded schools


def test_the_groups_command_prints_published_groups_with_the_clubs_median(real_la_db):
    out = json.loads(run("--db", real_la_db, "groups", str(JUBILEE), "--year", "2019", "--json").stdout)
    assert set(out[0]) == {"grouping", "group", "measure", "value", "ci_low", "ci_high", "n", "club_median",
                           "club_schools", "national", "source"}
    rows = pd.DataFrame(out)
    row = rows[(rows["measure"] == "ks4_p8") & (rows["group"] == "disadvantaged")].iloc[0]
    assert (row["value"], row["ci_low"], row["ci_high"], row["n"], row["source"]) == (-0.13, -0.59, 0.34, 29, "published")
    with open_store(real_la_db) as store:
        club = similar_schools(store, JUBILEE, 2019).neighbours["urn"].tolist()
        members = store.query("SELECT value FROM group_results WHERE year = 2019 AND measure = 'ks4_p8' "
                              "AND grp = 'disadvantaged' AND value IS NOT NULL AND urn IN (SELECT unnest(?))", [club])
    assert row["club_median"] == pytest.approx(members["value"].median()) and row["club_schools"] == len(members)
    text = run("--db", real_la_db, "groups", str(JUBILEE), "--year", "2019").stdout
    assert text.startswith(f"Pupil groups of URN {JUBILEE}, 2019, against the same groups in its 20 similar schools")


def test_the_value_added_pages_published_groups_read_in_the_catalogues_order(real_la_db):
    from benchmarking.group_report import GROUP_ORDER, published_groups
    from benchmarking.measures import MEASURES_BY_CODE

    with open_store(real_la_db) as store:
        club = similar_schools(store, JUBILEE, 2019).neighbours["urn"].tolist()
        table = published_groups(store, JUBILEE, 2019, club)
    measures = list(dict.fromkeys(table["measure"]))
    assert len(measures) > 3 and measures == sorted(measures, key=list(MEASURES_BY_CODE).index)
    for _, rows in table.groupby(["measure", "grouping"]):
        assert rows["group"].map(GROUP_ORDER).is_monotonic_increasing, rows["group"].tolist()


def test_a_school_with_pupils_gets_groups_from_them_too(demo_db):
    with open_store(demo_db) as store:
        urn = int(store.query("SELECT min(urn) AS urn FROM schools WHERE phase = 'secondary'")["urn"][0])
        club = similar_schools(store, urn, 2024).neighbours["urn"].tolist()
        table = school_groups(store, ADMIN, urn, 2024, club)
    from_pupils = table[table["source"] == "pupils"]
    assert set(from_pupils["grouping"]) == {"disadvantaged", "sen", "eal", "sex", "prior_attainment"}
    assert (from_pupils["measure"] == "ks4_p8").all() and from_pupils["club_median"].notna().any()


def test_a_school_with_nothing_published_and_no_pupils_says_so(england):
    with pytest.raises(BenchmarkingError, match="has no pupil-group figures for 2019"):
        school_groups(england, ADMIN, 100053, 2019, [])


# -- 2. bands exactly as DfE's ----------------------------------------------------------------------

@pytest.mark.parametrize("year", [2018, 2019])
@pytest.mark.parametrize("subject", ["read", "writ", "mat"])
def test_ks2_bands_from_dfes_cut_offs_agree_with_every_published_band(las, year, subject):
    measure = f"ks2_{subject}_progress"
    rows = las.query("SELECT r.value, r.ci_low, r.ci_high, b.value AS published FROM results r "
                     "JOIN results b ON b.urn = r.urn AND b.year = r.year AND b.measure = ? "
                     "WHERE r.year = ? AND r.measure = ? AND r.value IS NOT NULL AND b.value IS NOT NULL",
                     [f"ks2_{subject}_band_published", year, measure])
    assert len(rows) > 500
    above, below = KS2_PROGRESS_CUTOFFS[year][measure]
    computed = bands(rows["value"], rows["ci_low"], rows["ci_high"], Cutoffs(above, below, 1, "DfE"))
    assert (computed.to_numpy() == rows["published"].to_numpy()).all()


def test_progress_8_bands_from_the_rules_agree_with_every_published_band(england):
    rows = england.query("SELECT r.value, r.ci_low, r.ci_high, b.value AS published FROM results r "
                         "JOIN results b ON b.urn = r.urn AND b.year = r.year AND b.measure = 'ks4_p8_band_published' "
                         "WHERE r.measure = 'ks4_p8' AND r.value IS NOT NULL AND b.value IS NOT NULL")
    assert len(rows) == 3401
    assert (bands(rows["value"], rows["ci_low"], rows["ci_high"]).to_numpy() == rows["published"].to_numpy()).all()
    # Exactly -0.50 is "below average" (band 4), never "well below".
    edge = rows[rows["value"] == -0.5]
    assert len(edge) > 10 and (edge["published"] == 4).all()


def test_where_dfe_published_no_band_none_is_shown(england):
    table = school_value_added_table(england, 2019, "secondary").set_index("urn")
    supp = england.query("SELECT urn FROM results WHERE measure = 'ks4_p8_band_published' AND reason = 'SUPP' "
                         "AND urn IN (SELECT urn FROM results WHERE measure = 'ks4_p8' AND value IS NOT NULL)")["urn"]
    assert len(supp) == 124
    assert table.loc[supp, "band"].isna().all() and table.loc[supp, "va"].notna().all()


def test_ks2_without_dfes_cut_offs_has_no_well_bands_never_the_stores_own_deciles(las):
    table = school_value_added_table(las, 2017, "primary")
    assert table["band"].notna().sum() > 500 and not table["band"].isin([1, 5]).any()
    with_cutoffs = school_value_added_table(las, 2019, "primary")
    assert with_cutoffs["band"].isin([1, 5]).any()


# -- 4. floor standards with DfE's exclusions --------------------------------------------------------

def test_the_2019_progress_8_floor_with_dfes_exclusions(england):
    report = floor_report(england, PRESETS["ks4-2016"], 2019)
    excluded = england.query_file("floor_population", [2019, "KS4", MIN_COHORT])
    reasons = excluded["excluded"].value_counts()
    assert reasons["closed"] == 79 and reasons["a 14-19 school (UTC or studio school)"] == 77
    assert reasons["fewer than 11 pupils at the end of the key stage"] == 2
    judged = set(report["urn"])
    assert judged.isdisjoint(excluded.loc[excluded["excluded"].notna(), "urn"])
    # docs/statistics.md: 337 of the 3,032 schools DfE would judge are below the floor.
    assert (len(report), int(report["below_floor"].sum())) == (3032, 337)


def test_floor_standards_ended_after_2019(demo):
    with pytest.raises(BenchmarkingError, match="Floor standards ended after 2019"):
        floor_report(demo, PRESETS["ks4-2016"], 2024)


def test_the_national_median_is_englands_not_the_loaded_las(england, las):
    report = floor_report(england, PRESETS["ks4-2011"], 2019)
    assert report.attrs["national"] == "England's median school"
    median = england.query("SELECT value FROM national_figures WHERE year = 2019 AND measure = 'ks4_p8' "
                           "AND statistic = 'median'")["value"][0]
    all_england = england.query("SELECT median(r.value) AS m FROM results r JOIN state_funded_mainstream USING (urn) "
                                "WHERE r.year = 2019 AND r.measure = 'ks4_p8'")["m"][0]
    assert median == pytest.approx(all_england)
    three_las = floor_report(las, PRESETS["ks4-2011"], 2019)
    assert three_las.attrs["national"].startswith("England's figures from DfE's national rows")


def test_ks4_2011_uses_pt5em_94_where_the_file_has_it():
    from benchmarking.floor import evaluate
    wide = pd.DataFrame({"urn": [1, 2], "ks4_5em_94": [30.0, np.nan], "ks4_basics_94": [60.0, 30.0],
                         "ks4_p8_english": [-0.5, np.nan], "ks4_p8_maths": [-0.5, np.nan], "ks4_p8": [0.0, -0.5]})
    medians = {"ks4_5em_94": np.nan, "ks4_basics_94": np.nan, "ks4_p8_english": -0.1, "ks4_p8_maths": -0.1, "ks4_p8": 0.0}
    out = evaluate(PRESETS["ks4-2011"], wide, medians)
    # School 1: PT5EM_94 30% (its basics 60% is not used); school 2 has no PT5EM_94, so its basics 30% stands in.
    assert out["below_floor"].tolist() == [True, True]


# -- 5. counts and stand-ins -------------------------------------------------------------------------

def test_a_ks2_progress_count_is_the_pupils_it_covers_not_the_eligible_pupils(las):
    # 140810 in 2018-19: TELIG 79, READCOV 94%: 74 pupils in reading progress.
    row = one(las, "SELECT n FROM results WHERE urn = 140810 AND year = 2019 AND measure = 'ks2_read_progress'", [])
    assert row["n"] == 74


def test_expected_attainment_8_stands_in_from_the_uncapped_progress_8_and_says_so(england):
    features = load_features(england, 2019, "secondary").set_index("urn")
    rows = england.query("SELECT urn, measure, value FROM results WHERE year = 2019 AND measure IN "
                         "('ks4_att8', 'ks4_p8', 'ks4_p8_uncapped')").pivot(index="urn", columns="measure", values="value")
    differ = rows[(rows["ks4_p8"] != rows["ks4_p8_uncapped"]) & rows.notna().all(axis=1)]
    assert len(differ) > 100
    urn = differ.index[0]
    expected = rows.loc[urn, "ks4_att8"] - 10 * rows.loc[urn, "ks4_p8_uncapped"]
    assert features.loc[urn, "prior_attainment"] == pytest.approx(expected)
    group = similar_schools(england, int(urn), 2019)
    assert group.comparison()["label"].iloc[0] == STANDIN_LABEL


# -- 8. club size -------------------------------------------------------------------------------------

def test_clubs_formed_at_size_12_have_a_mean_size_of_12_on_the_real_secondaries(real_england_db, tmp_path):
    import shutil

    db = tmp_path / "clubs.duckdb"
    shutil.copy(real_england_db, db)
    formed = run("--db", db, "clubs", "form", "--size", "12", "--year", "2019")
    assert formed.returncode == 0, formed.stderr
    sizes = [club["members"] for club in json.loads(run("--db", db, "clubs", "list", "--json").stdout)]
    assert len(sizes) == round(3182 / 12) and abs(np.mean(sizes) - 12) < 0.5
    assert min(sizes) >= 11 and max(sizes) <= 13
