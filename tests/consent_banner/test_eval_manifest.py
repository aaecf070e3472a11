"""The evaluation banners' manifest (tests/fixtures/banners_eval/manifest.yaml) is consistent: every
part loads, ids and hosts are unique across parts (``--part all`` serves them on one test web), the
files named exist, records are of a kind the checks can read, and every banner's files load the
tracker whose cookie the checks look for. Browser-free: the banners themselves are answered by
``benchmarks/banner_eval.py`` and ``test_banners_eval.py``."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.consent_banner.eval_sites import EVAL_DIR, PARTS, load_manifest

FIXTURES, _ = load_manifest("all")


def test_parts_are_known_and_each_held_back_set_is_whole():
    assert {fx.part for fx in FIXTURES} <= set(PARTS)
    # the first five held-back parts became development material (their files stay in their folders)
    assert not load_manifest("heldback2")[0]
    assert sum(fx.page.startswith("heldback2/") for fx in FIXTURES if fx.part == "dev") == 12
    assert not load_manifest("heldback3")[0]
    assert sum(fx.page.startswith("heldback3/") for fx in FIXTURES if fx.part == "dev") == 16
    assert not load_manifest("heldback4")[0]
    assert sum(fx.page.startswith("heldback4/") for fx in FIXTURES if fx.part == "dev") == 16
    assert not load_manifest("heldback5")[0]
    assert sum(fx.page.startswith("heldback5/") for fx in FIXTURES if fx.part == "dev") == 16


def test_ids_and_hosts_are_unique_across_parts():
    for attribute in ("id", "host"):
        repeated = [v for v, n in Counter(getattr(fx, attribute) for fx in FIXTURES).items() if n > 1]
        assert not repeated, f"{attribute} used twice: {repeated}"


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda fx: fx.id)
def test_fixture_files_and_record(fx):
    files = [fx.page, *fx.extra.values()]
    for name in files:
        assert (EVAL_DIR / name).is_file(), name
    kind, _, name = fx.record.partition(":")
    assert kind in ("cookie", "localStorage") and name
    if fx.part != "dev":
        assert fx.page.startswith(f"{fx.part}/"), "a held-back part keeps its files in its own folder"
    sources = "".join((EVAL_DIR / n).read_text(encoding="utf-8") for n in files)
    if not fx.npm and not fx.choice_endpoint:
        assert "googletagmanager.com/gtag/js" in sources or "googletagmanager.com/gtm.js" in fx.extra, \
            "the banner's files must load the tracker after consent"
    for path in fx.must_not_request:
        assert path.startswith("/")
