"""The audit engine as a whole: ids, order, language, fail-on, counts, the rule set's links,
the schemas, and that nothing imports Playwright."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cookieaudit import audit
from cookieaudit.auditing import FINDING_KINDS, AuditedResult
from cookieaudit.auditing.families import finding_id, name_family
from cookieaudit.auditing.lifetimes import allowed_days, format_days
from cookieaudit.auditing.messages import messages
from cookieaudit.classifier import Classifier
from cookieaudit.errors import InputError, RuleFileError
from tests.auditing.factory import cookie, declaration, declared, request, scan

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("a", "b"), [
    ("_hjSession_123", "_hjSession_987654"),
    ("poll_ab12cd34ef", "poll_99ff00aa11"),
    ("AMCV_4F3A2B1C%40AdobeOrg", "AMCV_77AA22BB%40AdobeOrg"),
    ("wp-settings-time-1", "wp-settings-time-12"),
    ("sessie3f9c2a1b7d0e", "sessie0a1b2c3d4e5f"),
])
def test_name_family_ignores_varying_parts(a, b):
    assert name_family(a) == name_family(b)


def test_name_family_keeps_what_tells_cookies_apart():
    assert name_family("_ga") != name_family("_gid")
    assert name_family("tekstgrootte") == "tekstgrootte"
    assert name_family("hjSession123") == "hjSession#"


def test_ids_are_stable_across_random_suffixes():
    """Two scans whose cookie names carry other random parts give the same finding ids."""
    first = audit(scan([cookie("_hjSession_123", days=0.02), cookie("poll_ab12cd34ef", "www.voorbeeldstad.nl")]))
    second = audit(scan([cookie("_hjSession_987", days=0.02), cookie("poll_99ff00aa11", "www.voorbeeldstad.nl")]))
    assert [f.id for f in first.findings] == [f.id for f in second.findings]
    assert {f.id for f in first.findings} == {"set-before-consent:hotjar-session:before_consent",
                                              "unknown-cookie:poll_#:before_consent"}


def test_one_finding_per_family_lists_every_name():
    result = audit(scan([cookie("poll_ab12cd34ef", "www.voorbeeldstad.nl"), cookie("poll_99ff00aa11", "www.voorbeeldstad.nl")]))
    assert [sorted(f.cookies) for f in result.findings] == [["poll_99ff00aa11", "poll_ab12cd34ef"]]


def test_finding_ids_of_hostile_names_are_safe_and_bounded():
    name = "x\x1b[31m" + "a" * 300
    identifier = finding_id("unknown-cookie", name_family(name), "before_consent")
    assert "\x1b" not in identifier and " " not in identifier and len(identifier) < 140


def test_lifetime_helpers():
    assert allowed_days(720) == 732.5 and allowed_days(730) == 731.5
    assert format_days(730, "nl") == "730 dagen" and format_days(1.5, "nl") == "1,5 dagen" and format_days(0.5) == "12 hours"


def test_order_is_by_severity_then_kind():
    result = audit(scan([cookie("_ga", days=730), cookie("xq", "www.voorbeeldstad.nl")]), declaration([declared("_ga", purpose="functional")]))
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_language_defaults_to_the_statement_then_english():
    observed = scan([cookie("_ga", days=730)])
    assert audit(observed, declaration([declared("_gid")], language="nl")).audit.lang == "nl"
    assert audit(observed, declaration([declared("_gid")], language="en")).audit.lang == "en"
    english = audit(observed)
    assert english.audit.lang == "en" and english.findings[0].message.startswith("Before the visitor gave consent")
    dutch = audit(observed, lang="nl")
    assert dutch.findings[0].message.startswith("Nog vóór de bezoeker toestemming gaf")
    with pytest.raises(InputError, match="language"):
        audit(observed, lang="de")


def test_fail_on_and_counts():
    observed = scan([cookie("_ga", days=730), cookie("xq", "www.voorbeeldstad.nl")])  # an error and an info
    assert audit(observed).audit.failed is True
    assert audit(observed).audit.counts == {"error": 1, "warning": 0, "info": 1}
    assert audit(observed, fail_on="never").audit.failed is False
    info_only = scan([cookie("xq", "www.voorbeeldstad.nl")])
    assert audit(info_only).audit.failed is False and audit(info_only, fail_on="info").audit.failed is True
    with pytest.raises(InputError, match="fail-on"):
        audit(observed, fail_on="fatal")


def test_every_kind_has_dutch_and_english_messages():
    kinds = messages()["kinds"]
    assert set(kinds) == set(FINDING_KINDS)
    for kind, entry in kinds.items():
        variants = entry.values() if kind == "analytics-not-privacy-friendly" else [entry]
        for variant in variants:
            assert {"nl", "en"} <= set(variant), kind


def test_extra_rules_classify_the_municipalitys_own_cookies(tmp_path):
    """--rules: a cookie the built-in rules do not know is classified by the extra file (and the result shows it)."""
    rules = tmp_path / "gemeente.yaml"
    rules.write_text(
        "vendors:\n  - {id: voorbeeldstad, name: Gemeente Voorbeeldstad}\n"
        "cookies:\n  - {id: voorbeeldstad-stat, vendor: voorbeeldstad, match: exact, pattern: stat_bezoek,"
        " purpose: analytic, description: Telt bezoeken., source: eigen}\n", encoding="utf-8")
    observed = scan([cookie("stat_bezoek", "www.voorbeeldstad.nl", days=30)])
    assert [f.kind for f in audit(observed).findings] == ["unknown-cookie"]
    result = audit(observed, rules=[rules])
    assert [f.id for f in result.findings] == ["set-before-consent:voorbeeldstad-stat:before_consent"]
    assert result.cookies[0].purpose == "analytic" and result.audit.rules == [str(rules)]
    broken = tmp_path / "kapot.yaml"
    broken.write_text("cookies: [1", encoding="utf-8")
    with pytest.raises(RuleFileError):
        audit(observed, rules=[broken])


def test_covers_links_are_checked_and_followed():
    classifier = Classifier()
    assert {"meta-pixel", "instagram"} <= classifier.covered_vendors("facebook")
    assert "youtube" in classifier.covered_vendors("google") and "google-tag-manager" in classifier.covered_vendors("google-analytics")
    assert "youtube" not in classifier.covered_vendors("google-analytics")


def test_covers_naming_an_unknown_vendor_is_a_rule_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("vendors:\n  - {id: x-tool, name: X, covers: [no-such-vendor]}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="covers unknown vendor"):
        Classifier(extra_rule_files=[bad]).load()


def test_result_round_trips_as_json():
    result = audit(scan([cookie("_ga", days=730)], requests=[request("https://region1.google-analytics.com/g/collect?v=2")]),
                   declaration([declared("_ga")]))
    again = AuditedResult.model_validate_json(result.to_json())
    assert again.findings == result.findings and again.declaration == result.declaration
    assert again.audit.verdict == result.audit.verdict


@pytest.mark.parametrize(("which", "doc"), [("result", "audit-result.schema.json"), ("baseline", "baseline.schema.json")])
def test_schemas_in_docs_are_current(which, doc):
    """docs/*.schema.json are what `python -m cookieaudit.auditing.schema` prints (no runpy warning)."""
    printed = subprocess.run([sys.executable, "-W", "error", "-m", "cookieaudit.auditing.schema", which], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    assert printed.stderr == ""
    assert json.loads(printed.stdout) == json.loads((ROOT / "docs" / doc).read_text(encoding="utf-8")), \
        f"regenerate: python -m cookieaudit.auditing.schema {which} > docs/{doc}"


def test_audit_pipeline_and_config_import_no_playwright():
    code = ("import sys, cookieaudit, cookieaudit.auditing, cookieaudit.run, cookieaudit.config, cookieaudit.demo;"
            "cookieaudit.audit; assert 'playwright' not in sys.modules, 'playwright imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
