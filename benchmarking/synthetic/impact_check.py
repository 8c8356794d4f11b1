"""Does the impact estimate find the truth? Build demo stores from several seeds and measure every demo club:
its 95% CI should cover the planted effect at least 90% of the time, and a club with no effect should come out
significant about 5% of the time."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from ..impact import club_impact, yearly_scores
from ..progress import Progress, quiet
from ..store import open_store
from .build import build_demo_store


def impact_against_truth(seeds, scale: str = "medium", progress: Progress = quiet) -> pd.DataFrame:
    """One row per demo club and seed: planted, estimate, ci_low, ci_high, covered, significant."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for i, seed in enumerate(seeds):
            progress(i / len(seeds), f"Seed {seed}: building a {scale} demo store and measuring its clubs")
            path = build_demo_store(Path(folder) / f"seed{seed}.duckdb", scale, seed)
            with open_store(path) as store:
                truth = store.query("SELECT club, effect FROM synthetic_club_truth ORDER BY club")
                years = sorted(int(y) for y in store.query_file("result_years")["year"])
                scores = yearly_scores(store, "secondary", years)
                for club in truth["club"]:
                    impact = club_impact(store, club, scores=scores)
                    rows.append({"seed": seed, **impact.summary()})
            path.unlink()
    found = pd.DataFrame(rows)
    found["covered"] = (found["ci_low"] <= found["planted"]) & (found["planted"] <= found["ci_high"])
    found["significant"] = (found["ci_low"] > 0) | (found["ci_high"] < 0)
    return found
