"""The one number formatter: pages, CSVs, documents and chart labels write numbers the same way."""
import numpy as np
import pandas as pd

from benchmarking.measures import in_sentence, sentence_start
from benchmarking.numbers import MINUS, interval, number, rounded


def test_a_number_has_a_real_minus_thousands_separators_and_never_minus_zero():
    assert number(-0.2) == f"{MINUS}0.20" and number(-0.004) == "0.00" and number(-0.004, sign=True) == "0.00"
    assert number(0.21, sign=True) == "+0.21" and number(1357, 0) == "1,357" and number(-1234.5, 1) == f"{MINUS}1,234.5"
    assert number(np.float64(45.25), 1) == "45.2" and number(np.int64(3), 0) == "3"


def test_a_missing_number_is_a_dash_whatever_kind_of_missing():
    assert {number(v) for v in (None, float("nan"), np.nan, pd.NA)} == {"–"}


def test_an_interval_is_signed_at_both_ends_or_a_dash():
    assert interval(-0.453, 0.06) == f"{MINUS}0.45 to +0.06"
    assert interval(None, 0.06) == "–" and interval(1.0, float("nan"), 1) == "–"


def test_a_label_in_a_sentence_keeps_its_abbreviations_and_measure_names():
    assert [in_sentence(label) for label in ("Cohort prior attainment", "% EHC plan", "EAL pupils", "Attainment 8",
                                             "Pupils on roll (log scale)", "% SEN support")] == [
        "cohort prior attainment", "% EHC plan", "EAL pupils", "Attainment 8", "pupils on roll (log scale)", "% SEN support"]
    assert sentence_start("not a progress measure: % EHC plan, EAL") == "Not a progress measure: % EHC plan, EAL"


def test_numbers_a_table_sorts_by_are_rounded_as_shown_and_never_minus_zero():
    values = rounded(pd.Series([-0.04, 1.26, np.nan, -0.06]), 1)
    assert str(values[0]) == "0.0" and values[1] == 1.3 and np.isnan(values[2]) and values[3] == -0.1
