"""Print the JSON Schemas of the audit result and the baseline file (published in ``docs/``)::

    python -m cookieaudit.auditing.schema > docs/audit-result.schema.json
    python -m cookieaudit.auditing.schema baseline > docs/baseline.schema.json
"""

from __future__ import annotations

import sys

from .model import baseline_schema_json, result_schema_json

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    which = args[0] if args else "result"
    if which not in ("result", "baseline"):
        sys.stderr.write("usage: python -m cookieaudit.auditing.schema [result|baseline]\n")
        return 2
    sys.stdout.write(baseline_schema_json() if which == "baseline" else result_schema_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
