import numpy as np
import pandas as pd
import pytest

from benchmarking.directory import default_school, school_directory
from benchmarking.percentiles import national_percentile
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.numbers import number
from benchmarking.school_view import (group_trend, headline_results, in_context_sentence, no_score_text, rank_among,
                                     values_by_measure)
from benchmarking.store import open_store
from ui.format import plain



def test_a_club_s_median_of_known_values_is_numpys_median_of_them():
    from benchmarking.percentiles import median_of_known

    rng = np.random.default_rng(3)
    for size in range(0, 40):
        values = rng.normal(size=size) * rng.choice([1e-3, 1.0, 1e6])
        values[rng.random(size) < 0.2] = np.nan
        known = values[~np.isnan(values)]
        assert median_of_known(values) == (float(np.median(known)) if known.size else pytest.approx(np.nan, nan_ok=True))


def test_rank_counts_only_schools_with_a_value_and_ties_share_the_better_rank():
    assert rank_among(50.0, [60.0, 60.0, np.nan, 40.0], True) == (3, 4)
    assert rank_among(60.0, [50.0, 60.0, np.nan, 40.0], True) == (1, 4)
    assert rank_among(50.0, [60.0, 60.0, np.nan, 40.0], False) == (2, 4)
    assert rank_among(np.nan, [50.0, 60.0, 60.0, 40.0], True) == (None, 4)


def test_national_percentile_is_the_share_done_as_well_or_better_than():
    values = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert national_percentile(values, 3.0, True) == 75.0
    assert national_percentile(values, 3.0, False) == 50.0
    assert national_percentile(values, np.nan, True) is None


def test_a_percentile_counts_ties_and_leaves_out_schools_without_a_value():
    """Percentiles are read from the year's values held sorted (Scored): schools level with the value count as
    beaten whichever way is better, and a school without a value is in no one's count."""
    from benchmarking.percentiles import Scored

    scored = Scored.of([3.0, 1.0, np.nan, 2.0, 2.0, 4.0])
    assert (scored.rows, scored.values.tolist()) == (6, [1.0, 2.0, 2.0, 3.0, 4.0])
    assert scored.percentile(2.0, True) == 60.0  # 1, 2 and 2 of five
    assert scored.percentile(2.0, False) == 80.0  # 2, 2, 3 and 4
    assert scored.percentile(0.5, True) == 0.0 and scored.percentile(9.0, True) == 100.0
    assert Scored.of([np.nan]).percentile(1.0, True) is None  # nobody to be among
    rng = np.random.default_rng(1)  # and the same as a pass over every value, for any value
    values = rng.normal(size=500).round(1)
    for value in rng.normal(size=50).round(1):
        for better in (True, False):
            assert Scored.of(values).percentile(value, better) == 100 * ((values <= value) if better else (values >= value)).mean()


def test_headline_results_rank_a_school_in_its_club():
    year = pd.DataFrame({"urn": [1, 2, 3, 4], "measure": "ks4_att8", "label": "Attainment 8", "unit": "points",
                         "higher_is_better": True, "value": [50.0, 55.0, 45.0, 70.0], "ci_low": np.nan,
                         "ci_high": np.nan, "n": [100, 90, 80, 70], "reason": None})
    from benchmarking.school_view import values_by_measure

    own, national = year[year["urn"] == 1], values_by_measure(year)
    row = headline_results(own, national, 1, [2, 3], "secondary").iloc[0]
    assert (row["club_rank"], row["club_size"], row["club_median"]) == (2, 3, 50.0)
    assert row["national_percentile"] == 50.0 and row["digits"] == 1 and row["reason"] is None
    alone = headline_results(own, national, 1, [], "secondary").iloc[0]
    assert alone["club_rank"] is None and alone["club_size"] == 0 and np.isnan(alone["club_median"])
    special = headline_results(own, values_by_measure(year[year["urn"] != 1]), 1, [2, 3], "secondary",
                               mainstream=False).iloc[0]
    assert special["value"] == 50.0 and special["club_rank"] == 2 and special["national_percentile"] is None


def test_the_one_line_answer_a_head_reads_first():
    from benchmarking.school_view import missing_reason, pooled_years_label, value_added_sentence

    same = {"difference": -0.1, "ci_low": -0.3, "ci_high": 0.1}
    assert value_added_sentence("Progress 8", 2, -0.2, -0.453, 0.06, 16, 21, same, (9, 20)) == (
        "Progress 8 \u22120.20 (\u22120.45 to +0.06): 16th of 21 similar schools, could be anywhere from 9th to 20th; "
        "not significantly different from the club.")
    above = {"difference": 0.4, "ci_low": 0.1, "ci_high": 0.7}
    assert value_added_sentence("KS2 maths progress", 1, 2.04, 0.5, 3.6, 1, 12, above).endswith(
        "1st of 12 similar schools (interval not known); significantly above the club.")  # never as if certain
    assert value_added_sentence("Progress 8", 2, -0.001, -0.3, 0.3, None, 0, None) == (
        "Progress 8 0.00 (\u22120.30 to +0.30): no similar schools to compare with.")
    assert pooled_years_label(2019, 2019) == "2019 only" and pooled_years_label(2022, 2024) == "2022 to 2024"
    assert missing_reason("LOWCOV") == "Low coverage: under half the pupils included."
    assert missing_reason(None) == "Not published for this school this year."
    assert missing_reason(float("nan")) == missing_reason(None)  # a year the school has no row: a gap, not "not available"


def test_a_school_s_rank_in_its_club_counts_only_club_members_with_a_score_and_carries_its_interval():
    from benchmarking.rank_interval import rank_interval
    from benchmarking.school_view import rank_in_club

    scores = pd.DataFrame({"urn": [10, 11, 12, 13, 14, 99], "va": [0.10, 0.50, np.nan, -0.20, 0.30, 9.0],
                           "ci_low": [-0.1, 0.3, np.nan, -0.4, 0.1, 8.8], "ci_high": [0.3, 0.7, np.nan, 0.0, 0.5, 9.2]})
    rank, ranked, low, high = rank_in_club(10, scores, [11, 12, 13, 14])  # 99 is not in the club; 12 has no score
    assert (rank, ranked) == (3, 4)  # behind 11 and 14
    se = 0.2 / 1.959964  # every CI here is 0.4 wide
    assert (low, high) == rank_interval(0.10, se, np.array([0.50, -0.20, 0.30]), np.full(3, se), True)
    assert 1 <= low <= 3 <= high <= 4
    assert rank_in_club(12, scores, [10, 11]) == (None, 3, None, None)  # no score of its own: no rank
    assert rank_in_club(10, scores, [])[0] is None  # no club: nothing to rank against


def test_the_directory_lists_every_school_with_results_by_label(small_demo_path):
    with open_store(small_demo_path) as store:
        directory = school_directory(store)
    assert len(directory) == 300
    first = directory.iloc[0]
    assert first["label"] == f"{first['name']} ({first['urn']}, {first['la_name']})"
    assert list(first["years"]) == [2022, 2023, 2024, 2025, 2026]


def test_a_groups_trend_averages_the_schools_with_a_score_each_year(small_demo_path):
    with open_store(small_demo_path) as store:
        urns = store.query("SELECT urn FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 5")["urn"].tolist()
        trend = group_trend(store, urns, "ks4_p8")
        scores = store.query("SELECT year, value FROM results WHERE measure = 'ks4_p8' AND urn IN (SELECT unnest(?))", [urns])
    assert trend["year"].tolist() == [2022, 2023, 2024]
    for row in trend.itertuples():
        year = scores[(scores["year"] == row.year)]["value"].dropna()
        assert row.schools == len(year) and row.mean_va == pytest.approx(year.mean())


def test_the_default_school_is_a_secondary_with_value_added():
    directory = pd.DataFrame({"urn": [1, 2, 3, 4], "phase": ["secondary", "secondary", "primary", "special"],
                              "has_value_added": [False, True, True, False]})
    assert default_school(directory) == 2
    assert default_school(directory[directory["urn"] != 2]) == 3
    assert default_school(directory[directory["urn"].isin([1, 4])]) == 1


def test_similar_schools_carry_their_share_of_the_distance_and_their_headline_results(small_demo_path):
    from benchmarking.school_view import neighbours_with_results
    from benchmarking.similarity import similar_schools
    from benchmarking.va_report import school_value_added_table

    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
        group = similar_schools(store, urn, 2024)
        va = school_value_added_table(store, 2024, "secondary")
        year = store.query_file("year_results", [2024])
    rows = neighbours_with_results(group, va[va["measure"] == "ks4_p8"], values_by_measure(year)["ks4_att8"])
    assert rows["urn"].tolist() == group.neighbours["urn"].tolist()
    shares = rows[[f"share_{f}" for f in group.features]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(100.0, abs=1e-6)
    p8 = va[va["measure"] == "ks4_p8"].set_index("urn")["va"]
    att8 = year[year["measure"] == "ks4_att8"].set_index("urn")["value"]
    assert rows["va"].to_numpy() == pytest.approx(p8.reindex(rows["urn"]).to_numpy(), nan_ok=True)
    assert rows["attainment"].to_numpy() == pytest.approx(att8.reindex(rows["urn"]).to_numpy(), nan_ok=True)


def test_a_special_schools_club_is_ranked_from_every_schools_results_not_the_mainstream_ones():
    year = pd.DataFrame({"urn": [1, 2, 3, 4], "measure": "ks4_att8", "value": [10.0, 14.0, 6.0, 50.0]})
    everyone, mainstream = values_by_measure(year), values_by_measure(year[year["urn"] == 4])
    own = pd.DataFrame({"measure": ["ks4_att8"], "value": [10.0], "ci_low": [np.nan], "ci_high": [np.nan], "n": [17],
                        "reason": [None]})
    row = headline_results(own, mainstream, 1, [2, 3], "secondary", mainstream=False, club_values=everyone).iloc[0]
    assert (row["club_rank"], row["club_size"], row["club_median"]) == (2, 3, 10.0)
    blind = headline_results(own, mainstream, 1, [2, 3], "secondary", mainstream=False).iloc[0]
    assert (blind["club_rank"], blind["club_size"]) == (1, 1)  # what a special school used to be told


def test_a_percentile_says_whether_it_is_among_england_or_only_the_stores_schools():
    from benchmarking.percentiles import percentile_among

    assert percentile_among(3182, 150) == "England"
    assert percentile_among(547, 2) == "the store's 547 schools in 2 LAs" and percentile_among(60, 1).endswith("1 LA")


def test_words_for_a_school_without_a_score_and_the_line_under_its_name():
    from benchmarking.school_view import school_description, unscored_sentence

    assert unscored_sentence("Progress 8", 29, "LOWCOV") == "Progress 8: low coverage: under half the pupils included (29 pupils)."
    assert unscored_sentence("Progress 8", 3, None).startswith("Progress 8: suppressed: only 3 pupils")
    assert "suppressed" in unscored_sentence("Attainment 8", None, "SUPP").lower()
    assert school_description("Camden", "secondary", False, True, 2019) == "Camden · special school, KS4 results · 2019"
    assert school_description("Greenwich", "secondary", True, False, 2019) == "Greenwich · secondary · 2019 · closed"


def test_a_percentile_carries_the_interval_of_the_schools_own_figure():
    from benchmarking.percentiles import percentile_interval

    values = pd.Series(np.arange(1.0, 101.0))  # 100 schools scoring 1 to 100
    assert percentile_interval(values, 50.0, 5.0, True) == pytest.approx((40.0, 59.0))  # 50 ± 9.8
    assert percentile_interval(values, 50.0, 5.0, False) == pytest.approx((41.0, 60.0))  # lower is better
    assert np.isnan(percentile_interval(values, 50.0, np.nan, True)[0])  # no error known: no interval


def test_a_school_s_headline_target_levels_and_trend_are_worked_out_once_for_every_visitor(small_demo_path, monkeypatch):
    """The dashboard's shared per-school figures are the library's, and a second visitor to the school gets the
    same table rather than working it out again."""
    from benchmarking.school_view import school_trend
    from benchmarking.similarity import similar_schools
    from benchmarking.targets import headline_target_levels, settable
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    with open_store(small_demo_path) as store:
        urn = int(store.query("SELECT urn FROM results JOIN schools USING (urn) WHERE year = 2026 AND phase = 'primary' "
                              "AND measure = 'ks2_rwm_expected' ORDER BY urn LIMIT 1")["urn"][0])
        club = similar_schools(store, urn, 2026).neighbours["urn"].astype(int).tolist()
        expected = headline_results(data.school_year_results(urn, 2026), data.year_values(2026), urn, club, "primary",
                                    club_values=data.every_school_values(2026), coverage=data.measure_reach(2026),
                                    club_errors=data.every_school_errors(2026))
    first = data.headline(urn, 2026, "primary", True, club)
    pd.testing.assert_frame_equal(first, expected)
    assert first["club_rank"].notna().any() and data.headline(urn, 2026, "primary", True, list(club)) is first
    levels, unsettable = data.target_levels(2026, club, ("ks2_rwm_expected",), 2027)
    pd.testing.assert_frame_equal(levels, settable(headline_target_levels(data.every_school_values(2026), club,
                                                                          ("ks2_rwm_expected",)), 2027)[0])
    assert len(levels) == 3 and data.target_levels(2026, club, ("ks2_rwm_expected",), 2027)[0] is levels
    with open_store(small_demo_path) as store:
        trend = school_trend(store, urn, "ks2_rwm_expected", data.summary()["years"])
    pd.testing.assert_frame_equal(data.school_trend(urn, "ks2_rwm_expected"), trend, check_dtype=False)
    assert data.school_trend(urn, "ks2_rwm_expected") is data.school_trend(urn, "ks2_rwm_expected")


def test_a_school_s_rank_and_difference_from_its_club_are_worked_out_once_for_every_visitor(small_demo_path, monkeypatch):
    """My school's and Value added's rank in the club and difference from the club's mean are the library's,
    worked out once per school: a second visitor gets the same answer without a second simulation."""
    from benchmarking.school_view import rank_in_club
    from benchmarking.value_added import relative_to_group
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    scored = data.scores_table(2024, "secondary", "ks4_p8").dropna(subset=["va"])
    urn = int(scored["urn"].iloc[3])
    club = data.club_group(2024, "secondary", urn).neighbours["urn"].astype(int).tolist()
    scores = data.scores_of(2024, "secondary", "ks4_p8", [urn, *club])
    standing, relative = data.club_standing(2024, "secondary", "ks4_p8", urn, club)
    assert standing == rank_in_club(urn, scores, club)
    rank, ranked, low, high = standing
    assert ranked == len(club) + 1 and low <= rank <= high
    own = scores[scores["urn"] == urn].iloc[0]
    expected = relative_to_group(own["va"], own["ci_low"], own["ci_high"], data.scores_of(2024, "secondary", "ks4_p8", club))
    assert relative == pytest.approx(expected) and relative["members"] == len(club)
    assert data.club_standing(2024, "secondary", "ks4_p8", urn, list(club)) is data.club_standing(2024, "secondary", "ks4_p8", urn, club)
    assert data.club_standing(2024, "secondary", "ks4_p8", urn, [])[1] is None  # no club: no difference from one
    dots = data.club_dots(2024, "secondary", "ks4_p8", urn, club)  # the club's chart: the school first, then its club
    assert dots["urn"].tolist() == [urn, *sorted(club)] and dots["is_host"].tolist() == [True] + [False] * len(club)
    names = data.school_names().set_index("urn")["name"]
    assert dots["name"].tolist() == names.loc[dots["urn"]].tolist()
    assert dots["va"].tolist() == pytest.approx(scores.set_index("urn").loc[dots["urn"], "va"].tolist(), nan_ok=True)
    assert data.club_dots(2024, "secondary", "ks4_p8", urn, list(club)) is dots
    every, limits = data.funnel(urn, 2024, "secondary", "ks4_p8", True)
    host, same = data.funnel(urn, 2024, "secondary", "ks4_p8", True, host_only=True)
    pd.testing.assert_frame_equal(host, every[every["is_host"]])
    assert len(host) == 1 and len(every) > 50 and same is limits
    plotted, plottable = data.expected_actual(2024, "secondary", "ks4_p8", True, urn, club, "club")  # expected against actual
    kind = data.kind_scores(2024, "secondary", "ks4_p8", True)
    pd.testing.assert_frame_equal(plotted.drop(columns="is_host"),
                                  kind[kind["urn"].isin([urn, *club])].sort_values("urn").reset_index(drop=True))
    assert plotted["is_host"].tolist() == (plotted["urn"] == urn).tolist() and plotted["is_host"].sum() == 1
    assert plottable and data.expected_actual(2024, "secondary", "ks4_p8", True, urn, list(club), "club")[0] is plotted
    everyone, _ = data.expected_actual(2024, "secondary", "ks4_p8", True, urn, club, "all")
    in_la, _ = data.expected_actual(2024, "secondary", "ks4_p8", True, urn, club, "la")
    assert len(everyone) == len(kind) and everyone["is_host"].sum() == in_la["is_host"].sum() == 1
    assert in_la["la_code"].nunique() == 1 and len(in_la) == (kind["la_code"] == in_la["la_code"].iloc[0]).sum()
    own = data.school_value_added(urn, 2024, "secondary")  # My school's value-added measures, by measure
    scored = data.school_va(urn, 2024, "secondary").set_index("measure")
    assert set(own.index) == set(scored.index) and own.loc["ks4_p8", "va"] == scored.loc["ks4_p8", "va"]
    assert data.school_value_added(urn, 2024, "secondary") is own


def test_a_club_s_values_are_read_by_urn_whether_or_not_the_year_is_in_urn_order():
    from benchmarking.by_urn import at_urns

    values = pd.Series([0.5, -0.2, np.nan, 1.5], index=np.array([100001, 100004, 100007, 100009], dtype=np.int32))
    wanted = [100009, 100002, 100001, 100007, 2 ** 40]
    expected = [1.5, np.nan, 0.5, np.nan, np.nan]
    for held in (values, values.iloc[[2, 0, 3, 1]]):
        np.testing.assert_array_equal(at_urns(held, wanted), expected)
    assert np.isnan(at_urns(pd.Series(dtype=float), [100001, 1])).all()


def test_a_value_added_card_gives_the_score_its_ci_pupils_and_band_or_why_there_is_none():
    from benchmarking.school_view import value_added_cards

    rows = pd.DataFrame({"va": [0.456, np.nan], "ci_low": [0.1, np.nan], "ci_high": [0.812, np.nan], "n": [182, 4],
                         "band": ["above", None], "reason": [None, "SUPP"]}, index=["ks4_p8", "ks4_p8_maths"])
    asked = []
    cards = value_added_cards(rows, lambda measure, digits: asked.append((measure, digits)) or "Steadier: +0.30.")
    scored, unscored = cards
    assert (scored.label, scored.score, scored.steadier) == ("Progress 8", "+0.46", "Steadier: +0.30.")
    assert scored.detail.startswith("95% CI **+0.10 to +0.81** · 182 pupils · **")
    assert unscored.score == "–" and "4 pupils" in unscored.detail and unscored.steadier is None
    assert asked == [("ks4_p8", 2)]  # steadier estimates only beside a score


def test_my_school_s_cards_and_inclusion_trend_are_worked_out_once_for_every_visitor(small_demo_path, monkeypatch):
    from benchmarking.inclusion import trend_sentence
    from benchmarking.school_view import value_added_cards
    from benchmarking.steadier import steadier_sentence
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    with open_store(small_demo_path) as store:
        urns = store.query("SELECT DISTINCT urn FROM school_value_added WHERE year = 2024 AND measure = 'ks4_p8' "
                           "ORDER BY urn LIMIT 5")["urn"].astype(int).tolist()
    for urn in urns:
        cards = data.value_added_cards(urn, 2024, "secondary")
        expected = value_added_cards(data.school_value_added(urn, 2024, "secondary"), lambda measure, digits:
                                     steadier_sentence(digits, *data.steadier_rows(urn, 2024, "secondary", measure)))
        assert cards == expected and len(cards) >= 1 and data.value_added_cards(urn, 2024, "secondary") is cards
        words = data.inclusion_trend_words(urn, "ks4_p8")
        assert words == trend_sentence(data.inclusion_trend(urn, "ks4_p8"), "ks4_p8")
    assert any(card.steadier for urn in urns for card in data.value_added_cards(urn, 2024, "secondary"))


def test_value_added_s_rows_of_one_measure_are_the_school_s_own_held_once(small_demo_path, monkeypatch):
    from benchmarking.access import Viewer
    from benchmarking.measures import MEASURES_BY_CODE
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    viewer = Viewer.demo()
    with open_store(small_demo_path) as store:
        urns = store.query("SELECT DISTINCT urn FROM school_value_added WHERE year = 2024 AND measure = 'ks4_p8' "
                           "ORDER BY urn LIMIT 4")["urn"].astype(int).tolist()
    seen = 0
    for urn in urns:
        club = data.club_group(2024, "secondary", urn, True).neighbours["urn"].astype(int).tolist()
        score = data.school_score(2024, "secondary", "ks4_p8", urn, "contextual")
        row = data.scores_of(2024, "secondary", "ks4_p8", [urn], "contextual").iloc[0]
        assert score.keys() == row.to_dict().keys() and all(
            (pd.isna(v) and pd.isna(row[k])) or v == row[k] for k, v in score.items())
        every = data.published_groups(urn, 2024, club)
        stage = data.published_groups_of_stage(urn, 2024, club, 4)
        pd.testing.assert_frame_equal(stage, every[np.array([MEASURES_BY_CODE[m].key_stage == 4 for m in every["measure"]], dtype=bool)])
        assert data.published_groups_of_stage(urn, 2024, club, 4) is stage
        every = data.inclusion(viewer, urn, 2024, "secondary", club)
        included = data.inclusion_of_measure(viewer, urn, 2024, "secondary", club, "ks4_p8")
        pd.testing.assert_frame_equal(included, every[every["measure"] == "ks4_p8"])
        seen += len(included) > 0
    assert data.school_score(2024, "secondary", "ks4_p8", 999999999) is None and seen


def test_a_club_s_deck_is_gathered_once_for_every_session_in_its_members_order(small_demo_path, monkeypatch):
    from benchmarking.meeting import meeting_slides
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    urn = int(data.directory().query("phase == 'secondary'")["urn"].min())
    members = [urn] + data.club_group(2024, "secondary", urn, True, 7).neighbours["urn"].astype(int).tolist()
    deck = data.deck(2024, "secondary", members, None)
    results, groups = data.schools_year_results(members, 2024), data.members_groups(members, 2024)
    scores = data.schools_va(members, 2024, "secondary")
    assert deck.slides == meeting_slides("secondary", members, results, scores, None, groups) and len(deck.slides) > 3
    pd.testing.assert_frame_equal(deck.results, results)
    assert list(dict.fromkeys(deck.results["urn"])) == [u for u in members if u in set(deck.results["urn"])]
    assert data.deck(2024, "secondary", list(members), None) is deck
    assert data.deck(2024, "secondary", members[::-1], None) is not deck  # another order: another deck
    assert (data.clubs_of_phase("secondary")["phase"] == "secondary").all()
    assert data.school_name(urn, "none") == data.school_ref(urn).name and data.school_name(999999999, "none") == "none"


def test_a_school_s_attainment_in_context_cards_are_its_own_rows_of_the_year_s_table_in_order(small_demo_path, monkeypatch):
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    every = data.in_context(2026, "secondary")
    urns = every["urn"].drop_duplicates().sample(8, random_state=1).astype(int).tolist() + [999_999]  # and one without
    for urn in urns:
        mine = every[every["urn"] == urn].reset_index(drop=True)
        assert (len(mine) == 0) == (urn == 999_999)
        cards = data.in_context_cards(urn, 2026, "secondary")  # what My school draws: made once per school
        assert [c.measure for c in cards] == mine["measure"].tolist() and data.in_context_cards(urn, 2026, "secondary") is cards
        for card, row in zip(cards, mine.itertuples()):
            spec = MEASURES_BY_CODE[row.measure]
            assert card.score == number(row.va, spec.digits, sign=True)
            assert card.detail == (plain(in_context_sentence(spec.label, spec.digits, row.va, row.ci_low, row.ci_high))
                                   if pd.notna(row.va) else no_score_text(row.n, getattr(row, "reason", None)))


def test_attainment_in_context_cards_say_the_score_in_words_or_why_there_is_none():
    from benchmarking.school_view import in_context_cards

    rows = [{"measure": "ks4_att8", "va": 2.34, "ci_low": 0.4, "ci_high": 4.2, "n": 120, "reason": None},
            {"measure": "ks4_basics_94", "va": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 4, "reason": "SUPP"}]
    scored, unscored = in_context_cards(rows, lambda text: text.upper())
    assert (scored.label, scored.score) == ("Attainment 8: against a similar intake", "+2.3")
    assert scored.detail == in_context_sentence("Attainment 8", 1, 2.34, 0.4, 4.2).upper()  # shown as the page asks
    assert unscored.score == "–" and unscored.detail == no_score_text(4, "SUPP") and unscored.steadier is None
    assert in_context_cards([]) == []
