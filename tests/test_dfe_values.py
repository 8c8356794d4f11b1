import math

import pandas as pd
import pytest

from benchmarking.importers.cells import parse_numeric
from benchmarking.reference import MISSING_CODES


def test_percentages_and_thousands_separators_become_numbers():
    parsed = parse_numeric(pd.Series(["66.2%", "48%", "1,234", " 27.7 ", "-0.08"]))
    assert parsed.values.tolist() == [66.2, 48.0, 1234.0, 27.7, -0.08]
    assert parsed.reasons.isna().all()
    assert not parsed.invalid.any()


@pytest.mark.parametrize("code", ["SUPP", "NE", "NP", "NA", "LOWCOV", "NEW", "SP", "RE", "x", "c", "z", "low"])
def test_every_dfe_code_is_missing_with_its_reason_never_zero(code):
    parsed = parse_numeric(pd.Series([code]))
    assert math.isnan(parsed.values[0])
    assert parsed.reasons[0] == code.upper()
    assert parsed.reasons[0] in MISSING_CODES
    assert not parsed.invalid[0]


def test_blank_cells_are_missing_as_blank():
    parsed = parse_numeric(pd.Series(["", "  ", None]))
    assert parsed.values.isna().all()
    assert parsed.reasons.tolist() == ["BLANK", "BLANK", "BLANK"]


def test_unknown_text_is_invalid_not_missing():
    parsed = parse_numeric(pd.Series(["12", "twelve"]))
    assert parsed.invalid.tolist() == [False, True]
