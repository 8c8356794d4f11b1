"""Sections of detail that open on request (ui.widgets.section): each page's are those its spec names
(ui.navigation), and a closed one works out, sends and records nothing."""
from tests.test_pages import SECTIONS, app_db, first_secondary, open_page, page_text, school_names  # noqa: F401


def test_each_pages_sections_are_those_its_spec_names_and_each_opens(open_page, school_names):  # noqa: F811
    from ui.navigation import PAGES

    for spec in (spec for spec in PAGES if spec.sections):
        closed = open_page(spec.file, urn=first_secondary(school_names), year=2024)
        assert {e.proto.id.rsplit("-", 1)[1]: e.proto.expanded for e in closed.expander if e.proto.id} == dict.fromkeys(
            spec.sections, False)
        opened = open_page(spec.file, urn=first_secondary(school_names), year=2024, **dict.fromkeys(spec.sections, True))
        assert not opened.exception, [e.message for e in opened.exception]
        assert {e.proto.id.rsplit("-", 1)[1]: e.proto.expanded for e in opened.expander if e.proto.id} == dict.fromkeys(
            spec.sections, True)
    assert set(SECTIONS["pages/value_added.py"]) == set(next(s for s in PAGES if s.key == "value_added").sections)


def test_value_addeds_sections_are_worked_out_sent_and_recorded_only_once_opened(open_page, school_names,  # noqa: F811
                                                                                 app_db):  # noqa: F811
    from benchmarking import audit

    urn = first_secondary(school_names)
    viewed = lambda: [e for e in audit.entries(app_db).to_dict("records")  # noqa: E731
                      if e["action"] == "viewed pupils" and e["urn"] == urn]
    before = len(viewed())
    closed = open_page("pages/value_added.py", urn=urn, year=2024)
    text = page_text(closed)
    assert "Each pupil: expected against actual" not in text and "Same group nationally" not in text
    assert "Pooled score" not in text and "Pupils' group" not in text and len(closed.get("plotly_chart")) == 3  # club, expected against actual, funnel
    assert len(viewed()) == before  # no pupil was shown, so no view of pupils is recorded

    opened = open_page("pages/value_added.py", urn=urn, year=2024, **{key: True for key in SECTIONS["pages/value_added.py"]})
    assert not opened.exception, [e.message for e in opened.exception]
    text = page_text(opened)
    assert "Each pupil: expected against actual" in text and len(opened.get("plotly_chart")) == 4
    columns = [list(t.value.columns) for t in opened.dataframe]
    assert ["Grouping", "Group", "Pupils", "This school", "95% CI", "Same group nationally",
            "Same group in the club"] in columns
    assert any("Pooled score" in c for c in columns) and any("Pupils' group" in c for c in columns)  # pooled, inclusion
    assert len(viewed()) == before + 1  # the pupils, once opened, are recorded as seen


def test_similar_schools_settings_are_drawn_once_opened_and_kept_while_closed(open_page, school_names):  # noqa: F811
    from benchmarking.similarity import FEATURES

    at = open_page("pages/similar_schools.py", urn=first_secondary(school_names), year=2024)
    assert not at.slider and "The group of 20" in [h.value for h in at.header]  # closed: no slider is drawn
    at.session_state["similar_settings"] = True
    at.run()
    at.slider[0].set_value(10).run()  # the group's size
    at.slider(key=f"weight_{FEATURES[0]}").set_value(3.0).run()  # and a weight
    assert "The group of 10" in [h.value for h in at.header] and len(at.slider) == 1 + len(FEATURES)
    at.session_state["similar_settings"] = False  # closed again: the group keeps the size chosen
    at.run()
    assert not at.exception and not at.slider and "The group of 10" in [h.value for h in at.header]
    at.session_state["similar_settings"] = True  # opened again: the slider shows it
    at.run()
    assert at.slider[0].value == 10 and at.slider(key=f"weight_{FEATURES[0]}").value == 3.0
