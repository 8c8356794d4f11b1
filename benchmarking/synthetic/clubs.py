"""Demo clubs with a known effect, to check the impact estimate against the truth.

Some secondaries form clubs that they join in JOINED. Half of the clubs raise their members' true Progress 8 by
EFFECT from the year after joining (and so their Attainment 8 by ten times as much, in the years without Progress
8); the other half change nothing. Members are drawn at random, with their own generator, so that planting clubs
leaves every other number of the demo as it was.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schools import YEARS

JOINED = 2023
EFFECT = 0.10  # Progress 8 points
SIZE = 8
MAX_CLUBS = 10
SCHOOLS_PER_CLUB = 40  # one club for about this many secondaries: most schools stay out, to be compared with


def club_names(count: int) -> list[str]:
    return [f"Demo network {i + 1:02d}" for i in range(count)]


def plant_clubs(seed: int, schools: pd.DataFrame, p8_effects: np.ndarray,
                clubs: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose the demo clubs' members and add each effective club's effect to its members' true Progress 8
    effects (in place: p8_effects is (school, year)). Returns members (club, urn, row) and the truth (club,
    measure, effect, from_year)."""
    rng = np.random.default_rng([seed, 15])
    secondary = np.flatnonzero((schools["phase"] == "secondary").to_numpy())
    count = clubs if clubs is not None else min(MAX_CLUBS, max(2, len(secondary) // SCHOOLS_PER_CLUB))
    chosen = rng.choice(secondary, size=count * SIZE, replace=False).reshape(count, SIZE)
    names = club_names(count)
    effects = np.where(np.arange(count) % 2 == 0, EFFECT, 0.0)
    rng.shuffle(effects)  # which clubs work is not given away by their order
    after = np.array(YEARS) > JOINED
    for rows, effect in zip(chosen, effects):
        p8_effects[np.ix_(rows, after)] += effect
    members = pd.DataFrame({"club": np.repeat(names, SIZE), "row": chosen.ravel()})
    members["urn"] = schools["urn"].to_numpy()[members["row"]]
    truth = pd.DataFrame({"club": names, "measure": "ks4_p8", "effect": effects, "from_year": JOINED + 1})
    return members, truth
