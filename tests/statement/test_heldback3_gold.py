"""The third held-back statement set (fixtures/eval/round3_heldback, formerly fixtures/heldback3)
is well formed — checked WITHOUT the reader. It was run once before and once after round 3
(``benchmarks/statement_eval.py --part heldback3``) and has been development material since
round 4; its gold keeps the conventions checked here.

Checked here: every gold file has exactly one statement beside it, its fields follow the gold
conventions of issue 9 (a placeholder is a glob, a session has no days, purposes are the three
the project knows, vendors are spelt as the rule set spells them, claims name only declared
purposes), and the set has the size and mix the held-back part needs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cookieaudit.ruleset import load_ruleset

HELDBACK3_DIR = Path(__file__).resolve().parent / "fixtures" / "eval" / "round3_heldback"
SUFFIXES = (".txt", ".html", ".md", ".pdf")
PURPOSES = {"functional", "analytic", "marketing", None}
LIFETIMES = {"session", "persistent", "both", None}
COOKIE_KEYS = {"pattern", "match", "vendor", "purpose", "lifetime", "max_age_days"}
CLAIMS = {"declared_purposes", "only_purposes", "excluded_purposes", "all_session",
          "consent_required_for", "analytics_privacy_friendly"}


def _golds() -> list[Path]:
    return sorted(HELDBACK3_DIR.glob("*.expected.json"))


@pytest.fixture(scope="module")
def vendor_names() -> set[str]:
    return {vendor.name for vendor in load_ruleset().vendors.values()}


def test_set_size_and_mix():
    golds = _golds()
    assert len(golds) >= 20
    languages = [json.loads(p.read_text(encoding="utf-8"))["language"] for p in golds]
    assert {"nl", "en"} <= set(languages)
    sources = [p for p in HELDBACK3_DIR.iterdir() if p.suffix in SUFFIXES]
    assert sum(p.suffix == ".html" for p in sources) >= 8


@pytest.mark.parametrize("gold_path", _golds(), ids=lambda p: p.name[: -len(".expected.json")])
def test_gold_is_well_formed(gold_path, vendor_names):
    stem = gold_path.name[: -len(".expected.json")]
    sources = [HELDBACK3_DIR / f"{stem}{s}" for s in SUFFIXES if (HELDBACK3_DIR / f"{stem}{s}").is_file()]
    assert len(sources) == 1, f"{stem}: one statement beside its gold, found {sources}"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert gold["language"] in {"nl", "en"}
    assert gold["warnings"] == []
    assert gold["_notes"].strip()
    assert gold["cookies"], "a held-back statement declares cookies"
    patterns = [c["pattern"] for c in gold["cookies"]]
    assert len(patterns) == len(set(patterns)), "one item per declared name"
    for cookie in gold["cookies"]:
        assert {"pattern", "match", "purpose", "lifetime", "max_age_days"} <= set(cookie) <= COOKIE_KEYS
        assert cookie["match"] == ("glob" if "*" in cookie["pattern"] else "exact"), cookie
        assert not any(mark in cookie["pattern"] for mark in "<>[]{}# "), cookie
        assert cookie["purpose"] in PURPOSES and cookie["lifetime"] in LIFETIMES, cookie
        days = cookie["max_age_days"]
        if cookie["lifetime"] in {"session", None}:
            assert days is None, cookie
        if cookie["lifetime"] == "both":
            assert days is not None and days > 0, cookie
        if days is not None:
            assert days > 0, cookie
        if "vendor" in cookie:
            assert cookie["vendor"] in vendor_names, cookie
    for service in gold["services"]:
        assert service["name"] and service["purpose"] in PURPOSES and service["lifetime"] in LIFETIMES
        assert service["vendor"] is None or service["vendor"] in vendor_names, service
    claims = gold["claims"]
    assert set(claims) == CLAIMS
    declared = {c["purpose"] for c in gold["cookies"] + gold["services"]} - {None}
    assert claims["declared_purposes"] == sorted(declared)
    for name in ("only_purposes", "consent_required_for"):
        assert claims[name] is None or set(claims[name]) <= declared, name
