"""The phases registry: one definition of what follows from a school's phase."""
import pytest

from benchmarking.attainment_context import PUPIL_OUTCOME
from benchmarking.errors import BenchmarkingError
from benchmarking.floor import PRESETS
from benchmarking.measures import MEASURES_BY_CODE
from benchmarking.phases import PHASES, phase, phase_of_measure
from benchmarking.value_added import SUBJECTS


@pytest.mark.parametrize("name", list(PHASES))
def test_every_measure_and_rule_a_phase_names_exists_and_belongs_to_its_key_stage(name):
    p = phase(name)
    for code in p.headline + (p.prior_measure,):
        # Each measure is of the phase's key stage, or of the whole school (absence).
        assert MEASURES_BY_CODE[code].key_stage in (p.key_stage, "school"), code
    assert [c for c in p.headline if MEASURES_BY_CODE[c].key_stage == "school"] == ["absence_overall", "absence_persistent"]
    assert set(p.value_added) <= set(SUBJECTS) and p.main_value_added in p.value_added
    assert all(SUBJECTS[m].key_stage == p.key_stage for m in p.value_added)
    assert all(rule in PRESETS for rule in p.floor_rules)
    assert phase_of_measure(p.main_value_added) is p


@pytest.mark.parametrize("name", list(PHASES))
def test_in_a_year_without_value_added_one_measure_of_the_same_outcome_stands_in_for_it(name):
    p = phase(name)
    assert p.in_context[0] == p.stand_in  # the measure the pages open on is the one impact and partners use
    assert all(MEASURES_BY_CODE[m].key_stage == p.key_stage and MEASURES_BY_CODE[m].kind == "result" for m in p.in_context)
    assert PUPIL_OUTCOME[p.stand_in] == SUBJECTS[p.main_value_added].outcome
    main = MEASURES_BY_CODE[p.main_value_added]  # the measure answers for itself
    assert main.stand_in == p.stand_in and main.progress is SUBJECTS[main.code] and main.published_band.endswith("_published")
    assert MEASURES_BY_CODE[p.stand_in].stand_in is None and MEASURES_BY_CODE[p.stand_in].progress is None


def test_an_unknown_phase_is_a_clear_error():
    with pytest.raises(BenchmarkingError, match="Phase must be one of secondary, primary, not 'nursery'"):
        phase("nursery")


def test_the_progress_measures_and_the_phases_are_written_out_in_one_place_each():
    """No page, command or module keeps its own list of the progress measures (value_added.SUBJECTS holds it;
    phases and measures ask it) or of the phases (phases.PHASES)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    progress = re.compile(r'"(ks4_p8|ks2_(read|writ|mat)_progress)",\s*"(ks4_p8|ks2_(read|writ|mat)_progress)"')
    phases = re.compile(r"[\"'](primary|secondary)[\"'],\s*[\"'](primary|secondary)[\"']")
    # Where they may be written: the lists themselves, a phase's headline measures, and DfE's reference figures
    # and files (what a file or a year published, not a list the code chooses from).
    allowed = {"benchmarking/value_added.py", "benchmarking/phases.py", "benchmarking/reference.py"}
    sources = [p for p in [root / "dashboard.py", *root.glob("benchmarking/**/*.py"), *root.glob("ui/**/*.py"),
                           *root.glob("pages/*.py")] if "importers" not in p.parts and "synthetic" not in p.parts]
    found = [f"{p.relative_to(root)}:{n}" for p in sources if str(p.relative_to(root)) not in allowed
             for n, line in enumerate(p.read_text().splitlines(), 1) if progress.search(line) or phases.search(line)]
    assert len(sources) > 60 and found == []
    assert [m for p in PHASES.values() for m in p.value_added] == list(SUBJECTS)
