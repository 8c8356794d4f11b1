"""Benchmarking clubs (size limits, tightness, storage and editing) and the partner finder."""
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from benchmarking import club_store, clubs
from benchmarking.errors import BenchmarkingError
from benchmarking.partners import PARTNER_COLUMNS, holm, partner_candidates, partners_among, significantly_higher
from benchmarking.similarity import SimilarityIndex, load_features, similar_schools
from benchmarking.store import open_store
from benchmarking.writer import writing
from tests.conftest import query, run_cli as run


def test_size_limits_are_half_and_double_the_target():
    assert clubs.club_size_limits(12) == (6, 24)
    assert clubs.club_size_limits(5) == (3, 10)


@pytest.mark.parametrize("n, size", [(300, 12), (97, 10), (40, 7), (1000, 25)])
def test_every_point_is_in_exactly_one_club_within_the_size_limits(n, size):
    points = np.random.default_rng(n).normal(size=(n, 4))
    labels = clubs.form_clubs(points, size)
    counts = np.bincount(labels)
    low, high = clubs.club_size_limits(size)
    assert len(labels) == n and counts.sum() == n
    assert counts.min() >= low and counts.max() <= high
    assert abs(len(counts) - n / size) <= n / size * 0.35


def test_clubs_are_much_tighter_than_random_groups_of_the_same_sizes():
    points = np.random.default_rng(1).normal(size=(600, 3))
    labels = clubs.form_clubs(points, 12)
    shuffled = np.random.default_rng(2).permutation(labels)
    formed = clubs.club_spread(points, labels)["spread"].mean()
    random = clubs.club_spread(points, shuffled)["spread"].mean()
    assert formed < 0.5 * random


def test_clustered_schools_end_up_together():
    # Three far-apart blobs of 12: each blob is one club.
    rng = np.random.default_rng(3)
    points = np.vstack([rng.normal(loc, 0.1, size=(12, 2)) for loc in (0, 10, 20)])
    labels = clubs.form_clubs(points, 12)
    assert [len(set(labels[i:i + 12])) for i in (0, 12, 24)] == [1, 1, 1]
    assert len(set(labels)) == 3


def test_a_pool_smaller_than_two_clubs_is_one_club():
    assert clubs.form_clubs(np.zeros((20, 2)), 12).tolist() == [0] * 20


def test_formed_clubs_are_stored_with_settings_and_reforming_replaces_them(demo_db):
    with writing(demo_db) as store:
        index = SimilarityIndex(load_features(store, 2024, "primary"))
        formed = club_store.form_and_save_clubs(store, index, 12)
    with open_store(demo_db) as store:
        stored = club_store.list_clubs(store).query("method == 'formed'")  # beside the demo's own clubs
        assert len(stored) == len(formed) and stored["members"].sum() == len(index.frame)
        assert stored["members"].between(6, 24).all()
        club, members = club_store.club_details(store, formed["name"][0])
    assert club["settings"]["size"] == 12 and club["method"] == "formed" and club["year"] == 2024
    assert len(members) == formed["members"][0]
    with writing(demo_db) as store:
        club_store.form_and_save_clubs(store, index, 20)
    with open_store(demo_db) as store:
        assert club_store.list_clubs(store).query("method == 'formed'")["members"].sum() == len(index.frame)
        every = store.query("SELECT urn, count(*) AS n FROM club_members JOIN clubs USING (club_id) "
                            "WHERE method = 'formed' GROUP BY urn")
    assert (every["n"] == 1).all()


def test_a_club_can_be_made_by_hand_edited_and_renamed(demo_db):
    urns = query(demo_db, "SELECT urn FROM schools ORDER BY urn LIMIT 4")["urn"].tolist()
    with writing(demo_db) as store:
        club_store.save_club(store, "North partnership", "primary", 2024, "manual", {}, urns[:3])
        club_store.add_member(store, "north partnership", urns[3], 2024)
        club_store.remove_member(store, "North partnership", urns[0], 2024)  # in the year it joined: no history
        club_store.rename_club(store, "North partnership", "Pennine partnership")
    with open_store(demo_db) as store:
        _, members = club_store.club_details(store, "Pennine partnership")
        assert sorted(members["urn"]) == sorted(urns[1:])
        with pytest.raises(BenchmarkingError, match="already a club called"):
            club_store.save_club(store, "pennine PARTNERSHIP", "primary", 2024, "manual", {}, urns)
        with pytest.raises(BenchmarkingError, match="Not in the store: URN 1"):
            club_store.save_club(store, "Other", "primary", 2024, "manual", {}, [1])
        with pytest.raises(BenchmarkingError, match="No club called 'Nope'"):
            club_store.club_details(store, "Nope")


def test_significantly_higher_uses_both_schools_uncertainty_and_corrects_for_testing_every_school():
    # se = (ci_high - ci_low) / 3.92: 0.1 for every school here, so each difference's se is 0.1414.
    school = pd.Series({"value": 0.0, "ci_low": -0.196, "ci_high": 0.196})
    others = pd.DataFrame({"urn": [1, 2, 3, 4], "value": [0.30, 0.25, 0.50, np.nan],
                           "ci_low": [0.104, 0.054, 0.304, np.nan], "ci_high": [0.496, 0.446, 0.696, np.nan]})
    better = significantly_higher(school, others)
    # One-sided p-values: school 3 z 3.536, p 0.0002; school 1 z 2.121, p 0.0170; school 2 z 1.768, p 0.0385.
    # Holm at 2.5% over three tests: 0.0002 <= 0.025 / 3 passes; 0.0170 > 0.025 / 2 fails, and so stops.
    # Without the correction school 1 (p 0.017 < 0.025) would have been named too.
    assert better["urn"].tolist() == [3]
    assert better["z"].tolist() == pytest.approx([0.5 / 0.141421], rel=1e-4)
    assert better["p_value"].tolist() == pytest.approx([0.000203], abs=2e-6)
    alone = significantly_higher(school, others[others["urn"] == 1])
    assert alone["urn"].tolist() == [1]  # tested on its own, school 1 is significantly higher


def test_holm_rejects_in_order_until_the_first_p_value_over_its_limit():
    # Limits for m = 4 at 0.05: 0.0125, 0.0167, 0.025, 0.05 for the smallest p-value up.
    assert holm([0.010, 0.040, 0.016, 0.030], alpha=0.05).tolist() == [True, False, True, False]
    assert holm([0.013, 0.001], alpha=0.05).tolist() == [True, True]
    assert holm([0.03, 0.03], alpha=0.05).tolist() == [False, False]
    assert holm([]).tolist() == []


def test_holm_decides_as_statsmodels_does():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    for _ in range(30):
        p = rng.uniform(0, 0.1, rng.integers(1, 25)) ** rng.uniform(0.5, 2)
        assert holm(p, 0.025).tolist() == multipletests(p, alpha=0.025, method="holm")[0].tolist()


def test_partners_are_similar_schools_with_significantly_higher_progress_8(small_demo_path):
    with open_store(small_demo_path) as store:
        p8 = store.query("SELECT urn, value FROM results WHERE year = 2024 AND measure = 'ks4_p8' AND value IS NOT NULL "
                         "ORDER BY value LIMIT 1")
        weakest = int(p8["urn"][0])
        group = similar_schools(store, weakest, 2024, k=20)
        partners = partner_candidates(store, group)
    assert len(partners) > 0
    assert set(partners["urn"]) <= set(group.neighbours["urn"])
    assert (partners["value"] > p8["value"][0]).all() and (partners["z"] > 1.96).all()
    assert partners["difference"].is_monotonic_decreasing


def test_partners_from_the_club_s_arrays_are_significantly_higher_s_choice_nearest_first_in_distance(small_demo_path):
    """partners_among works on the club's arrays; each school's choice and order must be what testing its club's
    scored schools with significantly_higher gives, with each partner's distance from the group."""
    with open_store(small_demo_path) as store:
        scores = store.query("SELECT urn, value, ci_low, ci_high, n FROM results WHERE year = 2024 AND measure = 'ks4_p8'")
        index = SimilarityIndex(load_features(store, 2024, "secondary"))
    named = 0
    for urn in scores.dropna(subset=["value"]).sort_values("value")["urn"].head(25):
        group = index.neighbours(int(urn), 20)
        found = partners_among(group, scores)
        club = group.neighbours[["urn", "distance"]].merge(scores, on="urn")
        expected = significantly_higher(scores.set_index("urn").loc[int(urn)], club)
        assert found["urn"].tolist() == expected["urn"].tolist()
        assert found["difference"].to_numpy() == pytest.approx(expected["difference"].to_numpy())
        assert found["p_value"].to_numpy() == pytest.approx(expected["p_value"].to_numpy())
        assert found["distance"].to_numpy() == pytest.approx(expected["distance"].to_numpy())
        named += len(found)
    assert named > 10  # the weakest schools of the demo do have partners
    no_score = group.neighbours["urn"].iloc[0]
    none = partners_among(index.neighbours(int(no_score), 20), scores.assign(value=np.nan))
    assert none.empty and none.columns.tolist() == PARTNER_COLUMNS
    none["urn"] = []  # each caller's own empty frame: changing one leaves the next as it was
    assert partners_among(index.neighbours(int(no_score), 20), scores.assign(value=np.nan)).equals(
        pd.DataFrame(columns=PARTNER_COLUMNS))
    # A score read from another column (attainment in context's "va") gives the same partners, named "value".
    found = partners_among(group, scores.rename(columns={"value": "va"}).assign(value=np.nan), score="va")
    pd.testing.assert_frame_equal(found, partners_among(group, scores))


def test_clubs_commands_form_list_show_and_edit(small_demo_path, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(small_demo_path, db)
    formed = run("--db", db, "clubs", "form", "--phase", "primary", "--size", "12")
    assert formed.returncode == 0 and formed.stdout.startswith("Formed ")
    listed = json.loads(run("--db", db, "clubs", "list", "--json").stdout)
    assert sum(c["members"] for c in listed if c["method"] == "formed") == 240
    shown = json.loads(run("--db", db, "clubs", "show", listed[0]["name"], "--json").stdout)
    assert len(shown["members"]) == listed[0]["members"] and shown["settings"]["size"] == 12
    urn = shown["members"][0]["urn"]
    assert run("--db", db, "clubs", "create", "Host club", "--from", urn, "--k", 5).returncode == 0
    assert len(json.loads(run("--db", db, "clubs", "show", "Host club", "--json").stdout)["members"]) == 6
    missing = run("--db", db, "clubs", "show", "Nope")
    assert missing.returncode == 1 and "No club called 'Nope'" in missing.stderr


def test_concern_on_the_three_las_real_results_names_only_schools_whose_figures_say_so(real_la_db):
    """Each reason `concern` gives for 2019 is checked against the published figures themselves."""
    from benchmarking.floor import schools_of_concern
    from benchmarking.value_added import Z95

    with open_store(real_la_db) as store:
        concern = schools_of_concern(store, 2019)
        figures = store.query("SELECT urn, year, measure, value, ci_low, ci_high FROM results WHERE year IN (2018, 2019) "
                              "AND measure IN ('ks4_p8', 'ks2_read_progress', 'ks2_writ_progress', 'ks2_mat_progress') "
                              "AND value IS NOT NULL").set_index(["urn", "measure", "year"])
    kinds = concern["reason"].str.extract(r"(significantly below 0|fell significantly|Below the floor)")[0]
    assert set(kinds) == {"significantly below 0", "fell significantly", "Below the floor"}, concern["reason"].unique()
    labels = {"Progress 8": "ks4_p8", "KS2 reading progress": "ks2_read_progress",
              "KS2 writing progress": "ks2_writ_progress", "KS2 maths progress": "ks2_mat_progress"}
    for row, kind in zip(concern.itertuples(), kinds):
        if kind == "Below the floor":
            continue
        measure = labels[row.reason.split(" significantly")[0].split(" fell")[0]]
        now, before = figures.loc[(row.urn, measure, 2019)], figures.loc[(row.urn, measure, 2018)]
        if kind == "significantly below 0":
            assert now["ci_high"] < 0 and before["ci_high"] < 0, row
        else:
            se = lambda f: (f["ci_high"] - f["ci_low"]) / (2 * Z95)  # noqa: E731
            assert (now["value"] - before["value"]) / np.hypot(se(now), se(before)) < -Z95, row


def test_partners_on_real_results_are_the_similar_schools_holm_finds_significantly_better(real_la_db):
    """For Hampshire and Surrey primaries of 2019 (every twentieth), the partners named are exactly the similar schools whose maths
    progress beats the school's by more than chance, Holm-corrected over the group (statsmodels' own Holm)."""
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests

    from benchmarking.value_added import Z95

    found = 0
    with open_store(real_la_db) as store:
        index = SimilarityIndex(load_features(store, 2019, "primary"))
        scores = store.query("SELECT urn, value, ci_low, ci_high, n FROM results WHERE year = 2019 "
                             "AND measure = 'ks2_mat_progress' AND value IS NOT NULL").set_index("urn")
        for urn in [u for u in index.frame["urn"] if u in scores.index][::20]:
            group = index.neighbours(int(urn), 20)
            named = partner_candidates(store, group)
            others = scores.reindex(group.neighbours["urn"]).dropna()
            se = (others["ci_high"] - others["ci_low"]) / (2 * Z95)
            own = scores.loc[urn]
            z = (others["value"] - own["value"]) / np.hypot(se, (own["ci_high"] - own["ci_low"]) / (2 * Z95))
            better = set(others.index[multipletests(norm.sf(z), alpha=0.025, method="holm")[0]])
            assert set(named["urn"]) == better, urn
            found += len(better)
    assert found >= 5
