"""The built-in rule set against real cookie names: a golden corpus and the Den Haag statement."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cookieaudit.classifier import Classifier
from cookieaudit.ruleset import find_conflicts

GOLDEN = Path(__file__).parent / "golden.csv"
DEN_HAAG = "000_e5a91ebdf6f17178.txt"


def _golden_rows() -> list[dict]:
    with GOLDEN.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def builtin() -> Classifier:
    """The classifier with only the built-in rules."""
    return Classifier().load()


def test_builtin_rules_load_without_conflicts(builtin):
    """The shipped rule set loads, has the promised breadth and no conflicting rules."""
    assert len(builtin.rules) >= 300
    assert len(builtin.vendors) >= 80
    assert find_conflicts(builtin.ruleset) == []


def test_golden_corpus_is_broad():
    """The corpus covers many vendors and all three purposes."""
    rows = _golden_rows()
    assert len(rows) >= 150
    assert {r["purpose"] for r in rows} == {"functional", "analytic", "marketing"}
    assert len({r["vendor_id"] for r in rows if r["vendor_id"]}) >= 80


@pytest.mark.parametrize("row", _golden_rows(), ids=lambda r: f"{r['name']}@{r['domain']}")
def test_golden(builtin, row):
    """A known cookie gets the purpose our policy gives it (and the vendor, where the corpus names one)."""
    result = builtin.classify(row["name"], domain=row["domain"] or None, site="https://www.denhaag.nl/")
    assert result.purpose == row["purpose"], result.reason
    if row["vendor_id"]:
        assert result.vendor_id == row["vendor_id"], result.reason


# The cookies the Den Haag statement names, as concrete names a browser would show
# ("_vis_opt_*" and "beginnend met IpsosSurveyCookie" are families).
DEN_HAAG_COOKIES = {
    "_ga": [("_ga", "google-analytics")],
    "_vis_opt_": [("_vis_opt_s", "vwo"), ("_vis_opt_test_cookie", "vwo"), ("_vis_opt_exp_7_combi", "vwo")],
    "_vwo_uuid": [("_vwo_uuid", "vwo")],
    "_hjIncludedInSample": [("_hjIncludedInSample", "hotjar")],
    "_hjUserId": [("_hjUserId", "hotjar")],
    "IpsosSurveyCookie": [("IpsosSurveyCookie1", "ipsos"), ("IpsosSurveyCookie_12", "ipsos")],
}


@pytest.mark.seeds
def test_every_cookie_the_den_haag_statement_names(builtin, seeds_dir):
    """Every cookie named in the Den Haag statement is recognised, with its vendor, as analytic."""
    text = (seeds_dir / DEN_HAAG).read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w])(_[A-Za-z][A-Za-z0-9_]*|IpsosSurveyCookie)", text))
    assert named == set(DEN_HAAG_COOKIES), "the statement names other cookies than this test expects"
    for examples in DEN_HAAG_COOKIES.values():
        for name, vendor_id in examples:
            result = builtin.classify(name, domain="www.denhaag.nl", site="https://www.denhaag.nl/")
            assert (result.name, result.purpose, result.vendor_id) == (name, "analytic", vendor_id), result.reason
            assert result.party == "first"


@pytest.mark.seeds
def test_den_haag_statement_vendors_are_found(builtin, seeds_dir):
    """The services the Den Haag statement names are found by the vendor lookup; DigiD cookies are functional."""
    text = (seeds_dir / DEN_HAAG).read_text(encoding="utf-8")
    for mention, vendor_id in [("Google Analytics", "google-analytics"), ("Visual Website Optimizer", "vwo"),
                               ("HotJar", "hotjar"), ("DigiD", "digid")]:
        assert mention in text
        found = builtin.find_vendor(mention)
        assert found is not None and found.id == vendor_id
    digid = builtin.classify("_session_id", domain="digid.nl", site="https://www.denhaag.nl/")
    assert (digid.purpose, digid.vendor_id, digid.party) == ("functional", "digid", "third")
