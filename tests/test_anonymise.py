import pandas as pd

from benchmarking.anonymise import Anonymiser, letters


def test_letters_run_a_to_z_then_aa():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


def test_every_school_but_the_host_gets_a_stable_letter_and_loses_its_urn():
    anon = Anonymiser(host_urn=2)
    first = anon.frame(pd.DataFrame({"urn": [1, 2, 3], "name": ["Alpha", "Host School", "Gamma"]}))
    assert first["name"].tolist() == ["School A", "Host School", "School B"]
    assert first["urn"].tolist() == [pd.NA, 2, pd.NA]
    again = anon.frame(pd.DataFrame({"urn": [3, 4, 1], "name": ["Gamma", "Delta", "Alpha"]}))
    assert again["name"].tolist() == ["School B", "School C", "School A"]


def test_switched_off_it_changes_nothing():
    frame = pd.DataFrame({"urn": [1], "name": ["Alpha"]})
    assert Anonymiser(host_urn=2, enabled=False).frame(frame).equals(frame)


def test_schools_outside_the_group_on_show_are_all_another_school_with_no_letter():
    anon = Anonymiser(host_urn=2)
    frame = anon.frame(pd.DataFrame({"urn": [1, 2, 3, 4], "name": ["Alpha", "Host", "Gamma", "Delta"]}), lettered=[3])
    assert frame["name"].tolist() == ["Another school", "Host", "School A", "Another school"]
    assert frame["urn"].tolist() == [pd.NA, 2, pd.NA, pd.NA]


def test_a_club_is_numbered_not_named_and_coarsening_hides_las_and_rounds_context():
    anon = Anonymiser(host_urn=2, hide_las=True, round_context=True)
    assert [anon.club("Oak Academy and friends"), anon.club("North"), anon.club("Oak Academy and friends")] == [
        "Club 1", "Club 2", "Club 1"]
    frame = pd.DataFrame({"urn": [1, 2], "la_name": ["Surrey", "Kent"], "pct_eal": [12.4, 12.4]})
    coarse = anon.coarsen(frame, context_columns=["pct_eal"])
    assert coarse["la_name"].tolist() == ["An LA", "Kent"] and coarse["pct_eal"].tolist() == [10.0, 12.4]
    assert Anonymiser(host_urn=2, enabled=False).club("North") == "North"


def test_a_schools_size_is_rounded_to_the_nearest_hundred_pupils_and_its_shares_to_the_nearest_five():
    anon = Anonymiser(host_urn=2, round_context=True)
    frame = pd.DataFrame({"urn": [1, 2], "pupils_on_roll": [1357, 1357], "pct_disadvantaged": [33.6, 33.6]})
    coarse = anon.coarsen(frame, context_columns=["pupils_on_roll", "pct_disadvantaged"])
    assert coarse["pupils_on_roll"].tolist() == [1400, 1357] and coarse["pct_disadvantaged"].tolist() == [35.0, 33.6]
