"""The published JSON Schema is the one the models generate, and results round-trip through JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from cookieaudit.models import BrowserInfo, Cookie, PhaseInfo, ScanResult, SetBy, ToolInfo, schema_json
from cookieaudit.scanner import ScanOptions

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "scan-result.schema.json"


def test_committed_schema_is_current():
    """docs/scan-result.schema.json equals the schema generated from the models (regenerate with python -m cookieaudit.models)."""
    assert SCHEMA.read_text(encoding="utf-8") == schema_json()


def test_schema_module_entry_point():
    """`python -m cookieaudit.models` prints the schema."""
    printed = subprocess.run([sys.executable, "-m", "cookieaudit.models"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert json.loads(printed)["title"] == "ScanResult"


def test_schema_names_the_issue_fields():
    """The field names the issue fixes are in the schema (they are extended, never renamed)."""
    schema = json.loads(schema_json())
    top = set(schema["properties"])
    assert {"site", "started_at", "finished_at", "tool", "options", "browser", "pages", "cookies", "storage",
            "requests", "errors", "phases"} <= top
    cookie = set(schema["$defs"]["Cookie"]["properties"])
    assert {"name", "domain", "host_only", "path", "expires", "session", "max_age_days", "stored_max_age_days",
            "http_only", "secure", "same_site", "partitioned", "party", "purpose", "vendor", "rule_id", "set_by",
            "first_seen_url", "first_seen_at", "stored", "phase", "reason", "reason_source", "value", "size",
            "changes"} <= cookie
    phase = set(schema["$defs"]["PhaseInfo"]["properties"])
    assert {"name", "started_at", "answered_at", "banner", "tcf", "consent_mode"} <= phase


def test_result_round_trips_through_json():
    """A result written as JSON reads back equal; expiry is ISO 8601 UTC."""
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    result = ScanResult(
        site="https://www.denhaag.nl/", started_at=now, tool=ToolInfo(version="0"), options=ScanOptions(),
        browser=BrowserInfo(), phases=[PhaseInfo(name="before_consent", started_at=now)],
        cookies=[Cookie(name="_ga", domain="denhaag.nl", host_only=False, expires=now, session=False, party="first",
                        phase="before_consent", set_by=SetBy(kind="script", url="https://www.googletagmanager.com/gtag/js"),
                        value={"redacted": True, "length": 3, "sha256": "abc"})],
    )
    text = result.to_json()
    assert json.loads(text)["cookies"][0]["expires"] == "2026-01-02T03:04:05Z"
    assert ScanResult.model_validate_json(text) == result
