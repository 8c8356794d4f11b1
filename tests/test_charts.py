"""Chart builders: the figures carry the data given, in the theme asked for."""
import json

import numpy as np
import pandas as pd
import pytest

from benchmarking import chart_dicts, charts
from benchmarking.value_added import funnel_limits

SCHOOLS = pd.DataFrame({"urn": [1, 2, 3], "name": ["Host", "B", "C"], "va": [0.2, -0.1, 0.5],
                        "ci_low": [0.0, -0.3, 0.2], "ci_high": [0.4, 0.1, 0.8], "n": [100, 80, 60],
                        "expected": [45, 50, 40], "actual": [47, 49, 45], "is_host": [True, False, False],
                        "value": [60.0, 55.0, np.nan]})


def test_projector_mode_is_larger_than_normal():
    assert charts.PROJECTOR.font_size >= 24 and charts.PROJECTOR.marker_size > charts.NORMAL.marker_size
    fig = charts.ci_dots(SCHOOLS, "VA", charts.theme(True))
    assert fig.layout.font.size == charts.PROJECTOR.font_size


def test_ci_dots_sort_best_first_with_asymmetric_whiskers_and_the_host_highlighted():
    fig = charts.ci_dots(SCHOOLS, "VA", charts.NORMAL)
    trace = fig.data[0]
    assert list(trace.y) == ["C", "Host", "B"]
    assert list(trace.error_x.array) == pytest.approx([0.3, 0.2, 0.2])
    assert list(trace.marker.color) == [charts.NORMAL.others, charts.NORMAL.host, charts.NORMAL.others]


def test_ranked_bars_leave_out_missing_values():
    fig = charts.ranked_bars(SCHOOLS, "% grade 4+", charts.NORMAL)
    assert list(fig.data[0].y) == ["Host", "B"]


def test_funnel_has_both_limits_and_the_host_apart():
    fig = charts.funnel(SCHOOLS, funnel_limits(100, 1.4), "Funnel", charts.NORMAL)
    names = [trace.name for trace in fig.data]
    assert names.count("95% limits") == 2 and names.count("99.8% limits") == 2
    assert list(fig.data[-1].text) == ["Host"] and list(fig.data[-2].text) == ["B", "C"]


def test_expected_vs_actual_traces_a_click_to_its_row_without_sending_urns_and_draws_y_equals_x():
    fig = charts.expected_vs_actual(SCHOOLS, "E v A", charts.NORMAL)
    assert list(fig.data[0].x) == list(fig.data[0].y) == [40, 50]
    rows = charts.expected_vs_actual_rows(SCHOOLS)
    assert SCHOOLS.loc[rows[1], "urn"].tolist() == [2, 3] and SCHOOLS.loc[rows[2], "urn"].tolist() == [1]
    assert all(trace.customdata is None for trace in fig.data)
    assert "500001" not in fig.to_json() and '"urn"' not in fig.to_json()


def test_school_names_are_shown_as_written_never_as_markup():
    frame = SCHOOLS.assign(name=["<a href='http://x'>Host</a>", "B & C", "<img src=x>"])
    fig = charts.expected_vs_actual(frame, "<b>title</b>", charts.NORMAL)
    assert list(fig.data[1].text) == ["B &amp; C", "&lt;img src=x&gt;"]
    assert fig.layout.title.text == "&lt;b&gt;title&lt;/b&gt;"


def test_pupil_hovers_show_the_pseudonymous_id_only():
    pupils = pd.DataFrame({"pupil_id": ["SYN1", "SYN2"], "expected": [40.0, 50.0], "actual": [45.0, 44.0],
                           "group": ["girls", "boys"]})
    fig = charts.pupil_scatter(pupils, "group", "Pupils", charts.NORMAL)
    assert sorted(t.text[0] for t in fig.data[1:]) == ["SYN1", "SYN2"]
    assert "Pupil %{text}" in fig.data[1].hovertemplate


def test_pupils_are_coloured_group_by_group_in_the_groups_order_leaving_out_groups_and_pupils_without_points():
    sen = pd.Categorical(["EHC plan", "no SEN", None, "EHC plan", "no SEN", "no SEN"],
                         categories=["no SEN", "SEN support", "EHC plan"])
    pupils = pd.DataFrame({"pupil_id": [f"SYN{i}" for i in range(6)], "expected": [40.0, 41, 42, 43, np.nan, 45],
                           "actual": [50.0, 51, 52, 53, 54, 55], "sen": sen}, index=[9, 3, 7, 1, 5, 8])
    fig = charts.pupil_scatter(pupils, "sen", "Pupils", charts.NORMAL)
    # The groups in the category's order, only those with pupils; no group for a pupil without one, no point for
    # a pupil without an expected result; each group's pupils in the order held.
    assert [(t.name, list(t.text)) for t in fig.data[1:]] == [("no SEN", ["SYN1", "SYN5"]), ("EHC plan", ["SYN0", "SYN3"])]
    assert list(fig.data[0].x) == [40.0, 55.0]  # y = x over every pupil with a point, grouped or not
    assert fig.data[1].marker.color != fig.data[2].marker.color


def test_trend_draws_the_interval_band_and_the_score():
    frame = pd.DataFrame({"year": [2022, 2023, 2024], "va": [0.1, 0.2, np.nan], "ci_low": [0, 0.1, np.nan],
                          "ci_high": [0.2, 0.3, np.nan]})
    fig = charts.trend(frame, "Trend", charts.NORMAL)
    band, line, gap = fig.data
    assert list(band.x) == ["2022", "2023", "2023", "2022"] and list(band.y) == [0.2, 0.3, 0.1, 0]
    assert list(line.x) == ["2022", "2023", "2024"] and np.isnan(line.y[2])  # the year without a score stays, as a gap
    assert list(gap.x) == ["2024"] and list(gap.text) == ["no score"]
    shuffled = charts.trend(frame.iloc[[2, 0, 1]], "Trend", charts.NORMAL)  # years in any order: drawn in order
    assert shuffled.to_dict() == fig.to_dict()



def test_every_chart_is_a_valid_plotly_figure_and_its_dict_build_sends_the_same_bytes():
    """Figures are built without validation (for speed): here each is validated in full. Pages build charts straight
    into the dict that is sent (chart_dicts.built, no plotly figure on the way): the browser gets the same bytes."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from benchmarking.value_added import funnel_limits

    pupils = pd.DataFrame({"pupil_id": ["SYN1", "SYN2"], "expected": [40.0, 50.0], "actual": [45.0, 44.0], "group": ["a", "b"]})
    trend = pd.DataFrame({"year": [2022, 2023], "va": [0.1, -0.2], "ci_low": [-0.1, -0.4], "ci_high": [0.3, 0.0]})
    context = SCHOOLS.assign(in_group=[True, True, False])
    study = pd.DataFrame({"years_since_joining": [-1, 0, 1], "estimate": [0.02, 0.0, 0.12], "ci_low": [-0.08, 0.0, 0.02],
                          "ci_high": [0.12, 0.0, 0.22]})
    rng = np.random.default_rng(1)
    many = pd.DataFrame({"n": rng.integers(10, 200, 900).astype(float), "va": rng.normal(0, 0.5, 900)})
    backdrop = charts.schools_density(many["n"], many["va"], "#b8c4d0")
    kept = {key: value.copy() for key, value in backdrop.items() if isinstance(value, np.ndarray)}
    builds = [lambda: charts.ranked_bars(SCHOOLS, "Attainment 8", charts.NORMAL), lambda: charts.ci_dots(SCHOOLS, "VA", charts.PROJECTOR),
              lambda: charts.funnel(SCHOOLS, funnel_limits(100, 1.3), "F", charts.NORMAL, backdrop=backdrop),
              lambda: charts.expected_vs_actual(SCHOOLS, "E", charts.NORMAL),
              lambda: charts.pupil_scatter(pupils, "group", "P", charts.NORMAL),
              lambda: charts.trend(trend, "T", charts.NORMAL), lambda: charts.context_scatter(context, "n", "va", "n", "va", "C", charts.NORMAL),
              lambda: charts.context_scatter(context, "n", "va", "n", "va", "C", charts.NORMAL, backdrop=backdrop),
              lambda: charts.event_study(study, "I", charts.PROJECTOR),
              lambda: charts.funnel(SCHOOLS.assign(name=["<b>A</b>", "B & C", "D"]), funnel_limits(100, 1.3), "F", charts.PROJECTOR)]
    for build in builds:
        fig = build()
        checked = go.Figure(fig.to_dict(), skip_invalid=False)  # raises on any invalid property
        assert json.loads(checked.to_json()) == json.loads(fig.to_json())  # and validating would change nothing
        assert fig.layout.template.layout.to_plotly_json() == {} and fig.layout.paper_bgcolor == "white"
        sent = chart_dicts.built(build)
        assert isinstance(sent, chart_dicts.Built) and pio.to_json(sent.to_dict(), validate=False) == fig.to_json(validate=False)
    assert all(np.array_equal(backdrop[key], value, equal_nan=True) for key, value in kept.items())  # shared, untouched
    encoded = chart_dicts.trace_as_sent(backdrop)  # a backdrop held as it is sent draws the same
    for with_backdrop in (lambda b: charts.funnel(SCHOOLS, funnel_limits(100, 1.3), "F", charts.NORMAL, backdrop=b),
                          lambda b: charts.context_scatter(context, "n", "va", "n", "va", "C", charts.NORMAL, backdrop=b)):
        as_figure = with_backdrop(backdrop).to_json(validate=False)
        assert pio.to_json(chart_dicts.built(lambda: with_backdrop(encoded)).to_dict(), validate=False) == as_figure
        assert with_backdrop(encoded).to_json(validate=False) == as_figure
    assert "bdata" in encoded["z"]


def test_the_event_study_sets_placebo_years_reference_year_and_years_after_apart_with_their_intervals():
    study = pd.DataFrame({"years_since_joining": [-2, -1, 0, 1, 2], "estimate": [0.02, -0.01, 0.0, 0.12, np.nan],
                          "ci_low": [-0.08, -0.1, 0.0, 0.02, np.nan], "ci_high": [0.12, 0.08, 0.0, 0.22, np.nan]})
    fig = charts.event_study(study, "Impact", charts.NORMAL)
    placebo, reference, after = fig.data
    assert list(placebo.x) == [-2, -1] and list(reference.x) == [0] and list(after.x) == [1]  # no estimate: no point
    assert placebo.name.startswith("Before joining") and after.marker.color == charts.NORMAL.host
    assert list(placebo.error_y.array) == pytest.approx([0.10, 0.09]) and list(placebo.error_y.arrayminus) == pytest.approx([0.10, 0.09])
    assert list(after.error_y.array) == pytest.approx([0.10])


def test_thousands_of_schools_are_a_density_and_the_host_and_group_stay_points():
    import plotly.graph_objects as go

    from benchmarking.value_added import funnel_limits

    rng = np.random.default_rng(0)
    many = pd.DataFrame({"name": [f"School {i}" for i in range(4000)], "n": rng.integers(10, 200, 4000).astype(float),
                         "va": rng.normal(0, 0.5, 4000), "is_host": [True] + [False] * 3999})
    funnel = charts.funnel(many, funnel_limits(200, 1.3), "F", charts.NORMAL)
    kinds = [trace.type for trace in funnel.data]
    assert kinds.count("heatmap") == 1 and kinds[0] == "heatmap"
    shaded = funnel.data[0]
    assert np.nansum(shaded.z) == 3999  # every other school is counted, in its cell
    host = [trace for trace in funnel.data if trace.name == "This school"][0]
    assert list(host.text) == ["School 0"] and len(host.x) == 1
    context = charts.context_scatter(many.assign(in_group=[True] * 21 + [False] * 3979), "n", "va", "n", "va", "C",
                                     charts.NORMAL)
    assert [trace.name for trace in context.data] == ["Other schools (3,979, shaded by how many)", "Similar schools",
                                                      "This school"]
    assert len(context.data[1].x) == 20 and np.nansum(context.data[0].z) == 3979
    for fig in (funnel, context):  # valid as built, and validation would change nothing
        checked = go.Figure(fig.to_dict(), skip_invalid=False)
        assert json.loads(checked.to_json()) == json.loads(fig.to_json())
    assert len(funnel.to_json()) < 60_000  # a few kilobytes, where 4,000 named points were several hundred


def test_a_chart_built_once_reaches_the_browser_exactly_as_its_figure_would():
    """ui.widgets.figure holds a built chart as its plain dict (no deep copy of the figure on every view): what
    st.plotly_chart sends for it is what it sends for the figure itself."""
    from streamlit.testing.v1 import AppTest

    def app():
        import pandas as pd

        from benchmarking import chart_dicts, charts
        from ui.widgets import chart

        frame = pd.DataFrame({"name": ["Oak <b>Primary</b>", "Elm", "Ash"], "va": [0.4, -1.2, 2.5], "ci_low": [-0.5, -2.0, 1.1],
                              "ci_high": [1.3, -0.4, 3.9], "n": [28, 31, 19], "is_host": [True, False, False]})
        fig = charts.ci_dots(frame, "Reading progress", charts.theme(False))
        chart(fig, "as_built")
        chart(chart_dicts.Built(fig.to_dict()), "held")

    at = AppTest.from_function(app).run()
    assert not at.exception
    sent = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    assert len(sent) == 2 and sent[0] == sent[1]
    assert sent[1]["data"][0]["y"] == ["Ash", "Oak &lt;b&gt;Primary&lt;/b&gt;", "Elm"]  # best first, names as text


def test_dots_and_bars_order_schools_as_a_sort_of_the_frame_would_ties_and_missing_values_included():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 30))
        frame = pd.DataFrame({"name": [f"S{i}" for i in range(n)], "va": rng.choice([-0.5, 0.0, 0.5, np.nan], n),
                              "value": rng.choice([40.0, 50.0, np.nan], n), "n": rng.integers(6, 60, n),
                              "is_host": np.arange(n) == 0})
        frame["ci_low"], frame["ci_high"] = frame["va"] - 0.3, frame["va"] + 0.3
        dots = chart_dicts.built(lambda: charts.ci_dots(frame, "VA", charts.NORMAL)).to_dict()["data"][0]
        assert list(dots["y"]) == frame.dropna(subset=["va"]).sort_values("va", ascending=False)["name"].tolist()
        for higher_is_better in (True, False):
            bars = charts.ranked_bars(frame, "A8", charts.NORMAL, higher_is_better)
            expected = frame.dropna(subset=["value"]).sort_values("value", ascending=not higher_is_better)
            assert list(bars.data[0].y) == expected["name"].tolist()
            assert list(bars.data[0].marker.color) == [charts.NORMAL.host if h else charts.NORMAL.others for h in expected["is_host"]]


def test_arrays_of_every_kind_reach_the_browser_as_plotly_itself_sends_them():
    """chart_dicts encodes arrays itself (plotly's own encoder was most of a chart's cost): the same bytes as a
    plotly figure's for numbers of every width, 64-bit integers that do and do not narrow, empty, strided, 2-D,
    text and boolean arrays, a pandas Series, arrays inside lists and under properties plotly leaves alone."""
    import plotly.graph_objects as go
    import plotly.io as pio

    base = np.arange(12, dtype=np.float64) * 1.5
    arrays = [base, base.astype(np.float32), np.arange(5, dtype=np.int64), np.array([1, 70_000], dtype=np.int64),
              np.array([1, 2**40], dtype=np.int64), np.array([3, 300], dtype=np.uint64), np.array([], dtype=np.int64),
              base[::3], base.reshape(3, 4), np.array(["a", "<b>"], dtype=object), np.array([True, False]),
              np.arange(4, dtype=np.int16), np.arange(4, dtype=np.uint8), pd.Series([1.0, 2.5])]
    for i, values in enumerate(arrays):
        trace = ({"type": "heatmap", "z": values, "customdata": [values, {"inner": values}]} if getattr(values, "ndim", 1) == 2
                 else {"type": "scatter", "x": values, "y": values, "customdata": [values, {"inner": values}],
                       "marker": {"color": values, "size": 3}})
        layout = {"xaxis": {"range": np.array([0.0, 9.0])}, "title": {"text": f"case {i}"}, "template": charts.NO_TEMPLATE}
        spec = {"data": [trace], "layout": layout}
        expected = go.Figure(spec, _validate=False).to_json(validate=False)
        assert pio.to_json(chart_dicts.as_sent(spec), validate=False) == expected, i
        assert trace["customdata"][0] is values and layout["xaxis"]["range"].dtype == np.float64  # the spec untouched
