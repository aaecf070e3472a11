"""The committed JSON Schema matches the model, and real output validates against it."""

from __future__ import annotations

import json
from pathlib import Path

from cookieaudit.statement import parse_statement
from cookieaudit.statement.schema import declaration_schema_text

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "declaration.schema.json"


def test_committed_schema_is_the_generated_one():
    """docs/declaration.schema.json equals the schema generated from the model (regenerate with the module's command)."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == declaration_schema_text(), (
        "docs/declaration.schema.json is stale: python -m cookieaudit.statement.schema > docs/declaration.schema.json")


def test_schema_names_the_declaration_fields():
    """The schema's top level is exactly the six declaration keys, and a cookie requires pattern and match."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert list(schema["properties"]) == ["language", "sources", "cookies", "services", "claims", "warnings"]
    cookie = schema["$defs"]["DeclaredCookie"]
    assert {"pattern", "match", "source", "evidence"} <= set(cookie["required"])


def test_output_fits_the_schema(fixtures_dir):
    """Every cookie, service and claim field of real output is a schema property, every required one present."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = parse_statement(fixtures_dir / "nl_cookieverklaring.html").model_dump(mode="json")
    for part, definition in (("cookies", "DeclaredCookie"), ("services", "DeclaredService"), ("sources", "SourceInfo")):
        properties = schema["$defs"][definition]["properties"]
        required = set(schema["$defs"][definition].get("required", ()))
        assert data[part]
        for item in data[part]:
            assert set(item) <= set(properties) and required <= set(item)
    assert set(data["claims"]) == set(schema["$defs"]["Claims"]["properties"])
