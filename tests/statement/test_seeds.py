"""The five seed statements (../shared/seeds) against their gold declarations."""

from __future__ import annotations

import json

import pytest

from cookieaudit.statement import parse_statement

SEED_NAMES = [
    "000_e5a91ebdf6f17178",
    "001_79803f0b997efe82",
    "002_17c21ab691bd6636",
    "003_29e3b96a51ffe87d",
    "004_26b279c43096965e",
]

pytestmark = pytest.mark.seeds


def _without_evidence(items: list[dict], gold: list[dict]) -> list[dict]:
    """Each parsed item reduced to the fields its gold item has (the gold leaves out evidence)."""
    return [{key: item.get(key) for key in gold_item} for item, gold_item in zip(items, gold)]


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_seed_matches_gold(seeds_dir, seed):
    """A seed statement parses to exactly its gold declaration, cookies and services in document order."""
    gold = json.loads((seeds_dir / f"{seed}.expected.json").read_text(encoding="utf-8"))
    declaration = parse_statement(seeds_dir / f"{seed}.txt").model_dump(mode="json")
    assert declaration["language"] == gold["language"]
    assert declaration["warnings"] == gold["warnings"]
    claims = {key: value for key, value in declaration["claims"].items() if key != "evidence"}
    assert claims == gold["claims"]
    for kind in ("cookies", "services"):
        assert len(declaration[kind]) == len(gold[kind]), [item.get("pattern", item.get("name")) for item in declaration[kind]]
        assert _without_evidence(declaration[kind], gold[kind]) == gold[kind]


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_seed_evidence_points_into_the_source(seeds_dir, seed):
    """Every item's and claim's evidence is the text found at its stated position in the seed."""
    path = seeds_dir / f"{seed}.txt"
    text = path.read_text(encoding="utf-8")
    declaration = parse_statement(path)
    evidences = [item.evidence for item in (*declaration.cookies, *declaration.services)] + declaration.claims.evidence
    for evidence in evidences:
        position = evidence.position
        assert evidence.source == str(path)
        assert " ".join(text[position.char_start:position.char_end].split()) == evidence.text
        assert text.count("\n", 0, position.char_start) + 1 == position.line


def test_den_haag_evidence_is_the_list_item(seeds_dir):
    """The _ga entry's evidence is its own bullet, from 'Cookie voor Google Analytics' to the end of that item."""
    declaration = parse_statement(seeds_dir / "000_e5a91ebdf6f17178.txt")
    ga = next(c for c in declaration.cookies if c.pattern == "_ga")
    assert ga.evidence.text.startswith("Cookie voor Google Analytics (_ga)")
    assert ga.evidence.text.endswith("Lees ook de privacyvoorwaarden van Google voor meer informatie.")
    assert ga.vendor_id == "google-analytics"
    assert "binnen 4 weken" not in " ".join(c.evidence.text for c in declaration.cookies)


def test_seed_parsing_is_deterministic(seeds_dir):
    """The same input gives byte-identical JSON."""
    path = seeds_dir / "000_e5a91ebdf6f17178.txt"
    assert parse_statement(path).model_dump_json() == parse_statement(path).model_dump_json()
