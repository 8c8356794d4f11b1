"""Does the club work? Club history, school-to-school pairings, the difference-in-differences estimate with its
CI and event study, and its check against the synthetic truth."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarking import club_store
from benchmarking.errors import BenchmarkingError
from benchmarking.impact import (COMPARISONS, club_impact, comparison_space, difference_in_differences,
                                 level_and_trend, matched_comparisons, t_interval)
from benchmarking.similarity import SimilarityIndex, load_features
from benchmarking.store import open_store
from benchmarking.synthetic.clubs import EFFECT, JOINED, SIZE
from benchmarking.writer import writing
from tests.conftest import query, run_cli


def secondaries(path, count: int) -> list[int]:
    return query(path, "SELECT urn FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT ?", [count])["urn"].tolist()


# -- club history -----------------------------------------------------------------------------------

def test_members_carry_the_year_they_joined_and_the_year_they_left(demo_db):
    urns = secondaries(demo_db, 5)
    with writing(demo_db) as store:
        club_store.save_club(store, "Dales network", "secondary", 2022, "manual", {}, urns[:3])
        club_store.add_member(store, "Dales network", urns[3], 2024)
        club_store.remove_member(store, "Dales network", urns[0], 2025)  # left after three years: history kept
        club_store.add_member(store, "Dales network", urns[4], 2024)
        club_store.remove_member(store, "Dales network", urns[4], 2024)  # left the year it joined: never took part
    with open_store(demo_db) as store:
        _, members = club_store.club_details(store, "Dales network")
        listed = club_store.list_clubs(store).set_index("name").loc["Dales network"]
    by_urn = members.set_index("urn")
    assert by_urn.loc[urns[1], "joined"] == 2022 and pd.isna(by_urn.loc[urns[1], "left_in"])
    assert by_urn.loc[urns[3], "joined"] == 2024
    assert by_urn.loc[urns[0], "joined"] == 2022 and by_urn.loc[urns[0], "left_in"] == 2025
    assert urns[4] not in by_urn.index
    assert sorted(club_store.current_members(members)["urn"]) == sorted([urns[1], urns[2], urns[3]])
    assert (listed["members"], listed["former_members"]) == (3, 1)


def test_a_school_that_left_can_rejoin_and_edits_that_make_no_sense_are_refused(demo_db):
    urns = secondaries(demo_db, 3)
    with writing(demo_db) as store:
        club_store.save_club(store, "Coast network", "secondary", 2022, "manual", {}, urns[:2])
        with pytest.raises(BenchmarkingError, match="already a member of 'Coast network' \\(since 2022\\)"):
            club_store.add_member(store, "Coast network", urns[0], 2023)
        with pytest.raises(BenchmarkingError, match=f"URN {urns[2]} is not a member"):
            club_store.remove_member(store, "Coast network", urns[2], 2023)
        club_store.remove_member(store, "Coast network", urns[0], 2023)
        with pytest.raises(BenchmarkingError, match="is not a member"):
            club_store.remove_member(store, "Coast network", urns[0], 2024)  # it has already left
        club_store.add_member(store, "Coast network", urns[0], 2025)
    with open_store(demo_db) as store:
        _, members = club_store.club_details(store, "Coast network")
    row = members.set_index("urn").loc[urns[0]]
    assert row["joined"] == 2025 and pd.isna(row["left_in"])


def test_a_pairing_is_a_club_of_two_with_a_start_year(demo_db):
    school, partner = secondaries(demo_db, 2)
    with writing(demo_db) as store:
        name = club_store.save_pairing(store, school, partner, "secondary", 2023, "partner finder")
        with pytest.raises(BenchmarkingError, match="cannot be paired with itself"):
            club_store.save_pairing(store, school, school, "secondary", 2023)
    with open_store(demo_db) as store:
        club, members = club_store.club_details(store, name)
    assert name.startswith("Pairing 2023: ")
    assert club["method"] == "pairing" and club["settings"] == {"school": school, "partner": partner, "how": "partner finder"}
    assert sorted(members["urn"]) == sorted([school, partner]) and (members["joined"] == 2023).all()


def test_the_command_line_records_joining_leaving_and_pairings(demo_db):
    urns = secondaries(demo_db, 4)
    assert run_cli("--db", demo_db, "clubs", "create", "Fen network", "--urns", ",".join(map(str, urns[:3])),
                   "--year", 2022).returncode == 0
    added = run_cli("--db", demo_db, "clubs", "add", "Fen network", urns[3], "--year", 2023)
    removed = run_cli("--db", demo_db, "clubs", "remove", "Fen network", urns[0], "--year", 2024)
    assert added.stdout.strip() == f"URN {urns[3]} joined 'Fen network' in 2023."
    assert removed.stdout.strip() == f"URN {urns[0]} left 'Fen network' in 2024."
    shown = json.loads(run_cli("--db", demo_db, "clubs", "show", "Fen network", "--json").stdout)
    history = {m["urn"]: (m["joined"], m["left_in"]) for m in shown["members"]}
    assert history[urns[3]] == (2023, None) and history[urns[0]] == (2022, 2024)
    paired = run_cli("--db", demo_db, "clubs", "pair", urns[1], urns[2], "--year", 2023)
    assert paired.returncode == 0 and "Saved the pairing 'Pairing 2023: " in paired.stdout
    twice = run_cli("--db", demo_db, "clubs", "add", "Fen network", urns[1], "--year", 2025)
    assert twice.returncode == 1 and "already a member" in twice.stderr


# -- the estimate -----------------------------------------------------------------------------------

def test_level_and_trend_are_each_schools_mean_and_least_squares_slope():
    wide = pd.DataFrame({2020: [0.1, 0.5, np.nan], 2021: [0.3, np.nan, 0.2], 2022: [0.2, 0.1, np.nan]}, index=[1, 2, 3])
    found = level_and_trend(wide, [2020, 2021, 2022])
    assert found.loc[1, "level"] == pytest.approx(0.2) and found.loc[1, "trend"] == pytest.approx(np.polyfit([2020, 2021, 2022], [0.1, 0.3, 0.2], 1)[0])
    assert found.loc[2, "level"] == pytest.approx(0.3) and found.loc[2, "trend"] == pytest.approx(-0.2)  # (0.1-0.5)/2
    assert found.loc[3, "level"] == pytest.approx(0.2) and found.loc[3, "trend"] == 0  # one year: no trend


def test_the_difference_in_differences_is_the_members_change_less_its_comparisons_change():
    # The member rises by 0.4 after joining; its comparison schools rise by 0.1 on average.
    wide = pd.DataFrame({2021: [0.0, 0.2, -0.2], 2022: [0.0, 0.2, -0.2], 2023: [0.4, 0.3, -0.1], 2024: [0.4, 0.3, -0.1]},
                        index=[10, 20, 30])
    assert difference_in_differences(wide, 10, [20, 30], [2021, 2022], [2023, 2024]) == pytest.approx(0.3)


def test_the_ci_is_a_t_interval_over_members():
    values = [0.12, -0.05, 0.30, 0.08, 0.01]
    mean, low, high = t_interval(values + [np.nan])
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / np.sqrt(5)
    assert (mean, low, high) == pytest.approx((np.mean(values), np.mean(values) - half, np.mean(values) + half))
    assert np.isnan(t_interval([0.2])[1])


def test_comparison_schools_are_the_nearest_non_members_with_scores_before_and_after(demo):
    years = [2022, 2023, 2024]
    index = SimilarityIndex(load_features(demo, 2023, "secondary"))
    urns = [int(u) for u in index.urns[:40]]
    rng = np.random.default_rng(1)
    wide = pd.DataFrame(rng.normal(0, 0.3, (40, 3)), index=urns, columns=years)
    wide.loc[urns[1], 2024] = np.nan  # no score after joining: never a comparison
    member = urns[0]
    chosen = matched_comparisons(comparison_space(wide, index, [2022, 2023]), wide, member, [2024], {member, urns[2]}, k=5)
    assert len(chosen) == 5 and member not in chosen and urns[2] not in chosen and urns[1] not in chosen
    # The nearest on context and on level and trend before joining, as standardised distances.
    context = pd.DataFrame(index.z.to_numpy(), index=index.urns, columns=index.used)
    frame = context.join(level_and_trend(wide, [2022, 2023]), how="inner").dropna()
    z = (frame - frame.mean()) / frame.std()
    distance = np.sqrt(((z - z.loc[member]) ** 2).sum(axis=1)).drop([member, urns[1], urns[2]])
    assert chosen == distance.sort_values().index[:5].tolist()


def test_a_demo_club_is_measured_with_its_members_comparisons_years_and_the_planted_truth(demo):
    truth = demo.query("SELECT club, effect, from_year FROM synthetic_club_truth ORDER BY club")
    assert sorted(truth["effect"]) == [0.0, EFFECT] and (truth["from_year"] == JOINED + 1).all()
    club = truth["club"][0]
    found = club_impact(demo, club)
    assert found.n_members == SIZE and SIZE < found.n_comparison <= SIZE * COMPARISONS
    assert (found.years_before, found.years_after) == (2, 3)  # 2022-2023, then 2024-2026
    assert found.planted == truth["effect"][0]
    assert found.ci_low < found.estimate < found.ci_high
    assert found.estimate == pytest.approx(found.members["did"].mean())
    study = found.event_study.set_index("years_since_joining")
    assert study.index.tolist() == [-1, 0, 1, 2, 3] and study.loc[0, "estimate"] == 0  # the reference year
    assert "attainment in context" in found.measure and "2025, 2026" in found.measure


def test_too_few_members_with_years_on_both_sides_is_said_plainly(demo_db):
    urns = secondaries(demo_db, 2)
    with writing(demo_db) as store:
        club_store.save_pairing(store, urns[0], urns[1], "secondary", 2023)
        club_store.save_club(store, "New network", "secondary", 2026, "manual", {}, urns)
    with open_store(demo_db) as store:
        pairing = club_impact(store, f"Pairing 2023: {store.query_file('school_label', [urns[0]])['name'][0]} with "
                                     f"{store.query_file('school_label', [urns[1]])['name'][0]}")
        new = club_impact(store, "New network")
    assert pairing.n_members == 2 and np.isnan(pairing.estimate) and "Too few members" in pairing.verdict
    assert new.n_members == 0 and "Too few members" in new.verdict  # joined in the latest year: no after yet


def test_the_impact_command_prints_every_figure_and_the_truth_only_on_synthetic_stores(small_demo_path, tmp_path):
    club = query(small_demo_path, "SELECT club FROM synthetic_club_truth ORDER BY club LIMIT 1")["club"][0]
    out = json.loads(run_cli("--db", small_demo_path, "impact", club, "--json").stdout)
    with open_store(small_demo_path) as store:
        expected = club_impact(store, club).summary()
    for key in ("estimate", "ci_low", "ci_high"):
        assert out[key] == pytest.approx(expected[key])
    for key in ("n_members", "n_comparison", "years_before", "years_after", "planted"):
        assert out[key] == expected[key]
    assert [row["years_since_joining"] for row in out["event_study"]] == [-1, 0, 1, 2, 3]
    text = run_cli("--db", small_demo_path, "impact", club).stdout
    assert f"n_members     {SIZE}" in text and "planted" in text
    missing = run_cli("--db", small_demo_path, "impact", "Nope")
    assert missing.returncode == 1 and "No club called 'Nope'" in missing.stderr


def test_a_store_without_synthetic_truth_reports_no_planted_effect(demo_db):
    club = query(demo_db, "SELECT club FROM synthetic_club_truth LIMIT 1")["club"][0]
    with writing(demo_db) as store:
        store.execute("DELETE FROM synthetic_club_truth")
    out = json.loads(run_cli("--db", demo_db, "impact", club, "--json").stdout)
    assert "planted" not in out and out["n_members"] == SIZE


@pytest.mark.slow
def test_the_ci_covers_the_planted_effect_and_zero_effect_clubs_are_rarely_significant():
    from benchmarking.synthetic.impact_check import impact_against_truth

    found = impact_against_truth(range(100, 120), "medium")
    planted, null = found[found["planted"] > 0], found[found["planted"] == 0]
    assert len(planted) == len(null) == 100
    assert planted["covered"].mean() >= 0.90
    assert null["significant"].mean() <= 0.07  # about 5%, allowing for 100 clubs' chance
    assert abs(planted["estimate"].mean() - EFFECT) < 0.03 and abs(null["estimate"].mean()) < 0.03  # no bias
