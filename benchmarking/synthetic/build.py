"""The demo store: every table of a fictional England, from one seed, written in one write."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from .. import derived
from ..phases import ABSENCE
from ..progress import Progress, quiet
from ..reference import SCHOOL_TYPES
from ..store import default_db_path
from ..writer import writing
from ..club_store import save_club
from .clubs import JOINED, plant_clubs
from .pupils import make_ks2_pupils, make_ks4_pupils
from .results import absence_results, cohort_context, ks2_school_results, ks4_school_results
from .schools import SCALES, YEARS, census_context, make_schools, school_effects, synthetic_areas

def generate(scale: str = "national", seed: int = 2024, progress: Progress = quiet) -> dict[str, pd.DataFrame]:
    """All tables of a synthetic store, as DataFrames, deterministic for the seed."""
    rng = np.random.default_rng(seed)
    progress(0.02, "Making fictional schools")
    schools = make_schools(rng, SCALES[scale])
    effects = school_effects(rng, schools)
    club_members, club_truth = plant_clubs(seed, schools, effects["ks4_p8"])
    results, context, pupils_all, truth = [], [census_context(rng, schools)], [], []
    for i, year in enumerate(YEARS):
        progress(0.05 + 0.2 * i, f"Generating pupils and results for {year}")
        ks4, ks4_truth = make_ks4_pupils(rng, schools, effects["ks4_p8"], i, year)
        ks2, ks2_truth = make_ks2_pupils(rng, schools, effects, i, year)
        results += [ks4_school_results(ks4), ks2_school_results(ks2)]
        context += [cohort_context(ks4, "KS4"), cohort_context(ks2, "KS2")]
        pupils_all += [ks4, ks2]
        truth += [ks4_truth.assign(year=year), ks2_truth.assign(year=year)]
    pupils = pd.concat(pupils_all, ignore_index=True)
    pupils.insert(0, "pupil_id", np.arange(len(pupils)))
    lsoas, areas = synthetic_areas(schools, seed)
    school_table = pd.DataFrame({
        "urn": schools["urn"], "name": schools["name"], "la_code": schools["la_code"], "phase": schools["phase"],
        "phase_rank": 3, "nftype": schools["nftype"], "state_funded": True, "mainstream": True, "is_open": True,
        "lsoa": lsoas,
    })
    results = pd.concat(results + [absence_results(schools, seed)], ignore_index=True)
    return {"schools": school_table, "area_deprivation": areas, "context": pd.concat(context, ignore_index=True),
            "results": results, "pupils": pupils, "synthetic_truth": pd.concat(truth, ignore_index=True),
            "national_figures": pd.concat([england_medians(results[~results["measure"].isin(ABSENCE)]),
                                           england_absence(results[results["measure"].isin(ABSENCE)])], ignore_index=True),
            "demo_clubs": club_members[["club", "urn"]],
            "synthetic_club_truth": club_truth}


def england_medians(results: pd.DataFrame) -> pd.DataFrame:
    """The fictional England's median school on every measure and year: its national figures, as an
    all-England DfE file gives them for the real one."""
    medians = results.dropna(subset=["value"]).groupby(["year", "measure"])["value"].agg(["median", "size"]).reset_index()
    return pd.DataFrame({"year": medians["year"], "measure": medians["measure"], "grouping": "all", "grp": "all",
                         "statistic": "median", "value": medians["median"], "ci_low": np.nan, "ci_high": np.nan,
                         "n": medians["size"], "source": "the synthetic England"})


def england_absence(absence: pd.DataFrame) -> pd.DataFrame:
    """The fictional England's absence for all its pupils, as DfE's absence file gives it in its national row:
    each year's rates over every school, weighted by pupils."""
    weighted = absence.assign(weight=absence["value"] * absence["n"]).groupby(["year", "measure"])[["weight", "n"]].sum()
    return pd.DataFrame({"year": weighted.index.get_level_values("year"), "measure": weighted.index.get_level_values("measure"),
                         "grouping": "all", "grp": "all", "statistic": "average",
                         "value": (weighted["weight"] / weighted["n"]).round(1).to_numpy(), "ci_low": np.nan,
                         "ci_high": np.nan, "n": weighted["n"].to_numpy(), "source": "the synthetic England"})


SYNTHETIC_IDS = """
    SELECT 'SYN' || upper(lpad(to_hex(((pupil_id + 1) * 678223072849 + ?) % 1099511627776), 10, '0')) AS pupil_id,
           * EXCLUDE (pupil_id)
    FROM incoming_pupils"""  # pseudonymous ids: an odd-multiplier permutation of 0..n-1, unique and unordered


def build_demo_store(path: str | Path | None, scale: str = "national", seed: int = 2024,
                     progress: Progress = quiet) -> Path:
    """Build a synthetic store at `path`, replacing any store there only once the new one is complete."""
    started = time.perf_counter()
    path = Path(path) if path else default_db_path()
    tables = generate(scale, seed, progress)
    progress(0.7, "Writing the store")
    with writing(path, fresh=True) as store:
        schools = tables["schools"].assign(school_type=tables["schools"]["nftype"].map(lambda c: SCHOOL_TYPES[c][0]))
        store.upsert_schools(schools)
        store.upsert("context", tables["context"])
        store.upsert("results", tables["results"].astype({"n": "Int64"}))
        store.upsert("synthetic_truth", tables["synthetic_truth"])
        store.upsert("national_figures", tables["national_figures"])
        store.upsert("area_deprivation", tables["area_deprivation"])
        for club, members in tables["demo_clubs"].groupby("club"):
            save_club(store, club, "secondary", JOINED, "demo", {"note": "a demo club, joined in 2023"}, members["urn"])
        store.upsert("synthetic_club_truth", tables["synthetic_club_truth"])
        pupils = tables["pupils"]
        progress(0.85, f"Writing {len(pupils):,} pupil rows")
        derived.write_pupils(store, pupils, SYNTHETIC_IDS, [seed])
        store.log_import(file=f"synthetic:{scale}:seed={seed}", kind="synthetic", year=None, checksum=None,
                         rows_read=len(pupils), rows_stored=len(pupils), rows_skipped=0,
                         message=f"built in {time.perf_counter() - started:.1f} s")
        progress(0.9, "Working out national estimates and every school's value added")
    progress(1.0, f"Demo store ready at {path}")
    return path
