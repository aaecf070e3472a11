"""The JSON Schema of :class:`Declaration`, as committed in ``docs/declaration.schema.json``.

Regenerate after changing the model::

    python -m cookieaudit.statement.schema > docs/declaration.schema.json
"""

from __future__ import annotations

import json
import sys

from .model import Declaration

__all__ = ["declaration_schema", "declaration_schema_text"]

SCHEMA_ID = "https://cookieaudit.invalid/schemas/declaration.schema.json"


def declaration_schema() -> dict:
    """The schema as a dict, with $schema and $id set."""
    schema = Declaration.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def declaration_schema_text() -> str:
    """The schema as the exact text of the committed file."""
    return json.dumps(declaration_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(declaration_schema_text())
