"""The former held-back statement sets are well formed — checked WITHOUT the reader; they are
development material since (round 3's in fixtures/eval/round3_heldback since round 4; round 4's
in fixtures/eval/round4_heldback since round 5; round 5's in fixtures/eval/round5_heldback since
round 6). A held-back set is run once before and once after its round
(``benchmarks/statement_eval.py --part heldback5`` / ``heldback4`` / ``heldback3``), and a test
that parsed its statements would let the reader be tuned on them; its gold keeps the conventions
checked here.

Checked here: every gold file has exactly one statement beside it, its fields follow the gold
conventions of issue 9 (a placeholder is a glob, a session has no days, purposes are the three
the project knows, vendors are spelt as the rule set spells them, claims name only declared
purposes), each set has the size and mix a held-back part needs, and its README's table lists
every statement with the number of cookies its gold declares.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cookieaudit.ruleset import load_ruleset

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
HELDBACK_FOLDERS = {"heldback3": FIXTURES_DIR / "eval" / "round3_heldback", "heldback4": FIXTURES_DIR / "eval" / "round4_heldback"}
HELDBACK_FOLDERS["heldback5"] = FIXTURES_DIR / "eval" / "round5_heldback"  # round 5's (run before and after round 5)
HELDBACK_SETS = tuple(HELDBACK_FOLDERS)
SUFFIXES = (".txt", ".html", ".md", ".pdf")
PURPOSES = {"functional", "analytic", "marketing", None}
LIFETIMES = {"session", "persistent", "both", None}
COOKIE_KEYS = {"pattern", "match", "vendor", "purpose", "lifetime", "max_age_days"}
CLAIMS = {"declared_purposes", "only_purposes", "excluded_purposes", "all_session",
          "consent_required_for", "analytics_privacy_friendly"}


def _golds(name: str) -> list[Path]:
    return sorted(HELDBACK_FOLDERS[name].glob("*.expected.json"))


def _all_golds() -> list[Path]:
    return [gold for name in HELDBACK_SETS for gold in _golds(name)]


def _stem(gold_path: Path) -> str:
    return gold_path.name[: -len(".expected.json")]


@pytest.fixture(scope="module")
def vendor_names() -> set[str]:
    return {vendor.name for vendor in load_ruleset().vendors.values()}


@pytest.mark.parametrize("name", HELDBACK_SETS)
def test_set_size_and_mix(name):
    folder = HELDBACK_FOLDERS[name]
    golds = _golds(name)
    assert len(golds) >= 20
    languages = [json.loads(p.read_text(encoding="utf-8"))["language"] for p in golds]
    assert languages.count("nl") >= 8 and languages.count("en") >= 8
    sources = [p for p in folder.iterdir() if p.suffix in SUFFIXES]
    assert sum(p.suffix == ".html" for p in sources) >= 8
    assert sum(p.suffix != ".html" for p in sources) >= 8


@pytest.mark.parametrize("name", HELDBACK_SETS)
def test_readme_lists_every_statement_with_its_count(name):
    """The README's statement table names each statement once, with the number of cookies
    its gold declares, so that the set's description cannot drift from its gold."""
    folder = HELDBACK_FOLDERS[name]
    rows = {}
    for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|.*\|\s*(\d+)[^|]*\|\s*$", line)
        if match:
            rows[match.group(1)] = int(match.group(2))
    for gold_path in _golds(name):
        stem = _stem(gold_path)
        source = next(folder / f"{stem}{s}" for s in SUFFIXES if (folder / f"{stem}{s}").is_file())
        assert source.name in rows, f"{name}/README.md does not list {source.name}"
        cookies = json.loads(gold_path.read_text(encoding="utf-8"))["cookies"]
        assert rows.pop(source.name) == len(cookies), source.name
    assert not rows, f"{name}/README.md lists statements without gold: {sorted(rows)}"


@pytest.mark.parametrize("gold_path", _all_golds(), ids=lambda p: f"{p.parent.name}/{_stem(p)}")
def test_gold_is_well_formed(gold_path, vendor_names):
    stem = _stem(gold_path)
    folder = gold_path.parent
    sources = [folder / f"{stem}{s}" for s in SUFFIXES if (folder / f"{stem}{s}").is_file()]
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


def test_every_gold_name_appears_in_its_statement():
    """A gold name is read from its statement: with its placeholder (or star) taken out, each
    literal piece of the pattern occurs in the statement's text (HTML entities decoded)."""
    import html

    for gold_path in _golds("heldback4"):
        stem = _stem(gold_path)
        source = next(gold_path.parent / f"{stem}{s}" for s in SUFFIXES
                      if (gold_path.parent / f"{stem}{s}").is_file())
        text = html.unescape(source.read_text(encoding="utf-8"))
        for cookie in json.loads(gold_path.read_text(encoding="utf-8"))["cookies"]:
            for piece in filter(None, cookie["pattern"].split("*")):
                assert piece in text, f"{stem}: {piece!r} of {cookie['pattern']!r} not in the statement"


def test_every_heldback5_gold_name_appears_in_its_statement():
    """As above for round 5's set, where a PDF layout text wraps a long name over two lines of its
    column ('stg_traffic_source_' / 'priority'): each literal piece of a gold pattern occurs in the
    statement's text (HTML entities decoded), or its two halves do, as the end of one word and
    the start of another."""
    import html

    for gold_path in _golds("heldback5"):
        stem = _stem(gold_path)
        source = next(gold_path.parent / f"{stem}{s}" for s in SUFFIXES
                      if (gold_path.parent / f"{stem}{s}").is_file())
        text = html.unescape(source.read_text(encoding="utf-8"))
        words = text.split()
        for cookie in json.loads(gold_path.read_text(encoding="utf-8"))["cookies"]:
            for piece in filter(None, cookie["pattern"].split("*")):
                wrapped = any(any(w.endswith(piece[:k]) for w in words) and any(w.startswith(piece[k:]) for w in words)
                              for k in range(1, len(piece)))
                assert piece in text or wrapped, f"{stem}: {piece!r} of {cookie['pattern']!r} not in the statement"
