"""What a store holds, for `info` and the dashboard's landing page."""
from __future__ import annotations

from .store import Store


def store_summary(store: Store) -> dict:
    """Years, LAs, schools by phase, pupils, measures, Progress 8 coverage and imports, as plain data."""
    q = store.query
    years = q("SELECT DISTINCT year FROM results UNION SELECT DISTINCT year FROM context ORDER BY year")["year"].tolist()
    phases = q("SELECT coalesce(phase, 'unknown') AS phase, count(*) AS n FROM schools GROUP BY ALL ORDER BY n DESC")
    pupils = q("SELECT year, key_stage, count(*) AS n FROM pupils GROUP BY ALL ORDER BY year, key_stage")
    measures = q(
        """
        SELECT m.measure, m.label, count(r.value) AS values_present, count(r.reason) AS values_missing
        FROM measures m JOIN results r USING (measure)
        GROUP BY ALL ORDER BY m.measure
        """
    )
    missing = q("SELECT reason, count(*) AS n FROM results WHERE reason IS NOT NULL GROUP BY ALL ORDER BY n DESC")
    imports = q(
        """
        SELECT count(*) FILTER (WHERE status = 'stored') AS stored, count(*) FILTER (WHERE status = 'failed') AS failed,
               max(imported_at) AS last
        FROM import_log
        """
    ).iloc[0]
    coverage = store.query_file("progress8_coverage")
    return {
        "store": str(store.path),
        "years": [int(y) for y in years],
        "local_authorities": int(q("SELECT count(DISTINCT la_code) AS n FROM schools WHERE la_code IS NOT NULL")["n"][0]),
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
        "imports": {"stored": int(imports["stored"]), "failed": int(imports["failed"]),
                    "last": None if imports["last"] is None or str(imports["last"]) == "NaT" else str(imports["last"])},
    }
