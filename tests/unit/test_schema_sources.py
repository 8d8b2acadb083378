"""`RAW_SOURCES` names exactly the source objects the raw schema requires, in its order."""

from __future__ import annotations

from orgmetrics.schema import RAW_SOURCES, load_schema


def test_raw_sources_are_the_schemas_source_objects_in_order() -> None:
    schema = load_schema("raw_repo")
    sources = [
        name
        for name, spec in schema["properties"].items()
        if "items" in spec.get("properties", {}) and "available" in spec.get("properties", {})
    ]
    assert tuple(sources) == RAW_SOURCES
    assert set(RAW_SOURCES) <= set(schema["required"])
