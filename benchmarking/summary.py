"""What a store holds, for `info` and the dashboard's landing page."""
from __future__ import annotations

from .store import Store


def store_summary(store: Store) -> dict:
    """Years, LAs, schools by phase, pupils, measures, Progress 8 coverage and imports, as plain data."""
    q = store.query_file
    years = q("store_years")["year"].tolist()
    phases = q("schools_by_phase")
    pupils = q("pupils_by_year")
    measures = q("measure_coverage")
    missing = q("missing_by_reason")
    imports = q("imports_summary").iloc[0]
    coverage = store.query_file("progress8_coverage")
    return {
        "store": str(store.path),
        "years": [int(y) for y in years],
        "local_authorities": int(q("la_count")["n"][0]),
        "schools": int(phases["n"].sum()),
        "schools_by_phase": {r.phase: int(r.n) for r in phases.itertuples()},
        "pupils": int(pupils["n"].sum()),
        "pupils_by_year": {f"{r.year} {r.key_stage}": int(r.n) for r in pupils.itertuples()},
        "measures": {r.measure: {"label": r.label, "present": int(r.values_present), "missing": int(r.values_missing)}
                     for r in measures.itertuples()},
        "missing_by_reason": {r.reason: int(r.n) for r in missing.itertuples()},
        "progress8_schools": {int(r.year): {"schools": int(r.schools), "las": int(r.las),
                                            "with_context": int(r.with_context),
                                            "context_via_urn_change": int(r.context_via_urn_change)}
                              for r in coverage.itertuples()},
        "imports": {"stored": int(imports["stored"]),
                    "last": None if imports["last"] is None or str(imports["last"]) == "NaT" else str(imports["last"])},
    }
