"""Consent-management marking (``category: consent``) and classification by the setter (issue 13)."""

from __future__ import annotations

import pytest

from cookieaudit.classifier import Classifier, classify
from cookieaudit.rulefile import parse_rule_data

OSANO_SCRIPT = "https://cdn.jsdelivr.net/npm/cookieconsent@3.1.1/build/cookieconsent.min.js"


@pytest.mark.parametrize("name", ["cookieconsent_status", "cookie_consent", "cookies_accepted"])
def test_generic_consent_names_are_a_generic_vendor_by_name_alone(name):
    found = classify(name)
    assert (found.vendor_id, found.category, found.purpose) == ("generic-consent", "consent", "functional")


def test_a_home_grown_setter_leaves_the_shared_name_generic_and_says_the_name_decided():
    found = classify("cookieconsent_status", domain="www.gemeente.nl", setter="https://www.gemeente.nl/js/cookiebalk.js")
    assert found.vendor_id == "generic-consent"
    assert "classified by the name alone" in found.reason
    assert found.confidence < 0.95  # the name alone is weaker evidence


def test_the_cmp_script_as_setter_identifies_the_cmp_with_more_confidence():
    found = classify("cookieconsent_status", domain="www.gemeente.nl", setter=OSANO_SCRIPT + "?v=3")
    assert found.vendor_id == "osano-cookieconsent" and found.category == "consent"
    assert found.confidence > classify("cookieconsent_status").confidence
    assert "its setter" in found.reason and OSANO_SCRIPT in found.reason and "?v=3" not in found.reason


def test_setter_changes_nothing_for_names_without_setter_rules():
    assert classify("_ga", setter=OSANO_SCRIPT) == classify("_ga")
    assert classify("_ga").category is None


@pytest.mark.parametrize("name", ["OptanonConsent", "CookieConsent", "euconsent-v2", "tarteaucitron", "cc_cookie", "klaro"])
def test_cmp_records_are_marked_consent_and_stay_functional(name):
    found = classify(name)
    assert found.category == "consent" and found.purpose == "functional"


def test_tracking_cookies_are_not_consent_records():
    assert classify("_vis_opt_test_cookie").category is None
    assert classify("_vis_opt_test_cookie").purpose == "analytic"


def test_rule_file_fields_are_validated(tmp_path):
    rule = {"id": "x", "vendor": "v", "pattern": "a", "purpose": "functional", "description": "d", "source": "s"}
    parsed = parse_rule_data({"cookies": [rule | {"category": "consent", "setters": [" Lib.JS "]}]}, "f.yaml")
    assert parsed.cookies[0].setters == ("lib.js",)
    with pytest.raises(Exception):
        parse_rule_data({"cookies": [rule | {"category": "tracking"}]}, "f.yaml")


def test_extra_rule_file_with_a_setter_rule(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("""vendors:
  - {id: mijn-cmp, name: Mijn CMP}
cookies:
  - {id: mijn-cmp-status, vendor: mijn-cmp, match: exact, pattern: cookie_consent, purpose: functional,
     category: consent, setters: [cdn.mijn-cmp.example], description: d, source: s}
""", encoding="utf-8")
    classifier = Classifier(extra_rule_files=[path])
    assert classifier.classify("cookie_consent", setter="https://cdn.mijn-cmp.example/v1.js").vendor_id == "mijn-cmp"
    assert classifier.classify("cookie_consent").vendor_id == "generic-consent"


def test_the_scanner_passes_the_setter_to_the_classifier():
    from cookieaudit.options import ScanOptions
    from cookieaudit.scanner.runner import Scan

    scan = Scan("https://www.gemeente.nl/", ScanOptions())
    assert scan._classify_cookie("cookieconsent_status", "www.gemeente.nl", setter=OSANO_SCRIPT)["vendor_id"] == "osano-cookieconsent"
    home_grown = scan._classify_cookie("cookieconsent_status", "www.gemeente.nl", setter="https://www.gemeente.nl/banner.js")
    assert home_grown["vendor_id"] == "generic-consent" and home_grown["category"] == "consent"
