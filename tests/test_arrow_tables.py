"""The Arrow tables the pages send: made straight from a table's columns, the same columns and values as Streamlit's
own conversion (its index, which no page shows, left out); any other kind of column through Streamlit's."""
import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from ui.arrow_tables import arrow_of_text, arrow_table


def streamlits(frame: pd.DataFrame):
    """What Streamlit makes of the frame, without the index it adds as a column of its own."""
    return convert_pandas_df_to_arrow_table(frame).select(list(frame.columns))


def made_directly(table) -> bool:
    return table.schema.metadata is None  # pandas' conversion always describes the frame for pandas


@pytest.mark.parametrize("storage", ["python", "pyarrow"])  # the server's, and pandas' default
def test_text_numbers_and_yes_no_go_straight_into_the_columns_streamlit_makes(storage):
    with pd.option_context("mode.string_storage", storage):
        frame = pd.DataFrame({
            "text": ["2 of 21 (1–6)", None, "–"], "text, as objects": np.array(["+0.49", None, np.nan], dtype=object),
            "text, missing as NA": pd.array(["a", None, "b"], dtype=pd.StringDtype(storage, na_value=pd.NA)),
            "floats": [1.5, np.nan, -2.25], "integers": np.array([2024, 2025, 2026]),
            "small integers": np.array([1, 2, 3], dtype="int32"), "yes or no": [True, False, True],
        }, index=[7, 3, 9])  # a filtered frame's index: never shown, so not sent
    made = arrow_table(frame)
    assert made_directly(made) and made.column_names == list(frame.columns)
    assert made.equals(streamlits(frame), check_metadata=False)
    assert made.column("text").to_pylist() == ["2 of 21 (1–6)", None, "–"]
    assert made.column("floats").to_pylist() == [1.5, None, -2.25]  # NaN is missing, as pandas' conversion has it


@pytest.mark.parametrize("column", [
    ["text", 3, 2.5], ["text", True], [None, None], pd.Categorical(["a", "b", "a"][:2]),
    pd.array([1, None], dtype="Int64"), pd.to_datetime(["2026-07-01", "2025-07-01"]),
], ids=["text mixed with numbers", "text mixed with yes/no", "nothing", "categories", "nullable integers", "dates"])
def test_any_other_column_goes_through_streamlits_own_conversion(column):
    frame = pd.DataFrame({"a": column})
    made = arrow_table(frame)
    assert not made_directly(made)
    assert made.equals(convert_pandas_df_to_arrow_table(frame))


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_a_table_of_text_goes_to_arrow_from_its_lists_and_makes_its_frame_only_when_asked(storage, monkeypatch):
    from ui.widgets import _Held

    monkeypatch.setattr(pd.options.mode, "string_storage", storage)
    columns = {"Measure": ["Progress 8", "Attainment 8"], "95% CI": ["−0.45 to +0.06", None], "Pupils": ["182", "–"]}
    held = _Held(object(), columns)
    assert held._frame is None and held.rows == 2  # no frame until a CSV or the projector asks
    assert held.arrow.equals(arrow_of_text(columns)) and made_directly(held.arrow)
    assert held.arrow.equals(streamlits(pd.DataFrame(columns)), check_metadata=False)
    pd.testing.assert_frame_equal(held.frame, pd.DataFrame(columns))
    assert arrow_of_text({"Years": [2024, 2025]}) is None and arrow_of_text({"Group": [None, None]}) is None
    numbers = _Held(object(), {"Years": [2024, 2025], "Pupils": ["182", "–"]})  # not all text: through its frame
    assert numbers.rows == 2 and numbers.arrow.equals(streamlits(numbers.frame), check_metadata=False)
    assert _Held(object(), {"Measure": []}).rows == 0 and _Held(object(), None).rows == 0


def test_every_table_the_pages_hold_is_the_one_streamlit_would_make(small_demo_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from benchmarking.store import open_store
    from tests.conftest import ROOT
    from ui import widgets
    from ui.navigation import PAGES

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    widgets._TABLES.clear()
    with open_store(small_demo_path) as store:
        schools = store.query("SELECT min(urn) AS urn FROM schools WHERE mainstream GROUP BY phase")["urn"].astype(int)
    for urn in schools:
        for page in ("my_school", "similar_schools", "value_added"):
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            at.query_params["urn"], at.query_params["year"] = str(urn), "2024"
            for section in (s for spec in PAGES for s in spec.sections):  # every section that opens on request, opened
                at.session_state[section] = True
            assert not at.switch_page(f"pages/{page}.py").run().exception
    held = [value for value, _ in widgets._TABLES._values.values() if value.arrow is not None]
    assert len(held) >= 12  # headline, inclusion, context, the group, its context, pupil groups, pooled... per phase
    assert sum(made_directly(h.arrow) for h in held) == len(held)  # every page table is of text and numbers
    for h in held:
        assert h.arrow.equals(streamlits(h.frame), check_metadata=False), list(h.frame.columns)
