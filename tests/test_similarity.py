"""Similar schools: hand-checked distances, weights, exclusions and ties; real-data quality."""
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from benchmarking.importers.dfe import import_dfe
from benchmarking.errors import BenchmarkingError
from benchmarking.tightness import group_tightness
from benchmarking.similarity import (FEATURES, SimilarityIndex, load_features, parse_weights,
                                     similar_schools, stability)
from benchmarking.store import open_store
from tests.conftest import run_cli as run

ONLY_PRIOR_AND_FSM = {f: 0.0 for f in FEATURES} | {"prior_attainment": 1.0, "pct_disadvantaged": 1.0}


def pool(rows, year=2024):
    """A hand-made pool: rows of (urn, la_code, prior_attainment, pct_disadvantaged); other features 10."""
    frame = pd.DataFrame(rows, columns=["urn", "la_code", "prior_attainment", "pct_disadvantaged"])
    frame["name"] = "School " + frame["urn"].astype(str)
    frame["la_name"] = "LA " + frame["la_code"].astype(str)
    for f in ("pct_eal", "pct_sen_support", "pct_ehcp", "log_pupils_on_roll"):
        frame[f] = 10.0
    frame["pupils_on_roll"] = 1000.0
    frame.attrs.update(year=year, phase="secondary")
    return frame


def test_distances_and_each_features_share_worked_by_hand():
    # prior 40/50/60 and FSM 10/20/30: mean 50 and 20, sd 10, so z = -1, 0, 1 on both.
    frame = pool([(1, 100, 40, 10), (2, 100, 50, 20), (3, 200, 60, 30)])
    weights = ONLY_PRIOR_AND_FSM | {"prior_attainment": 4.0}
    group = SimilarityIndex(frame, weights).neighbours(1, k=5)
    first, second = group.neighbours.iloc[0], group.neighbours.iloc[1]
    assert first.urn == 2 and first.distance == pytest.approx(math.sqrt(4 * 1 + 1 * 1))
    assert first.contributions == pytest.approx({"prior_attainment": 0.8, "pct_disadvantaged": 0.2})
    assert second.urn == 3 and second.distance == pytest.approx(math.sqrt(4 * 4 + 1 * 4))
    assert group.features == ["prior_attainment", "pct_disadvantaged"]


def test_weights_decide_which_difference_matters():
    # School 2 differs from 1 only in prior attainment, school 3 only in disadvantage, by the same z.
    frame = pool([(1, 1, 50, 20), (2, 1, 60, 20), (3, 1, 50, 30), (4, 1, 40, 10), (5, 1, 55, 25)])
    by_prior = SimilarityIndex(frame, ONLY_PRIOR_AND_FSM | {"prior_attainment": 3.0}).neighbours(1, k=5)
    by_fsm = SimilarityIndex(frame, ONLY_PRIOR_AND_FSM | {"pct_disadvantaged": 3.0}).neighbours(1, k=5)
    order = lambda g: g.neighbours["urn"].tolist()  # noqa: E731
    assert order(by_prior).index(3) < order(by_prior).index(2)
    assert order(by_fsm).index(2) < order(by_fsm).index(3)


def test_ties_go_to_the_lower_urn():
    frame = pool([(5, 1, 50, 20), (9, 1, 60, 20), (7, 1, 40, 20), (8, 1, 50, 30), (6, 1, 50, 10)])
    group = SimilarityIndex(frame, ONLY_PRIOR_AND_FSM).neighbours(5, k=5)
    assert group.neighbours["urn"].tolist() == [6, 7, 8, 9]


def test_a_school_missing_an_optional_feature_is_matched_on_the_rest_and_flagged():
    frame = pool([(1, 1, 50, 20), (2, 1, 52, 21), (3, 1, 70, 40), (4, 1, 45, 18), (5, 1, 60, 30)])
    frame.loc[0, "pct_eal"] = np.nan
    group = SimilarityIndex(frame).neighbours(1, k=5)
    assert group.matched_without == ["pct_eal"]
    assert "pct_eal" not in group.features and len(group.neighbours) == 4


def test_a_school_missing_prior_attainment_is_left_out_with_the_reason():
    frame = pool([(1, 1, np.nan, 20), (2, 1, 52, 21), (3, 1, 70, 40), (4, 1, 45, 18), (5, 1, 60, 30)])
    index = SimilarityIndex(frame)
    with pytest.raises(BenchmarkingError, match="URN 1 cannot be matched for 2024: no cohort prior attainment"):
        index.neighbours(1)
    assert 1 not in index.neighbours(2, k=5).neighbours["urn"].tolist()
    assert 1 not in set(index.all_groups(k=5)["urn"])


def test_la_choices_restrict_the_pool_and_cap_the_own_la():
    rows = [(1, 100, 50, 20)] + [(10 + i, 100, 50 + i, 20) for i in range(1, 8)] + [(30 + i, 200, 50 + 2 * i, 20) for i in range(1, 8)]
    index = SimilarityIndex(pool(rows), ONLY_PRIOR_AND_FSM)
    nearest = index.neighbours(1, k=5).neighbours
    assert (nearest["la_code"] == 100).sum() >= 4
    capped = index.neighbours(1, k=5, max_own_la=1).neighbours
    assert (capped["la_code"] == 100).sum() == 1 and len(capped) == 5
    only_other = index.neighbours(1, k=5, las={200}).neighbours
    assert set(only_other["la_code"]) == {200}


def test_k_outside_5_to_60_is_refused():
    index = SimilarityIndex(pool([(1, 1, 50, 20), (2, 1, 52, 21)]))
    with pytest.raises(BenchmarkingError, match="between 5 and 60"):
        index.neighbours(1, k=61)


def test_weights_parse_with_defaults_and_clear_errors():
    assert parse_weights("pct_eal=0.5")["pct_eal"] == 0.5
    with pytest.raises(BenchmarkingError, match="Unknown feature 'fsm'"):
        parse_weights("fsm=1")
    with pytest.raises(BenchmarkingError, match="must be a number"):
        parse_weights("pct_eal=lots")


def test_all_groups_at_once_match_one_school_at_a_time(small_demo_path):
    with open_store(small_demo_path) as store:
        index = SimilarityIndex(load_features(store, 2024, "primary"))
    groups = index.all_groups(k=10)
    for urn in index.frame["urn"].head(25):
        one = index.neighbours(int(urn), k=10).neighbours["urn"].tolist()
        assert groups[groups["urn"] == urn].sort_values("rank")["neighbour"].tolist() == one


def same_groups_with_and_without_short_lists(index: SimilarityIndex, ks) -> int:
    """Every school's group for each k, found with the short lists and without: identical frames. Returns how many
    groups came from a short list (the rest fell back to the whole pool)."""
    listed = SimilarityIndex(index.frame.copy(), index.weights)
    listed.frame.attrs.update(index.frame.attrs)
    listed.shortlist_groups(20)
    used = 0
    for urn in index.frame["urn"]:
        if int(urn) in index.excluded:
            continue
        row = index.position[int(urn)]
        for k in ks:
            try:
                want = index.neighbours(int(urn), k)
            except BenchmarkingError as exc:  # no school of its own kind: the same one-line error either way
                with pytest.raises(BenchmarkingError, match=re.escape(str(exc))):
                    listed.neighbours(int(urn), k)
                continue
            got = listed.neighbours(int(urn), k)
            pd.testing.assert_frame_equal(got.neighbours, want.neighbours, check_exact=True)
            assert (got.features, got.matching, got.matched_without) == (want.features, want.matching, want.matched_without)
            candidates = listed.shortlist.candidates(row, k)
            if candidates is not None:
                used += listed.shortlist.holds(row, listed._distances(row, index.present[row], candidates)[1], k)
    return used


def test_a_school_s_group_from_its_short_list_is_the_group_from_the_whole_pool(small_demo_path):
    with open_store(small_demo_path) as store:
        for phase in ("primary", "secondary"):
            index = SimilarityIndex(load_features(store, 2024, phase))
            assert same_groups_with_and_without_short_lists(index, (5, 20, 24, 25, 60)) > len(index.frame)  # most
    # Ties at the edge of a group (four schools alike), a closed school and two selective ones: short lists that cannot
    # be sure fall back to the whole pool, and the groups are still the same.
    rows = [(u, 100 + u % 3, 40 + (u % 7) * 2.5, 10 + (u % 5) * 3) for u in range(1, 60)]
    rows += [(60 + u, 100, 52.5, 19) for u in range(4)]
    frame = pool(rows)
    frame["is_open"] = frame["urn"] != 7
    frame["admissions"] = np.where(frame["urn"].isin([9, 18]), "selective", "comprehensive")
    assert same_groups_with_and_without_short_lists(SimilarityIndex(frame), (5, 10, 20)) > 0
    # Forty schools alike, more than a short list holds, listed highest URN first: the group takes the lowest URNs.
    alike = pool([(1, 1, 40, 10)] + [(u, 2, 60, 30) for u in range(140, 100, -1)])
    same_groups_with_and_without_short_lists(SimilarityIndex(alike), (20,))  # asserts each group


def test_real_schools_groups_from_short_lists_match_the_whole_pool(real_la_db):
    with open_store(real_la_db) as store:
        for phase in ("primary", "secondary"):
            index = SimilarityIndex(load_features(store, 2019, phase))
            assert same_groups_with_and_without_short_lists(index, (20,)) > 0


def test_all_groups_never_list_a_school_as_its_own_neighbour_in_a_tiny_pool():
    two = SimilarityIndex(pool([(1, 1, 50, 20), (2, 1, 52, 21)])).all_groups(k=5)
    assert two[["urn", "neighbour", "rank"]].values.tolist() == [[1, 2, 1], [2, 1, 1]]
    assert SimilarityIndex(pool([(1, 1, 50, 20)])).all_groups(k=5).empty


def test_stability_is_the_share_of_last_years_group_kept(small_demo_path):
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
        now = similar_schools(store, urn, 2024, k=10)
        before = similar_schools(store, urn, 2023, k=10)
    shared = len(set(now.neighbours["urn"]) & set(before.neighbours["urn"]))
    assert stability(now, before) == shared / 10
    assert stability(now, now) == 1.0


def test_unknown_urns_and_years_get_one_line_errors(small_demo_path):
    with open_store(small_demo_path) as store:
        with pytest.raises(BenchmarkingError, match="URN 42 is not in the store"):
            similar_schools(store, 42)
        urn = int(store.query("SELECT min(urn) AS u FROM schools")["u"][0])
        with pytest.raises(BenchmarkingError, match=f"URN {urn} has no results for 2019"):
            similar_schools(store, urn, 2019)


def test_similar_command_prints_json_with_the_documented_keys(small_demo_path):
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
    result = run("--db", small_demo_path, "similar", urn, "--k", 8, "--json")
    assert result.returncode == 0, result.stderr
    group = json.loads(result.stdout)
    assert {"urn", "year", "features", "weights", "neighbours"} <= set(group)
    assert len(group["neighbours"]) == 8
    first = group["neighbours"][0]
    assert {"urn", "name", "la_code", "la_name", "distance", "contributions"} <= set(first)
    assert sum(first["contributions"].values()) == pytest.approx(1.0, abs=1e-3)
    missing = run("--db", small_demo_path, "similar", 42)
    assert missing.returncode == 1 and missing.stderr.strip() == "error: URN 42 is not in the store."


def test_real_2018_19_groups_are_tighter_than_own_la_and_mostly_from_other_las(real_england_db):
    with open_store(real_england_db) as store:
        features = load_features(store, 2019, "secondary")
    assert features.attrs["prior_source"].startswith("expected Attainment 8")
    index = SimilarityIndex(features)
    groups = index.all_groups(k=20)
    quality = group_tightness(index, groups).merge(features[["urn", "sex_of_entry"]], on="urn")
    comparable = quality[quality["comparable"]]
    assert len(comparable) > 3000
    # Mixed schools: tighter than their own LA on every feature for 9 in 10. Single-sex schools are matched
    # with their own kind only, so their groups are looser (52%, docs/statistics.md), but no head gets a mixed club.
    mixed = comparable[comparable["sex_of_entry"] == "mixed"]
    assert mixed["tighter_on_every_feature"].mean() >= 0.90
    assert quality["other_la_share"].mean() > 0.5 and (quality["other_la_share"] > 0.5).mean() > 0.9


def test_real_single_sex_schools_get_only_schools_of_their_own_sex_and_no_closed_school_is_a_neighbour(real_england_db):
    with open_store(real_england_db) as store:
        features = load_features(store, 2019, "secondary")
    sex = features.set_index("urn")["sex_of_entry"]
    closed = set(features.loc[~features["is_open"], "urn"])
    assert (sex == "girls").sum() > 150 and (sex == "boys").sum() > 100 and len(closed) > 50
    index = SimilarityIndex(features)
    groups = index.all_groups(k=20)
    single = groups[groups["urn"].map(sex).isin(["boys", "girls"])]
    assert single["urn"].nunique() > 300
    assert (single["urn"].map(sex) == single["neighbour"].map(sex)).all()
    assert not groups["neighbour"].isin(closed).any()
    # Without the option, the same schools' groups are mostly mixed (61% of 7,460 neighbours, README).
    girls = int(sex[sex == "girls"].index[0])
    loose = index.neighbours(girls, 20, match_sex=False).neighbours["urn"].map(sex)
    assert (loose != "girls").any() and (index.neighbours(girls, 20).neighbours["urn"].map(sex) == "girls").all()


def test_optional_area_deprivation_is_used_only_when_most_of_the_pool_has_it():
    rows = [(i, 1, 40 + i, 10 + i) for i in range(1, 11)]
    without = SimilarityIndex(pool(rows))
    assert "area_deprivation" not in without.used and without.unavailable == ["area_deprivation"]
    with_area = pool(rows).assign(area_deprivation=[10.0 * i for i in range(10)])
    with_area.loc[0, "area_deprivation"] = np.nan
    index = SimilarityIndex(with_area)
    assert "area_deprivation" in index.used and index.unavailable == []
    assert index.neighbours(1, 5).matched_without == ["area_deprivation"]
    assert "area_deprivation" in index.neighbours(2, 5).features


def test_without_a_census_the_cohorts_own_context_stands_in(tmp_path, db):
    from tests.conftest import write_csv

    header = "RECTYPE,LEA,URN,SCHNAME,NFTYPE,TPUP,ATT8SCR,P8MEA,P8CILOW,P8CIUPP,P8PUP,KS2APS,PTFSM6CLA1A,PTEALGRP2,PSENAPK4,PSENSE4,TOTPUPS\n"
    rows = "".join(f"1,936,{100000 + i},School {i},AC,150,{40 + i},0.1,-0.1,0.3,140,{27 + i / 10},{10 + i}%,{i}%,11%,2%,{900 + i}\n"
                   for i in range(8))
    import_dfe(db, [write_csv(tmp_path / "2018-2019" / "ks4.csv", header + rows)])
    with open_store(db) as store:
        features = load_features(store, 2019, "secondary")
    assert set(features["context_source"]) == {"cohort"}
    assert features.set_index("urn").loc[100003, ["pct_disadvantaged", "pct_eal", "pupils_on_roll"]].tolist() == [13, 3, 903]
    assert SimilarityIndex(features).excluded == {}


def test_every_real_school_is_compared_in_the_same_phase_on_its_page_in_similar_and_in_its_brief(real_la_db):
    """One decision, year by year, from the key stage of the school's results: an all-through school with KS4
    results in 2018 and KS2 results only in 2019 (URN 116234) is a secondary in 2018 and a primary in 2019, on My
    school, in `similar` and in its visit brief alike."""
    import re

    from benchmarking.access import ADMIN
    from benchmarking.documents import visit_brief
    from benchmarking.directory import phase_in_year, school_directory, school_pool

    with open_store(real_la_db) as store:
        directory = school_directory(store)
        changing = directory[directory["phases"].map(lambda p: len(set(p)) > 1)]
        assert len(directory) > 600 and len(changing) >= 5 and 116234 in set(changing["urn"])
        others = directory.drop(changing.index).sample(40, random_state=1)
        for row in pd.concat([changing, others]).itertuples():  # every school that changes phase, and some others
            for year in row.years:
                assert school_pool(store, row.urn, int(year))[0] == phase_in_year(row._asdict(), year), (row.urn, year)
        for year, phase, measure in ((2018, "secondary", "Progress 8"), (2019, "primary", "KS2 reading progress")):
            group = similar_schools(store, 116234, year)
            assert group.phase == phase and len(group.neighbours) == 20
            brief = re.sub(r"<[^>]+>", " ", visit_brief(store, ADMIN, 116234, year))
            assert measure in brief and (year == 2018 or "Progress 8" not in brief)
