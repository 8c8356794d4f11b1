"""The measures catalogue: every school-level figure the store can hold, with how to read it (label, direction,
digits), the values it can plausibly take (a file with a value outside them is refused), and where the rest of a
measure's behaviour lives: its published band, how it is worked out from pupils, and its stand-in."""
from __future__ import annotations

from dataclasses import dataclass

# Plausible values by unit, unless a measure says otherwise: (lowest, highest, whole numbers only).
UNIT_RANGES = {"%": (0.0, 100.0, False), "pupils": (0.0, None, True), "band": (1.0, 5.0, True)}


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    key_stage: str  # KS2, KS4 or "school" for whole-school context
    kind: str  # "result" or "context"
    unit: str  # "score", "%", "pupils", "points", "band"
    higher_is_better: bool | None  # None where neither direction is better (context)
    low: float | None = None  # plausible values, where the unit does not say (UNIT_RANGES)
    high: float | None = None
    decimals: int | None = None  # how many to show, where the unit does not say (UNIT_DECIMALS)
    pupil_share: bool = False  # a percentage of pupils (each in or out): its sampling error is binomial
    spread_of: str | None = None  # an average whose pupils' spread within a school is this progress measure's...
    spread_scale: float = 1.0  # ...on this scale (rank_interval.national_pupil_sd)

    @property
    def digits(self) -> int:
        """Decimals to show: one number of decimals per measure, everywhere."""
        return self.decimals if self.decimals is not None else UNIT_DECIMALS.get(self.unit, 1)

    @property
    def is_progress(self) -> bool:
        """Whether the measure is worked out from pupils' progress (a progress score, or its band): DfE publishes
        none for a cohort without results at the start of the key stage."""
        return self.kind == "result" and self.unit in ("score", "band")

    @property
    def published_band(self) -> str | None:
        """The measure holding DfE's published band of this one (Progress 8's, KS2 progress's), or None."""
        return PUBLISHED_BANDS.get(self.code)

    def band_cutoffs(self, year: int):
        """Where DfE's "well above" and "well below" begin on this measure in `year` (bands.Cutoffs): +0.5 and
        -0.51 for Progress 8, the year's national cut-offs for KS2 progress; None where DfE's are not known."""
        from .reference import KS2_PROGRESS_CUTOFFS
        from .bands import P8_CUTOFFS, Cutoffs

        if self.code == "ks4_p8":
            return P8_CUTOFFS
        known = KS2_PROGRESS_CUTOFFS.get(year, {}).get(self.code)
        return Cutoffs(known[0], known[1], 1, f"DfE's published KS2 bands for {year}") if known else None

    @property
    def scores_in(self) -> str:
        """What a school's expected and actual outcomes on this measure are in, for a chart's axes: a progress
        measure's pupil outcome (Attainment 8, scaled score), else the measure itself (attainment in context)."""
        return self.progress.outcome_label if self.progress is not None else self.label

    @property
    def progress(self):
        """How the measure is worked out from pupils (value_added.Subject: outcome, scale, cap), or None."""
        from .value_added import SUBJECTS

        return SUBJECTS.get(self.code)

    @property
    def stand_in(self) -> str | None:
        """The measure that stands for this one in a year DfE published none (phases.Phase.stand_in), where this
        is a phase's main value added."""
        from .phases import PHASES

        return next((p.stand_in for p in PHASES.values() if p.main_value_added == self.code), None)

    @property
    def plausible(self) -> tuple[float | None, float | None, bool]:
        """(lowest, highest, whole numbers only): what a file may hold for this measure."""
        low, high, whole = UNIT_RANGES.get(self.unit, (None, None, False))
        return (self.low if self.low is not None else low, self.high if self.high is not None else high, whole)


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter lower case, unless it starts an abbreviation ("Cohort prior
    attainment" -> "cohort prior attainment"; "% EHC plan", "EAL", "KS2 reading" and a measure's name, "Attainment 8", stay as they are)."""
    words = label.split(" ")
    named = len(words) > 1 and words[1][:1].isdigit()  # a measure's name: "Attainment 8", "Progress 8"
    abbreviation = words[0][1:2].isupper()
    return label if named or abbreviation else label[:1].lower() + label[1:]


def sentence_start(text: str) -> str:
    """Text as a sentence: its first letter upper case, the rest as written (str.capitalize would lower-case
    "EHC" and "Attainment 8")."""
    return text[:1].upper() + text[1:]


UNIT_DECIMALS = {"%": 1, "pupils": 0, "points": 1, "band": 0, "score": 1}
COUNT = UNIT_RANGES["pupils"]  # pupil counts beside results (P8PUP, TELIG...): whole numbers of 0 or more
PERCENT = UNIT_RANGES["%"]  # shares beside results (coverage)


MEASURES: tuple[Measure, ...] = (
    # Whole-school context (January census).
    Measure("pupils_on_roll", "Pupils on roll", "school", "context", "pupils", None),
    Measure("pct_disadvantaged", "% disadvantaged (FSM in last 6 years)", "school", "context", "%", None),
    Measure("pct_eal", "% English as an additional language", "school", "context", "%", None),
    Measure("pct_sen_support", "% SEN support", "school", "context", "%", None),
    Measure("pct_ehcp", "% with an EHC plan", "school", "context", "%", None),
    Measure("pct_girls", "% girls on roll", "school", "context", "%", None),
    # Free school meals now (the census's "known to be eligible"), where no file gives FSM in the last 6 years.
    Measure("pct_fsm", "% eligible for free school meals", "school", "context", "%", None),
    # KS4 cohort context.
    Measure("ks4_cohort", "KS4 cohort (pupils at end of KS4)", "KS4", "context", "pupils", None),
    Measure("ks4_prior_attainment", "KS4 cohort prior attainment (KS2 average point score)", "KS4", "context", "points", None, 0, 120),
    Measure("ks4_cohort_pct_disadvantaged", "% of KS4 cohort disadvantaged", "KS4", "context", "%", None),
    Measure("ks4_cohort_pct_eal", "% of KS4 cohort with EAL", "KS4", "context", "%", None),
    Measure("ks4_cohort_pct_sen_support", "% of KS4 cohort with SEN support", "KS4", "context", "%", None),
    Measure("ks4_cohort_pct_ehcp", "% of KS4 cohort with an EHC plan", "KS4", "context", "%", None),
    # KS4 results.
    Measure("ks4_att8", "Attainment 8", "KS4", "result", "points", True, 0, 90, spread_of="ks4_p8", spread_scale=10.0),
    Measure("ks4_p8", "Progress 8", "KS4", "result", "score", True, -5, 5, decimals=2),
    Measure("ks4_p8_uncapped", "Progress 8 before extreme scores were capped", "KS4", "result", "score", True, -5, 5,
            decimals=2),
    Measure("ks4_p8_english", "Progress 8 English element", "KS4", "result", "score", True, -10, 10, decimals=2),
    Measure("ks4_p8_maths", "Progress 8 maths element", "KS4", "result", "score", True, -10, 10, decimals=2),
    Measure("ks4_att8_english", "Attainment 8 English element", "KS4", "result", "points", True, 0, 18),
    Measure("ks4_att8_maths", "Attainment 8 maths element", "KS4", "result", "points", True, 0, 18),
    Measure("ks4_p8_band_published", "Progress 8 band as published (1 well above .. 5 well below)", "KS4", "result", "band", False),
    Measure("ks4_basics_94", "% grade 4+ in English and maths", "KS4", "result", "%", True, pupil_share=True),
    Measure("ks4_basics_95", "% grade 5+ in English and maths", "KS4", "result", "%", True, pupil_share=True),
    Measure("ks4_5em_94", "% with 5 GCSEs at grade 4+ (A*-C) including English and maths", "KS4", "result",
            "%", True, pupil_share=True),
    Measure("ks4_ebacc_aps", "EBacc average point score", "KS4", "result", "points", True, 0, 9, decimals=2,
            spread_of="ks4_p8", spread_scale=1.0),
    Measure("ks4_ebacc_entry", "% entering the EBacc", "KS4", "result", "%", True, pupil_share=True),
    Measure("ks4_ebacc_94", "% achieving the EBacc at grade 4+", "KS4", "result", "%", True, pupil_share=True),
    Measure("ks4_ebacc_95", "% achieving the EBacc at grade 5+", "KS4", "result", "%", True, pupil_share=True),
    # KS2 cohort context.
    Measure("ks2_cohort", "KS2 cohort (eligible pupils)", "KS2", "context", "pupils", None),
    Measure("ks2_prior_attainment", "KS2 cohort prior attainment (KS1 average point score)", "KS2", "context", "points", None, 0, 30),
    Measure("ks2_cohort_pct_disadvantaged", "% of KS2 cohort disadvantaged", "KS2", "context", "%", None),
    Measure("ks2_cohort_pct_eal", "% of KS2 cohort with EAL", "KS2", "context", "%", None),
    Measure("ks2_cohort_pct_sen_support", "% of KS2 cohort with SEN support", "KS2", "context", "%", None),
    Measure("ks2_cohort_pct_ehcp", "% of KS2 cohort with an EHC plan", "KS2", "context", "%", None),
    # KS2 results.
    Measure("ks2_rwm_expected", "% at the expected standard in reading, writing and maths", "KS2", "result",
            "%", True, pupil_share=True),
    Measure("ks2_rwm_higher", "% at the higher standard in reading, writing and maths", "KS2", "result", "%",
            True, pupil_share=True),
    Measure("ks2_read_progress", "KS2 reading progress", "KS2", "result", "score", True, -20, 20),
    Measure("ks2_writ_progress", "KS2 writing progress", "KS2", "result", "score", True, -20, 20),
    Measure("ks2_mat_progress", "KS2 maths progress", "KS2", "result", "score", True, -20, 20),
    Measure("ks2_read_band_published", "KS2 reading progress band as published (1 well above .. 5 well below)",
            "KS2", "result", "band", False),
    Measure("ks2_writ_band_published", "KS2 writing progress band as published (1 well above .. 5 well below)",
            "KS2", "result", "band", False),
    Measure("ks2_mat_band_published", "KS2 maths progress band as published (1 well above .. 5 well below)",
            "KS2", "result", "band", False),
    Measure("ks2_read_average", "KS2 reading average scaled score", "KS2", "result", "points", True, 80, 120,
            spread_of="ks2_read_progress", spread_scale=1.0),
    Measure("ks2_mat_average", "KS2 maths average scaled score", "KS2", "result", "points", True, 80, 120,
            spread_of="ks2_mat_progress", spread_scale=1.0),
    # Whole-school absence (the school's pupils of compulsory school age, a full academic year).
    Measure("absence_overall", "Overall absence (% of sessions missed)", "school", "result", "%", False),
    Measure("absence_persistent", "Persistent absence (% of pupils missing 10% or more)", "school", "result", "%",
            False, pupil_share=True),
)

MEASURES_BY_CODE = {m.code: m for m in MEASURES}
# What each published band is the band of.
PUBLISHED_BANDS = {"ks4_p8": "ks4_p8_band_published", "ks2_read_progress": "ks2_read_band_published",
                   "ks2_writ_progress": "ks2_writ_band_published", "ks2_mat_progress": "ks2_mat_band_published"}
CONTEXT_CODES = tuple(m.code for m in MEASURES if m.kind == "context")
RESULT_CODES = tuple(m.code for m in MEASURES if m.kind == "result")
