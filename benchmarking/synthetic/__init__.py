"""A realistic synthetic national store: fictional schools in real LAs, pupils, results and the truth.

Calibrated to DfE's 2018-19 England files (school census and KS4 results) and to DfE's published
Progress 8 estimates: see docs/statistics.md and tests/test_synthetic.py. Every draw
comes from one seeded generator, so a seed always gives the same store.

schools.py makes the schools, pupils.py their pupils and outcomes, results.py the school-level figures,
build.py the store.
"""
from .build import build_demo_store, generate
from .pupils import A8_CURVES, expected_att8
from .schools import SCALES, YEARS

__all__ = ["A8_CURVES", "SCALES", "YEARS", "build_demo_store", "expected_att8", "generate"]
