"""The two phases a school is compared in, and everything that follows from its phase, in one place:
the key stage, the headline measures, the value-added measures (and the one that stands for the school on
trends, partners and club slides), the attainment measures set in context in a year without value added (and
the one that then stands for the school), the floor rules, and the default group and club sizes."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import BenchmarkingError
from .value_added import SUBJECTS


@dataclass(frozen=True)
class Phase:
    name: str
    key_stage: str  # the key stage whose results place a school in this phase
    prior_measure: str  # the cohort's prior attainment (context measure)
    headline: tuple[str, ...]  # the measures a head looks at first, in order
    value_added: tuple[str, ...]  # the value-added measures of this phase
    main_value_added: str  # the one that stands for the school where one is shown: trends, partners, club slides
    in_context: tuple[str, ...]  # attainment measures set in context, in a year DfE published no progress measure
    stand_in: str  # the one of them that stands for main_value_added then: the same outcome, on every page and in impact
    floor_rules: tuple[str, ...]  # floor.PRESETS that apply
    default_k: int = 20  # similar schools in a group
    club_size: int = 12  # members of a formed club
    meeting_size: int = 12  # the host and its most similar schools, at a club meeting


def progress_measures(key_stage: str) -> tuple[str, ...]:
    """The measures worked out from pupils' progress at a key stage, in the order value_added.SUBJECTS lists them
    (the one list of them)."""
    return tuple(code for code, subject in SUBJECTS.items() if subject.key_stage == key_stage)


# Whole-school absence: a headline of every phase (attendance is one of the areas Ofsted's report cards grade).
ABSENCE = ("absence_overall", "absence_persistent")

PHASES = {
    "secondary": Phase("secondary", "KS4", "ks4_prior_attainment",
                       headline=("ks4_att8", "ks4_p8", "ks4_basics_94", "ks4_basics_95", "ks4_ebacc_aps",
                                 *ABSENCE),
                       value_added=progress_measures("KS4"), main_value_added="ks4_p8",
                       in_context=("ks4_att8", "ks4_basics_94"), stand_in="ks4_att8",
                       floor_rules=("ks4-2016", "ks4-2011")),
    "primary": Phase("primary", "KS2", "ks2_prior_attainment",
                     headline=("ks2_rwm_expected", "ks2_rwm_higher", "ks2_read_progress", "ks2_writ_progress",
                               "ks2_mat_progress", *ABSENCE),
                     value_added=progress_measures("KS2"),
                     main_value_added="ks2_mat_progress",
                     in_context=("ks2_mat_average", "ks2_read_average", "ks2_rwm_expected"), stand_in="ks2_mat_average",
                     floor_rules=("ks2-2016", "ks2-2011")),
}
VALUE_ADDED = tuple(measure for p in PHASES.values() for measure in p.value_added)  # every phase's
K_RANGE = (5, 60)  # similar schools a user may ask for


def phase(name: str) -> Phase:
    """The phase called `name` (secondary or primary), or a clear error."""
    if name not in PHASES:
        raise BenchmarkingError(f"Phase must be one of {', '.join(PHASES)}, not {name!r}.")
    return PHASES[name]


def phase_of_measure(measure: str) -> Phase:
    """The phase whose value-added measures include `measure`."""
    return next(p for p in PHASES.values() if measure in p.value_added)
