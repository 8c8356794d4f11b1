"""The years DfE published no progress measure, and why: the cohorts had no test results at the start of
the key stage, as the 2020 and 2021 tests were cancelled. Pages and commands say so, trends show these years
as gaps, and pooling skips them."""
from __future__ import annotations

# Years (of the summer exams) with no progress measure, by key stage, and why.
NO_PROGRESS = {
    "KS4": {
        2020: "DfE published no school results for 2020: exams were cancelled (COVID-19).",
        2021: "DfE published no school results for 2021: exams were cancelled (COVID-19).",
        2025: "DfE published no Progress 8 for 2025: that cohort sat no KS2 tests in 2020 (cancelled, COVID-19), "
              "so there is nothing to measure progress from. Progress 8 returns in 2027.",
        2026: "DfE published no Progress 8 for 2026: that cohort sat no KS2 tests in 2021 (cancelled, COVID-19), "
              "so there is nothing to measure progress from. Progress 8 returns in 2027.",
    },
    "KS2": {
        2020: "DfE published no school results for 2020: KS2 tests were cancelled (COVID-19).",
        2021: "DfE published no school results for 2021: KS2 tests were cancelled (COVID-19).",
        2024: "DfE published no KS2 progress for 2024: that cohort had no KS1 assessments in 2020 (cancelled, "
              "COVID-19), so there is nothing to measure progress from. KS2 progress returns in 2026.",
        2025: "DfE published no KS2 progress for 2025: that cohort had no KS1 assessments in 2021 (cancelled, "
              "COVID-19), so there is nothing to measure progress from. KS2 progress returns in 2026.",
    },
}


NO_RESULTS_YEARS = (2020, 2021)  # no school results at all: exams and tests cancelled


def no_progress_reason(key_stage: str, year: int) -> str | None:
    """Why DfE published no progress measure for the key stage and year, or None if it did (or may have)."""
    return NO_PROGRESS.get(key_stage, {}).get(int(year))


def no_result_reason(measure: str, year: int) -> str | None:
    """Why a measure (by code) can have no school result in a year, or None if it can: no school results at all
    (2020 and 2021), or no progress measure for that cohort."""
    from .measures import MEASURES_BY_CODE

    spec = MEASURES_BY_CODE[measure]
    if spec.key_stage not in NO_PROGRESS:
        return None
    reason = no_progress_reason(spec.key_stage, year)
    return reason if reason and (spec.is_progress or int(year) in NO_RESULTS_YEARS) else None


def next_results_year(key_stage: str, year: int) -> int:
    """The first year after `year` with school results for the key stage (2019 is followed by 2022)."""
    year = int(year) + 1
    while key_stage in NO_PROGRESS and year in NO_RESULTS_YEARS:
        year += 1
    return year


def progress_years(key_stage: str, years) -> list[int]:
    """The years among `years` that can have a progress measure."""
    return [int(y) for y in years if no_progress_reason(key_stage, y) is None]
