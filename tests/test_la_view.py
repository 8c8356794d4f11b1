import numpy as np
import pandas as pd
import pytest

from benchmarking.la_view import schools_against_clubs, similar_las
from benchmarking.similarity import SimilarityIndex, load_features
from benchmarking.store import open_store
from benchmarking.va_report import school_value_added_table
from benchmarking.value_added import relative_to_group


@pytest.fixture(scope="module")
def demo(small_demo_path):
    with open_store(small_demo_path) as store:
        yield (SimilarityIndex(load_features(store, 2024, "secondary")),
               school_value_added_table(store, 2024, "secondary"))


def test_every_school_of_the_la_is_set_against_its_own_club(demo):
    index, va = demo
    la = int(index.frame["la_code"].mode()[0])
    table = schools_against_clubs(index, va, la, k=10)
    assert set(table["urn"]) == set(index.frame.loc[index.frame["la_code"] == la, "urn"]) - set(index.excluded)
    assert table["difference"].is_monotonic_increasing
    row = table.iloc[0]
    group = index.neighbours(int(row["urn"]), 10).neighbours["urn"]
    own = va.set_index("urn").loc[row["urn"]]
    expected = relative_to_group(own["va"], own["ci_low"], own["ci_high"], va[va["urn"].isin(group)])
    assert row["difference"] == pytest.approx(expected["difference"])
    partnered = table.dropna(subset=["partner_urn"])
    assert (partnered["partner_va"] > partnered["va"]).all()


def test_similar_las_put_the_la_first_and_weight_scores_by_pupils(demo):
    index, va = demo
    la = int(index.frame["la_code"].iloc[0])
    table = similar_las(index.frame, va[va["measure"] == "ks4_p8"], la, k=3)
    assert table["la_code"].iloc[0] == la and table["distance"].iloc[0] == 0 and len(table) == 4
    mine = index.frame[index.frame["la_code"] == la].merge(va, on="urn")
    assert table["mean_va"].iloc[0] == pytest.approx(np.average(mine["va"], weights=mine["n"]))


def test_pairings_are_schools_significantly_below_their_club_that_have_a_partner():
    import pandas as pd

    from benchmarking.la_view import pairings

    rows = pd.DataFrame({"urn": [1, 2, 3, 4], "difference_ci_high": [-0.1, -0.2, 0.05, -0.3],
                         "partner_urn": [10, None, 30, 40]})
    assert pairings(rows)["urn"].tolist() == [1, 4]
    assert pairings(rows.iloc[0:0]).empty


def test_a_school_is_above_or_below_its_club_only_when_the_whole_interval_is():
    from benchmarking.la_view import AGAINST_CLUB_FILTERS, against_club

    verdicts = against_club(pd.Series([0.1, -0.5, -0.2, np.nan]), pd.Series([0.5, -0.1, 0.3, np.nan])).tolist()
    assert verdicts == ["significantly above", "significantly below", "not significantly different", "no score"]
    assert set(AGAINST_CLUB_FILTERS["Significantly different"]) == {"significantly above", "significantly below"}
    assert set(AGAINST_CLUB_FILTERS["All"]) == set(verdicts)
